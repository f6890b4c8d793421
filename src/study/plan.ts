/**
 * Capacity planning: the smallest replica count of each hardware option that meets every SLO
 * (doubling, then bisection, assuming more replicas never hurt; an overloaded run stops early),
 * each trial repeated over seeds so the answer is a range, plus the spares asked for; and the
 * inverse: the largest load scale a given fleet serves within its SLOs.
 */
import type { SystemSummary } from '../metrics/summary.js';
import { trialRows, type PlanResult, type SeedRun, type Trial } from '../report/plan.js';
import { sig } from '../report/format.js';
import { summarise, type ValidationResult } from './validation.js';
import { assertNever } from '../domain/never.js';

export type { PlanResult, SeedRun, Trial };

export function meetsAll(s: SystemSummary): boolean {
  return !s.overload.some((o) => o.overloaded) && s.classes.every((c) => c.meetsSlo !== false) && s.classes.some((c) => c.meetsSlo === true);
}

/**
 * Smallest n in [1, max] with meets(n), assuming monotonic; null when even max fails. `known`
 * starts the search from counts already established: one known to fail, one known to pass.
 */
export async function smallest(max: number, trial: (n: number) => Promise<Trial>, known: { fails?: number; passes?: number } = {}): Promise<{ n: number | null; trials: Trial[] }> {
  const trials: Trial[] = [];
  const run = async (n: number) => {
    const t = await trial(n);
    trials.push(t);
    return t.meets;
  };
  let lo = known.fails ?? 0; // largest known failing
  let hi = known.passes ?? Math.min(max, lo + 1);
  if (known.passes === undefined) {
    if (lo >= max) return { n: null, trials };
    while (!(await run(hi))) {
      lo = hi;
      if (hi >= max) return { n: null, trials };
      hi = Math.min(max, hi * 2);
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await run(mid)) hi = mid;
    else lo = mid;
  }
  return { n: hi, trials };
}

/** The largest count that failed below `n` (0 when none did): where a search at a slower model starts. */
export function largestFailing(trials: readonly Trial[], n: number): number {
  return Math.max(0, ...trials.filter((t) => !t.meets && t.replicas < n).map((t) => t.replicas));
}

/**
 * How far a serving stack's model is from published figures it was not fitted to: the median
 * absolute error of its holdout rows that measure step time (null without any). The planner
 * re-sizes the fleet with every step that much slower and faster, so the answer carries the
 * model's error as a range.
 */
export function holdoutError(results: readonly ValidationResult[], stack: string): { rows: number; error: number } | null {
  const s = summarise(results.filter((r) => r.stack === stack && Number.isFinite(r.error) && measuresStepTime(r)), 'holdout');
  return s.rows === 0 ? null : { rows: s.rows, error: s.medianAbsError };
}

/**
 * Whether a row's error is an error in step time: speeds, throughputs and a single prefill are
 * (a step x% slow makes them about x% off); TTFT and TPOT of a serving run at a given load are
 * not, because queueing amplifies it: near saturation 2% of capacity moves them by 200–500%
 * (the H200 MLPerf Server rows), which as a step-time band would size fleets for a model 5×
 * slower than any throughput row says it is.
 */
function measuresStepTime(r: ValidationResult): boolean {
  switch (r.metric) {
    case 'tokensPerSecondPerUser':
    case 'itlMs':
    case 'prefillTokensPerSecond':
    case 'endToEndTokensPerSecond':
    case 'totalTokensPerSecond':
      return true;
    case 'ttftMeanMs':
    case 'ttftP99Ms':
    case 'tpotMeanMs':
    case 'tpotP99Ms':
      return r.load === 'step';
    default:
      return assertNever(r.metric);
  }
}

/**
 * Why no count up to the maximum passed, when more replicas stopped helping: a failing SLO that
 * improved by less than 10% from half the maximum to the maximum is bound by each request's own
 * service time (or the workload), not by queueing, and no fleet of this shape will meet it.
 */
export function whyNone(trials: readonly Trial[]): string | undefined {
  const sorted = [...trials].sort((a, b) => a.replicas - b.replicas);
  const top = sorted[sorted.length - 1];
  const half = top && sorted.filter((t) => t.replicas <= top.replicas / 2).pop();
  if (!top || !half) return undefined;
  // First seed's rows, in display units (ms or s).
  const checks = (t: Trial) => trialRows([t]).filter((x) => x.seed === t.runs[0].seed).flatMap((x) => x.checks.map((k) => ({ key: `${x.cls} ${k.name}`, ...k })));
  const before = new Map(checks(half).map((k) => [k.key, k.value]));
  const stuck = checks(top).filter((k) => k.value > k.target && Number.isFinite(k.value) && (before.get(k.key) ?? Infinity) < k.value * 1.1);
  if (stuck.length === 0) return undefined;
  return stuck.map((k) => `${k.key} ${sig(before.get(k.key)!)} → ${sig(k.value)} ${k.unit} from ${half.replicas} to ${top.replicas} replicas (target ${sig(k.target)}): more replicas barely help, so the limit is each request's own service time, not queueing`).join('; ');
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
export function optionScenario(raw: Raw, system: string, pool: number, replicas: number, load = 1, seed?: number, stepTimeScale = 1): Raw {
  const { plan: _p, sweep: _s, answer: _a, ...rest } = raw;
  const sys = (raw.systems as Raw[]).find((s) => s.name === system)!;
  const pools = (sys.pools as Raw[]).map((p, i) => (i === pool ? { ...p, replicas, ...(stepTimeScale === 1 ? {} : { stepTimeScale }) } : p));
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

