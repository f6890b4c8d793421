/**
 * Summaries: per system × class × metric (count, mean, percentiles, and a 95% confidence
 * interval across repeats), outcomes (completed, rejected by reason, unfinished), SLO attainment
 * and goodput, throughput, cost and energy, and how evenly the replicas were loaded. Everything
 * covers the measured window (warm-up end to horizon); what fell outside it is counted apart.
 */
import { describeRejectReason, REJECT_REASONS, type RejectReason, type RequestClass } from '../domain/request.js';
import type { HardwareSpec } from '../domain/specs.js';
import type { SloTargets } from '../domain/slo.js';
import { LATENCY_METRICS, type ClassStats, type MetricsRecorder } from './recorder.js';
import type { Quantiles } from './quantiles.js';

export const PERCENTILES = [0.5, 0.9, 0.95, 0.99, 0.999] as const;

export interface SummaryRow {
  system: string;
  cls: RequestClass;
  metric: string;
  unit: string;
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  /** Half-width of the 95% confidence interval of the mean across repeats (NaN with one run). */
  ci95: number;
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
  usdPerHour: number;
  usdPerMillionOutputTokens: number;
  usdPerMillionTotalTokens: number;
  averagePowerKw: number;
  joulesPerOutputToken: number;
  classes: ClassSummary[];
  overload: { pool: string; overloaded: boolean; rejected: number; message: string }[];
  replicas: ReplicaLoad[];
  /** Max ÷ mean busy share over replicas (1: perfectly even). */
  busyImbalance: number;
  /** Sessions the router moved off their home replica. */
  sessionMoves: number;
}

/** One SLO target and what the run achieved. */
export interface SloCheck {
  name: string;
  unit: string;
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
  ttftP50Ms: number;
  ttftP99Ms: number;
  ttfvtP50Ms: number;
  tpotP50Ms: number;
  e2eP99Ms: number;
  /** 1000 / TPOT p50: the speed one user sees while tokens stream. */
  tokensPerSecondPerUser: number;
  /** Over every job started in the window; failed and unfinished jobs count as longer than any (Infinity when they reach the percentile). */
  jobP90Seconds: number;
  /** Share of requests meeting every per-request threshold of the class's SLO (rejected and unfinished ones miss). */
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

function quantileRow(system: string, cls: RequestClass, metric: string, unit: string, q: Quantiles): SummaryRow {
  const [p50, p90, p95, p99, p999] = PERCENTILES.map((p) => q.quantile(p));
  return { system, cls, metric, unit, count: q.count, mean: q.mean(), p50, p90, p95, p99, p999, ci95: NaN };
}

function scalarRow(system: string, cls: RequestClass, metric: string, unit: string, value: number, count = 1): SummaryRow {
  return { system, cls, metric, unit, count, mean: value, p50: NaN, p90: NaN, p95: NaN, p99: NaN, p999: NaN, ci95: NaN };
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
    const series = rec.timeseries.get(r.name) ?? [];
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
): { rows: SummaryRow[]; summary: SystemSummary } {
  const seconds = window.end - window.start;
  const rows: SummaryRow[] = [];
  const classes: ClassSummary[] = [];
  for (const [cls, s] of [...rec.classes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const m of LATENCY_METRICS) rows.push(quantileRow(rec.system, cls, m, 'ms', s.metrics[m]));
    if (s.jobSeconds.count > 0) rows.push(quantileRow(rec.system, cls, 'job_completion_s', 's', s.jobSeconds));
    classes.push(classSummary(cls, s, seconds, slo[cls]));
  }
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
    usdPerMillionOutputTokens: outputTokens > 0 ? usd / (outputTokens / 1e6) : NaN,
    usdPerMillionTotalTokens: totalTokens > 0 ? usd / (totalTokens / 1e6) : NaN,
    averagePowerKw: joules / seconds / 1000,
    joulesPerOutputToken: outputTokens > 0 ? joules / outputTokens : NaN,
    classes,
    overload,
    replicas,
    busyImbalance: meanBusy > 0 ? Math.max(...replicas.map((r) => r.busyShare)) / meanBusy : NaN,
    sessionMoves,
  };
  for (const c of classes) {
    rows.push(scalarRow(rec.system, c.cls, 'completed', 'count', c.requests));
    rows.push(scalarRow(rec.system, c.cls, 'rejected', 'count', c.rejected));
    for (const reason of REJECT_REASONS) if (c.rejectedBy[reason] > 0) rows.push(scalarRow(rec.system, c.cls, `rejected_${reason}`, 'count', c.rejectedBy[reason]));
    rows.push(scalarRow(rec.system, c.cls, 'unfinished', 'count', c.unfinished));
    rows.push(scalarRow(rec.system, c.cls, 'gave_up', 'count', c.gaveUp));
    if (c.jobs.completed + c.jobs.failed + c.jobs.unfinished > 0) {
      rows.push(scalarRow(rec.system, c.cls, 'jobs_completed', 'count', c.jobs.completed));
      rows.push(scalarRow(rec.system, c.cls, 'jobs_failed', 'count', c.jobs.failed));
      rows.push(scalarRow(rec.system, c.cls, 'jobs_unfinished', 'count', c.jobs.unfinished));
      rows.push(scalarRow(rec.system, c.cls, 'job_completion_p90_censored_s', 's', c.jobP90Seconds));
    }
    rows.push(scalarRow(rec.system, c.cls, 'tokens_per_s_per_user', 'tok/s', c.tokensPerSecondPerUser));
    rows.push(scalarRow(rec.system, c.cls, 'slo_attainment', 'fraction', c.sloAttainment));
    rows.push(scalarRow(rec.system, c.cls, 'goodput', 'req/s', c.goodputPerSecond));
    rows.push(scalarRow(rec.system, c.cls, 'cache_hit_rate', 'fraction', c.cacheHitRate));
    for (const [stage, v] of Object.entries(c.stages)) rows.push(scalarRow(rec.system, c.cls, `time_${stage}_s`, 's/request', v));
  }
  const all = 'all' as RequestClass;
  rows.push(scalarRow(rec.system, all, 'window', 's', seconds));
  rows.push(scalarRow(rec.system, all, 'output_throughput', 'tok/s', summary.outputTokensPerSecond));
  rows.push(scalarRow(rec.system, all, 'total_token_throughput', 'tok/s', summary.totalTokensPerSecond));
  rows.push(scalarRow(rec.system, all, 'cost', 'USD/h', summary.usdPerHour));
  rows.push(scalarRow(rec.system, all, 'cost_per_million_output_tokens', 'USD/Mtok', summary.usdPerMillionOutputTokens));
  rows.push(scalarRow(rec.system, all, 'cost_per_million_total_tokens', 'USD/Mtok', summary.usdPerMillionTotalTokens));
  rows.push(scalarRow(rec.system, all, 'power', 'kW', summary.averagePowerKw));
  rows.push(scalarRow(rec.system, all, 'energy_per_output_token', 'J/tok', summary.joulesPerOutputToken));
  rows.push(scalarRow(rec.system, all, 'outside_window_completed', 'count', summary.outside.completed));
  rows.push(scalarRow(rec.system, all, 'outside_window_rejected', 'count', summary.outside.rejected));
  rows.push(scalarRow(rec.system, all, 'outside_window_unfinished', 'count', summary.outside.unfinished));
  rows.push(scalarRow(rec.system, all, 'outside_window_gave_up', 'count', summary.outside.gave_up));
  rows.push(scalarRow(rec.system, all, 'busy_imbalance', 'max/mean', summary.busyImbalance));
  rows.push(scalarRow(rec.system, all, 'session_moves', 'count', summary.sessionMoves));
  rows.push(scalarRow(rec.system, all, 'overloaded_pools', 'count', overload.filter((o) => o.overloaded).length));
  return { rows, summary };
}

