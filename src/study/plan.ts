/**
 * Capacity planning: the smallest replica count of each hardware option that meets every SLO
 * (doubling, then bisection, assuming more replicas never hurt; an overloaded run stops early),
 * and the inverse: the largest load scale a given fleet serves within its SLOs.
 */
import type { SystemSummary } from '../metrics/summary.js';

export interface Trial {
  replicas: number;
  meets: boolean;
  summary: SystemSummary;
}

export interface PlanResult {
  system: string;
  pool: string;
  replicas: number | null;
  trials: Trial[];
  summary?: SystemSummary;
  devicesPerReplica: number;
  hardware: string;
}

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
