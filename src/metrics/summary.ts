/**
 * Summaries: per system × class × metric (count, mean, percentiles, and a 95% confidence
 * interval across repeats), outcomes (completed, rejected by reason, unfinished), SLO attainment
 * and goodput, throughput, cost and energy, and how evenly the replicas were loaded. Everything
 * covers the measured window (warm-up end to horizon); what fell outside it is counted apart.
 */
import { describeRejectReason, REJECT_REASONS, type RejectReason, type RequestClass } from '../domain/request.js';
import type { EnergyPrice, HardwareSpec } from '../domain/specs.js';
import type { SloTargets } from '../domain/slo.js';
import { LATENCY_METRICS, type ClassStats, type LatencyMetric, type MetricsRecorder } from './recorder.js';
import type { Quantiles } from './quantiles.js';

/** A latency distribution's figures, seconds (vLLM's benchmark reports these, in ms). */
export interface Distribution {
  /** Observations: requests, or token gaps for ITL. */
  count: number;
  mean: number;
  median: number;
  std: number;
  p90: number;
  p95: number;
  p99: number;
}

export function distributionOf(q: Quantiles): Distribution {
  return { count: q.count, mean: q.mean(), median: q.quantile(0.5), std: q.std(), p90: q.quantile(0.9), p95: q.quantile(0.95), p99: q.quantile(0.99) };
}

export type { SloTargets };

/** One replica over the measured window. */
export interface ReplicaUsage {
  name: string;
  busySeconds: number;
  outputTokens: number;
}

/** Devices a system ran, for cost and energy. */
export interface FleetUsage {
  hardware: HardwareSpec;
  /** Devices (GPUs or wafers) in one replica. */
  devices: number;
  replicas: ReplicaUsage[];
}

/** The measured window, seconds: [start, end) (warm-up end to horizon). */
export interface Window {
  start: number;
  end: number;
}

export interface ReplicaLoad {
  replica: string;
  /** Requests that arrived at it over the whole run. */
  requests: number;
  /** Busy share of the measured window. */
  busyShare: number;
  /** Highest KV occupancy (fraction of its blocks) over the run. */
  kvPeak: number;
}

export interface SystemSummary {
  system: string;
  /** Length of the measured window. */
  seconds: number;
  /** Completed requests (sent in the window). */
  requests: number;
  rejected: number;
  unfinished: number;
  /** Requests sent outside the window (warm-up, drain), by outcome: served, not measured. */
  outside: { completed: number; rejected: number; unfinished: number; gave_up: number };
  /** Output tokens the fleet generated in the window. */
  outputTokens: number;
  /** Output tokens plus prompt tokens of requests admitted in the window. */
  totalTokens: number;
  outputTokensPerSecond: number;
  totalTokensPerSecond: number;
  /** Hardware price plus energy (when the scenario prices energy). */
  usdPerHour: number;
  /** Of usdPerHour: the hardware's price per hour. */
  hardwareUsdPerHour: number;
  /** Of usdPerHour: energy at the facility (IT power × PUE × $/kWh); 0 when the scenario prices none. */
  energyUsdPerHour: number;
  usdPerMillionOutputTokens: number;
  usdPerMillionTotalTokens: number;
  /** IT power of the devices (without the facility's overhead). */
  averagePowerKw: number;
  joulesPerOutputToken: number;
  classes: ClassSummary[];
  overload: { pool: string; overloaded: boolean; rejected: number; message: string }[];
  replicas: ReplicaLoad[];
  /** Max ÷ mean busy share over replicas (1: perfectly even). */
  busyImbalance: number;
  /** Sessions the router moved off their home replica. */
  sessionMoves: number;
  /** Hardware ids of this system with no validation rows of their own (results labelled "uncalibrated"). */
  uncalibrated: string[];
}

/** One SLO target and what the run achieved, seconds; `display` is the unit people read it in. */
export interface SloCheck {
  name: string;
  display: 'ms' | 's';
  value: number;
  target: number;
  met: boolean;
}