function classSummary(cls: RequestClass, s: ClassStats, seconds: number, slo?: SloTargets): ClassSummary {
  const m = s.metrics;
  const tpotP50 = m.tpot_ms.quantile(0.5);
  const jobsStarted = s.jobs.completed + s.jobs.failed + s.jobs.unfinished;
  const jobP90 = jobsStarted > 0 ? censoredQuantile(s.jobSeconds, s.jobs.failed + s.jobs.unfinished, 0.9) : NaN;
  const checks: SloCheck[] = [];
  const check = (name: string, unit: string, value: number, target?: number) => {
    if (target !== undefined) checks.push({ name, unit, value, target, met: value <= target });
  };
  if (slo) {
    check('TTFT p99', 'ms', m.ttft_ms.quantile(0.99), slo.ttftP99Seconds && slo.ttftP99Seconds * 1000);
    check('TTFT p50', 'ms', m.ttft_ms.quantile(0.5), slo.ttftP50Seconds && slo.ttftP50Seconds * 1000);
    check('TPOT p50', 'ms', tpotP50, slo.tpotP50Seconds && slo.tpotP50Seconds * 1000);
    check('TPOT p99', 'ms', m.tpot_ms.quantile(0.99), slo.tpotP99Seconds && slo.tpotP99Seconds * 1000);
    check('E2E p99', 'ms', m.e2el_ms.quantile(0.99), slo.e2eP99Seconds && slo.e2eP99Seconds * 1000);
    check('job p90', 's', jobP90, slo.jobP90Seconds);
  }
  const misses = checks.filter((c) => !c.met).map((c) =>
    Number.isNaN(c.value) ? `${c.name} not measured (target ${c.target} ${c.unit})`
      : c.value === Infinity ? `${c.name} not reached: too many jobs failed or were unfinished when the run ended (target ${c.target} ${c.unit})`
        : `${c.name} ${c.value.toFixed(1)} ${c.unit} > ${c.target} ${c.unit}`);
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
    ttftP50Ms: m.ttft_ms.quantile(0.5),
    ttftP99Ms: m.ttft_ms.quantile(0.99),
    ttfvtP50Ms: m.ttfvt_ms.quantile(0.5),
    tpotP50Ms: tpotP50,
    e2eP99Ms: m.e2el_ms.quantile(0.99),
    tokensPerSecondPerUser: tpotP50 > 0 ? 1000 / tpotP50 : NaN,
    jobP90Seconds: jobP90,
    sloAttainment: sent > 0 ? s.good / sent : NaN,
    goodputPerSecond: s.good / seconds,
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

export { combineRepeats } from './repeats.js';
export { cdfsOf, timeseriesOf, type Cdf, type TimeseriesRow } from './series.js';
