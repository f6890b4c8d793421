/**
 * Capacity planning: the smallest replica count of each hardware option that meets every SLO
 * (doubling, then bisection, assuming more replicas never hurt; an overloaded run stops early),
 * each trial repeated over seeds so the answer is a range, plus the spares asked for; and the
 * inverse: the largest load scale a given fleet serves within its SLOs.
 */
import type { SystemSummary } from '../metrics/summary.js';
import type { PlanResult, SeedRun, Trial } from '../report/plan.js';

export type { PlanResult, SeedRun, Trial };

export function meetsAll(s: SystemSummary): boolean {
  return !s.overload.some((o) => o.overloaded) && s.classes.every((c) => c.meetsSlo !== false) && s.classes.some((c) => c.meetsSlo === true);
}

/** Smallest n in [1, max] with meets(n), assuming monotonic; null when even max fails. */
export async function smallest(max: number, trial: (n: number) => Promise<Trial>): Promise<{ n: number | null; trials: Trial[] }> {
  const trials: Trial[] = [];
  const run = async (n: number) => {
    const t = await trial(n);
    trials.push(t);
    return t.meets;
  };
  let lo = 0; // largest known failing
  let hi = 1;
  while (!(await run(hi))) {
    lo = hi;
    if (hi >= max) return { n: null, trials };
    hi = Math.min(max, hi * 2);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await run(mid)) hi = mid;
    else lo = mid;
  }
  return { n: hi, trials };
}

/** The fleet-size range the seeds give: the fewest replicas tried that some seed passed, up to `n` (all seeds). */
export function seedRange(trials: Trial[], n: number | null): { low: number; high: number } | null {
  if (n === null) return null;
  const some = trials.filter((t) => t.runs.some((r) => r.meets)).map((t) => t.replicas);
  return { low: Math.min(n, ...some), high: n };
}

/** Largest load factor in [lo, hi] that passes, to within `tolerance` (relative), by bisection. */
export async function largest(passes: (factor: number) => Promise<boolean>, hi = 8, tolerance = 0.05): Promise<number | null> {
  let good = 0;
  let bad = hi;
  for (let f = 1; ; f *= 2) {
    if (f > hi) break;
    if (await passes(f)) good = f;
    else {
      bad = f;
      break;
    }
  }
  if (good === 0) {
    bad = 1;
    good = 1 / 64;
    if (!(await passes(good))) return null;
  }
  while (bad / good > 1 + tolerance) {
    const mid = Math.sqrt(good * bad);
    if (await passes(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

type Raw = Record<string, any>;

/**
 * The scenario reduced to one system, its pool at `replicas`, the workload scaled by `load`, and,
 * when developers follow a daily cycle, the run placed at its busiest hours (a fleet is sized
 * for the peak): the day's clock starts so that the peak falls in the middle of the run.
 */
export function optionScenario(raw: Raw, system: string, pool: number, replicas: number, load = 1, seed?: number): Raw {
  const { plan: _p, sweep: _s, ...rest } = raw;
  const sys = (raw.systems as Raw[]).find((s) => s.name === system)!;
  const pools = (sys.pools as Raw[]).map((p, i) => (i === pool ? { ...p, replicas } : p));
  const w = { ...(raw.workload as Raw) };
  if (w.interactive?.dailyCycle) {
    const hours = (raw.durationMinutes as number) / 60;
    const startHour = (((w.interactive.dailyCycle.peakHour - hours / 2) % 24) + 24) % 24;
    w.interactive = { ...w.interactive, dailyCycle: { ...w.interactive.dailyCycle, startHour } };
  }
  if (load !== 1) {
    if (w.interactive) w.interactive = { ...w.interactive, developers: Math.max(1, Math.round(w.interactive.developers * load)) };
    if (w.agents) w.agents = { ...w.agents, concurrency: Math.max(1, Math.round(w.agents.concurrency * load)) };
    if (w.openLoop && typeof w.openLoop.ratePerSecond === 'number') w.openLoop = { ...w.openLoop, ratePerSecond: w.openLoop.ratePerSecond * load };
    if (w.trace) w.trace = { ...w.trace, rateScale: (w.trace.rateScale ?? 1) * load };
  }
  return { ...rest, ...(seed === undefined ? {} : { seed }), repeat: 1, systems: [{ ...sys, pools }], workload: w };
}