export interface ClassSummary {
  cls: RequestClass;
  /** Completed requests. */
  requests: number;
  rejected: number;
  rejectedBy: Record<RejectReason, number>;
  unfinished: number;
  /** Attempts given up by the client (timeout). */
  gaveUp: number;
  jobs: { completed: number; failed: number; unfinished: number };
  /** Prompt and output tokens of completed requests (vLLM's throughputs count these). */
  inputTokens: number;
  outputTokens: number;
  /** Of outputTokens: hidden reasoning tokens. */
  reasoningTokens: number;
  /** Latencies of completed requests, seconds. */
  latency: Record<LatencyMetric, Distribution>;
  /** 1 / TPOT median: the speed one user sees while tokens stream. */
  tokensPerSecondPerUser: number;
  /** Over every job started in the window; failed and unfinished jobs count as longer than any (Infinity when they reach the percentile). */
  jobP90Seconds: number;
  /** The median job, counted the same way. */
  jobP50Seconds: number;
  /** Share of requests meeting every per-request threshold of the class's SLO (rejected and unfinished ones miss); NaN without an SLO. */
  sloAttainment: number;
  goodputPerSecond: number;
  /** Whether the class's percentile targets are met and nothing was rejected or left unfinished (undefined: no SLO). */
  meetsSlo?: boolean;
  sloChecks: SloCheck[];
  sloMisses: string[];
  cacheHitRate: number;
  /** Mean seconds per request, by where the time went. */
  stages: { network: number; startup: number; queue: number; prefill: number; decode: number; gap: number };
}

/**
 * The q-quantile of `finished` values together with `censored` ones known only to be larger than
 * all of them (jobs that failed or had not finished): Infinity when q falls among the censored.
 */
export function censoredQuantile(finished: Quantiles, censored: number, q: number): number {
  const n = finished.count + censored;
  if (n === 0) return NaN;
  const rank = q * (n - 1);
  if (rank > finished.count - 1) return Infinity;
  return finished.quantile(finished.count > 1 ? rank / (finished.count - 1) : 0);
}

export function replicaLoads(rec: MetricsRecorder, fleet: FleetUsage[], window: Window): ReplicaLoad[] {
  const seconds = window.end - window.start;
  return fleet.flatMap((f) => f.replicas.map((r) => {
    const series = rec.seriesOf(r.name);
    return {
      replica: r.name,
      requests: series.reduce((n, p) => n + p.requests, 0),
      busyShare: Math.min(1, r.busySeconds / seconds),
      kvPeak: series.reduce((m, p) => Math.max(m, p.kvPeak), 0),
    };
  }));
}

export function summarise(
  rec: MetricsRecorder,
  window: Window,
  fleet: FleetUsage[],
  slo: Partial<Record<RequestClass, SloTargets>>,
  overload: SystemSummary['overload'],
  sessionMoves = 0,
  energy?: EnergyPrice,
): SystemSummary {
  const seconds = window.end - window.start;
  const classes: ClassSummary[] = [];
  for (const [cls, s] of [...rec.classes.entries()].sort(([a], [b]) => a.localeCompare(b))) classes.push(classSummary(cls, s, seconds, slo[cls]));
  let usdPerHour = 0;
  let joules = 0;
  let outputTokens = 0;
  for (const f of fleet) {
    usdPerHour += f.hardware.pricePerHourUsd * f.devices * f.replicas.length;
    for (const r of f.replicas) {
      outputTokens += r.outputTokens;
      joules += f.devices * (f.hardware.powerIdleWatts * seconds + (f.hardware.powerBusyWatts - f.hardware.powerIdleWatts) * Math.min(r.busySeconds, seconds));
    }
  }
  const hardwareUsdPerHour = usdPerHour;
  const energyUsdPerHour = energy ? (joules / seconds / 1000) * energy.pue * energy.usdPerKwh : 0;
  usdPerHour += energyUsdPerHour;
  const totalTokens = outputTokens + rec.inputTokensAdmittedInWindow;
  const usd = usdPerHour * (seconds / 3600);
  const replicas = replicaLoads(rec, fleet, window);
  const meanBusy = replicas.reduce((a, r) => a + r.busyShare, 0) / Math.max(1, replicas.length);
  const sum = (f: (c: ClassSummary) => number) => classes.reduce((n, c) => n + f(c), 0);
  const summary: SystemSummary = {
    system: rec.system,
    seconds,
    requests: sum((c) => c.requests),
    rejected: sum((c) => c.rejected),
    unfinished: sum((c) => c.unfinished),
    outside: { completed: rec.outside.completed, rejected: rec.outside.rejected, unfinished: rec.outside.unfinished, gave_up: rec.outside.gave_up },
    outputTokens,
    totalTokens,
    outputTokensPerSecond: outputTokens / seconds,
    totalTokensPerSecond: totalTokens / seconds,
    usdPerHour,
    hardwareUsdPerHour,
    energyUsdPerHour,
    usdPerMillionOutputTokens: outputTokens > 0 ? usd / (outputTokens / 1e6) : NaN,
    usdPerMillionTotalTokens: totalTokens > 0 ? usd / (totalTokens / 1e6) : NaN,
    averagePowerKw: joules / seconds / 1000,
    joulesPerOutputToken: outputTokens > 0 ? joules / outputTokens : NaN,
    classes,
    overload,
    replicas,
    busyImbalance: meanBusy > 0 ? Math.max(...replicas.map((r) => r.busyShare)) / meanBusy : NaN,
    sessionMoves,
    uncalibrated: [...new Set(fleet.filter((f) => !f.hardware.validated).map((f) => f.hardware.id))].sort(),
  };
  return summary;
}

