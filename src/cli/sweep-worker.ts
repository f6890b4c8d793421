/**
 * A sweep worker process: loads the scenario once, then runs the points it is sent. Processes,
 * not threads: measured on this 2-core machine, two worker threads in one process gave 1.15×
 * (their garbage collectors compete inside one V8 process) where two processes give 1.7×.
 */
import { InputError } from '../domain/errors.js';
import { planSweep, runPoint, type SweepPlan } from '../io/sweep.js';
import { applySets } from './sets.js';
import type { SweepPoint } from '../study/sweep.js';

const { scenario, sets } = JSON.parse(process.env.WAFERSIM_SWEEP ?? '{}') as { scenario: string; sets: string[] };
// The parent checks every point (and reports bad input) while this process starts: a scenario it
// refuses never gets here as a point, so a planning error is only reported if a point comes anyway.
let plan: SweepPlan | undefined;
let planError: unknown;
try {
  plan = planSweep(scenario, (raw) => applySets(raw, sets), false);
} catch (error) {
  planError = error;
}
process.on('message', async (point: SweepPoint) => {
  try {
    if (!plan) throw planError;
    process.send!({ ok: true, result: await runPoint(plan, point) });
  } catch (error) {
    // Bad input found while running (a trace row) stays bad input in the parent.
    process.send!({ ok: false, error: error instanceof Error ? error.message : String(error), problems: error instanceof InputError ? error.problems : undefined });
  }
});
process.on('disconnect', () => process.exit(0));
