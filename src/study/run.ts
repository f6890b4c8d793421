/**
 * `run`: the same workload against every system of a scenario, each in its own simulation,
 * repeated with seeds seed, seed + 1, …; per-request records stream out through `onRecord`.
 */
import type { SessionRecord, StepRecord } from '../domain/request.js';
import type { ResolvedScenario, TraceReplay } from '../scenario/resolved.js';
import { MetricsRecorder, type RequestRecord, type RequestSlo } from '../metrics/recorder.js';
import { cdfsOf, summarise, timeseriesOf, type Cdf, type FleetUsage, type ReplicaUsage, type SloTargets, type SystemSummary, type TimeseriesRow, type Window } from '../metrics/summary.js';
import { replayArrivals, replaySessions } from '../workload/index.js';
import { buildWorld, sourcesFor, startSources, type World } from './world.js';

export type { ResolvedScenario, TraceReplay };

export type RecordsMode = 'all' | 'sample' | 'none';

export interface RunOptions {
  records: RecordsMode;
  /** Every finished request; `kept` says whether the records mode keeps it for requests.csv. */
  onRecord?: (r: RequestRecord & { repeat: number }, kept: boolean) => void;
  onSession?: (s: SessionRecord & { system: string; repeat: number }) => void;
  /** Batch steps of the first repeat (for a timeline). */
  onStep?: (system: string, s: StepRecord) => void;
  /** Fraction of the whole run done (systems × repeats × simulated time). */
  onProgress?: (fraction: number) => void;
  /** Stop a system's run once a pool is overloaded (after a third of the run): the planner's early exit. */
  stopWhenOverloaded?: boolean;
  /** Awaited between slices of simulated time: lets writers drain (bounded memory). */
  betweenSlices?: () => Promise<void>;
  /** The time series' interval, seconds (default: timeseriesInterval). */
  intervalSeconds?: number;
}

/** The time series' default interval: fixed, whatever the run's length, so runs compare. */
export const TIMESERIES_SECONDS = 10;

/** The rows (replicas × intervals) a run's time series may hold: it is kept in memory for the report. */
export const TIMESERIES_MAX_ROWS = 250_000;
const LONGER_INTERVALS = [30, 60, 300, 600, 1800, 3600];

/**
 * The time series' interval for a run: TIMESERIES_SECONDS, unless every replica at that interval
 * would exceed TIMESERIES_MAX_ROWS (a fleet of a thousand replicas over an hour); then the first
 * of 30 s, 1 min, 5 min, … that fits. One interval per run, stated in run.json and the report.
 */
export function timeseriesInterval(s: ResolvedScenario): number {
  return [TIMESERIES_SECONDS, ...LONGER_INTERVALS].find((x) => timeseriesRows(s, x) <= TIMESERIES_MAX_ROWS) ?? LONGER_INTERVALS[LONGER_INTERVALS.length - 1];
}

/** Rows of the time series at `intervalSeconds`, for the system with the most replicas. */
export function timeseriesRows(s: ResolvedScenario, intervalSeconds: number): number {
  const replicas = Math.max(...s.systems.map((x) => x.pools.reduce((n, p) => n + p.replicas, 0)));
  return replicas * s.repeat * Math.ceil((s.durationSeconds + s.drainSeconds) / intervalSeconds);
}

export interface RunResult {
  /** Every summary: runs[repeat][system]. */
  runs: SystemSummary[][];
  /** First repeat's summary of each system (runs[0]: what the console and report show). */
  summaries: SystemSummary[];
  timeseries: TimeseriesRow[];
  /** First repeat's latency distributions, per system and class. */
  cdfs: Cdf[];
  fingerprints: string[];
  /** The time series' interval, seconds. */
  intervalSeconds: number;
}

const SLICES = 100;

/** Keep every 20th request (by a hash of its id): the same requests whatever the system. */
export function sampled(id: number): boolean {
  return Math.imul(id | 0, 0x9e3779b1) >>> 0 < 0x0ccccccd; // ≈ 1/20 of ids
}

function requestSlo(t?: SloTargets): RequestSlo | undefined {
  return t && { ttftSeconds: t.ttftP99Seconds ?? t.ttftP50Seconds, tpotSeconds: t.tpotP99Seconds ?? t.tpotP50Seconds, e2eSeconds: t.e2eP99Seconds };
}