/** An SLO figure in the unit people read it in (ms for latencies, s for jobs). */
export function inDisplayUnit(c: Pick<SloCheck, 'display'>, seconds: number): number {
  return c.display === 'ms' ? seconds * 1000 : seconds;
}

function classSummary(cls: RequestClass, s: ClassStats, seconds: number, slo?: SloTargets): ClassSummary {
  const latency = Object.fromEntries(LATENCY_METRICS.map((k) => [k, distributionOf(s.metrics[k])])) as Record<LatencyMetric, Distribution>;
  const jobsStarted = s.jobs.completed + s.jobs.failed + s.jobs.unfinished;
  const jobP90 = jobsStarted > 0 ? censoredQuantile(s.jobSeconds, s.jobs.failed + s.jobs.unfinished, 0.9) : NaN;
  const checks: SloCheck[] = [];
  const check = (name: string, display: SloCheck['display'], value: number, target?: number) => {
    if (target !== undefined) checks.push({ name, display, value, target, met: value <= target });
  };
  if (slo) {
    check('TTFT p99', 'ms', latency.ttft.p99, slo.ttftP99Seconds);
    check('TTFT p50', 'ms', latency.ttft.median, slo.ttftP50Seconds);
    check('TPOT p50', 'ms', latency.tpot.median, slo.tpotP50Seconds);
    check('TPOT p99', 'ms', latency.tpot.p99, slo.tpotP99Seconds);
    check('E2E p99', 'ms', latency.e2el.p99, slo.e2eP99Seconds);
    check('job p90', 's', jobP90, slo.jobP90Seconds);
  }
  const misses = checks.filter((c) => !c.met).map((c) => {
    const target = `${Number(inDisplayUnit(c, c.target).toPrecision(6))} ${c.display}`;
    return Number.isNaN(c.value) ? `${c.name} not measured (target ${target})`
      : c.value === Infinity ? `${c.name} not reached: too many jobs failed or were unfinished when the run ended (target ${target})`
        : `${c.name} ${inDisplayUnit(c, c.value).toFixed(1)} ${c.display} > ${target}`;
  });
  if (slo && s.rejected > 0) misses.push(`${s.rejected} requests rejected (${rejectText(s.rejectedBy)})`);
  if (slo && s.unfinished > 0) misses.push(`${s.unfinished} requests unfinished when the drain ended`);
  if (slo && s.gaveUp > 0) misses.push(`${s.gaveUp} requests given up by the client (timeout)`);
  const n = Math.max(1, s.requests);
  const sent = s.requests + s.rejected + s.unfinished + s.gaveUp;
  return {
    cls,
    requests: s.requests,
    rejected: s.rejected,
    rejectedBy: { ...s.rejectedBy },
    unfinished: s.unfinished,
    gaveUp: s.gaveUp,
    jobs: { ...s.jobs },
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    reasoningTokens: s.reasoningTokens,
    latency,
    tokensPerSecondPerUser: latency.tpot.median > 0 ? 1 / latency.tpot.median : NaN,
    jobP90Seconds: jobP90,
    jobP50Seconds: jobsStarted > 0 ? censoredQuantile(s.jobSeconds, s.jobs.failed + s.jobs.unfinished, 0.5) : NaN,
    sloAttainment: slo && sent > 0 ? s.good / sent : NaN,
    goodputPerSecond: slo ? s.good / seconds : NaN,
    meetsSlo: slo ? misses.length === 0 : undefined,
    sloChecks: checks,
    sloMisses: misses,
    cacheHitRate: s.inputTokens > 0 ? s.cachedTokens / s.inputTokens : 0,
    stages: {
      network: s.stages.network / n,
      startup: s.sessionRequests > 0 ? s.sessionStartup / s.sessionRequests : 0,
      queue: s.stages.queue / n,
      prefill: s.stages.prefill / n,
      decode: s.stages.decode / n,
      gap: s.sessionRequests > 0 ? s.sessionGaps / s.sessionRequests : 0,
    },
  };
}

/** "1,385 context exceeds KV capacity" style list of reasons with counts. */
export function rejectText(by: Record<RejectReason, number>): string {
  return REJECT_REASONS.filter((r) => by[r] > 0).map((r) => `${by[r]}: ${describeRejectReason(r)}`).join('; ');
}

export { meanAndInterval } from './repeats.js';
export { cdfsOf, timeseriesOf, CDF_METRICS, type Cdf, type TimeseriesRow } from './series.js';
