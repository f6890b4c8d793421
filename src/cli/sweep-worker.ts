/** A sweep worker thread: loads the scenario once, then runs the points it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { planSweep, runPoint } from '../io/sweep.js';
import { applySets } from './sets.js';
import type { SweepPoint } from '../study/sweep.js';

const { scenario, sets } = workerData as { scenario: string; sets: string[] };
const plan = planSweep(scenario, (raw) => applySets(raw, sets));
parentPort!.on('message', async (point: SweepPoint) => {
  try {
    parentPort!.postMessage({ ok: true, result: await runPoint(plan, point) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