export async function runScenario(s: ResolvedScenario, o: RunOptions): Promise<RunResult> {
  const horizon = s.durationSeconds;
  const end = horizon + s.drainSeconds;
  const window: Window = { start: s.warmupSeconds ?? 0, end: horizon };
  const intervalSeconds = o.intervalSeconds ?? timeseriesInterval(s);
  const runs: SystemSummary[][] = [];
  const timeseries: TimeseriesRow[] = [];
  const fingerprints: string[] = [];
  const cdfs: Cdf[] = [];
  const total = s.systems.length * s.repeat;
  let done = 0;
  for (let r = 0; r < s.repeat; r++) {
    runs.push([]);
    for (const system of s.systems) {
      const seed = s.seed + r;
      const rec = new MetricsRecorder(system.name, {
        exact: o.records === 'all',
        bucketSeconds: intervalSeconds,
        slo: { interactive: requestSlo(s.slo.interactive), background: requestSlo(s.slo.background) },
        window,
        onRecord: o.onRecord && ((x) => o.onRecord!({ ...x, repeat: r }, o.records === 'all' || (o.records === 'sample' && sampled(x.id)))),
        onSession: o.onSession && ((x) => o.onSession!({ ...x, repeat: r })),
        onStepRecord: o.onStep && r === 0 ? (x) => o.onStep!(system.name, x) : undefined,
        // Stop starting new work once the request budget is spent.
        onSent: s.maxRequests === undefined ? undefined : (t) => {
          if (++sent >= s.maxRequests!) world.stopStarting(t);
        },
      });
      let sent = 0;
      const world = buildWorld(system, seed, horizon, rec, undefined, s.client);
      const meter = meterWindow(world, window);
      for (const monitor of world.cluster.monitors.values()) monitor.start(world.sim, horizon / 100, horizon);
      startSources(world, sourcesFor(system, s.sources));
      const progress = (t: number) => o.onProgress?.((done + Math.min(1, t / end)) / total);
      if (s.trace) {
        const ctx = world.context(s.sources.length);
        const options = { cls: s.trace.cls, timeScale: s.trace.timeScale, rateScale: s.trace.rateScale, blockTokens: s.trace.blockTokens };
        if (s.trace.kind === 'arrivals') await replayArrivals(s.trace.arrivals!(), ctx, options);
        else await replaySessions(s.trace.sessions!(), ctx, { ...options, concurrency: s.trace.concurrency });
      }
      for (let k = 1; k <= SLICES; k++) {
        const until = (end * k) / SLICES;
        if (until > world.sim.now) world.sim.run({ until });
        progress(world.sim.now);
        await o.betweenSlices?.();
        if (o.stopWhenOverloaded && world.sim.now > horizon / 3 && world.sim.now < horizon) {
          if ([...world.cluster.monitors.values()].some((m) => m.report(world.sim.now).overloaded)) break;
        }
      }
      // Replicas account for the started steps of pending decode runs (step records included).
      for (const pool of world.cluster.spec.pools) for (const rep of pool.replicas) rep.settle(world.sim.now);
      rec.finishRun(world.sim.now);
      const fleet: FleetUsage[] = system.pools.map((p, j) => ({ hardware: p.hardware, devices: p.deployment.count, replicas: meter.usage(j) }));
      const overload = [...world.cluster.monitors.values()].map((m) => m.report(horizon));
      runs[r].push(summarise(rec, window, fleet, s.slo, overload, world.cluster.sessionMoves, s.energy));
      if (r === 0) for (const c of cdfsOf(rec)) cdfs.push(c);
      fingerprints.push(rec.fingerprint);
      const replicas = world.cluster.spec.pools.flatMap((p) => p.replicas.map((x) => x.name));
      // A loop, not push(...rows): a fleet's rows would overflow the call stack as arguments.
      for (const row of timeseriesOf(rec, r, intervalSeconds, replicas, world.sim.now)) timeseries.push(row);
      done++;
    }
  }
  return { runs, summaries: runs[0] ?? [], timeseries, cdfs, fingerprints, intervalSeconds };
}

export type { TimeseriesRow };

/**
 * Each replica's busy time and output tokens inside the measured window: counters read at the
 * window's start and end (or when the run stopped, if earlier), so the drain is left out.
 */
function meterWindow(world: World, window: Window): { usage(pool: number): ReplicaUsage[] } {
  const pools = world.cluster.spec.pools;
  const read = () => pools.map((p) => p.replicas.map((r) => ({ busy: r.stats.busySeconds, tokens: r.stats.generatedTokens })));
  let atStart = read();
  let atEnd: ReturnType<typeof read> | undefined;
  world.sim.at(window.start, () => void (atStart = read()));
  world.sim.at(window.end, () => void (atEnd = read()));
  return {
    usage(j) {
      const end = (atEnd ?? read())[j];
      return pools[j].replicas.map((r, k) => ({ name: r.name, busySeconds: end[k].busy - atStart[j][k].busy, outputTokens: end[k].tokens - atStart[j][k].tokens }));
    },
  };
}
