/**
 * Summaries: per system × class × metric (count, mean, percentiles, and a 95% confidence
 * interval across repeats), SLO attainment and goodput, throughput, cost and energy.
 */
import type { RequestClass } from '../domain/request.js';
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

/** Devices a system ran, for cost and energy. */
export interface FleetUsage {
  hardware: HardwareSpec;
  /** Devices (GPUs or wafers) in one replica. */
  devices: number;
  /** Busy seconds of each replica of this kind. */
  busySeconds: number[];
}

export interface SystemSummary {
  system: string;
  seconds: number;
  requests: number;
  rejected: number;
  inFlight: number;
  outputTokens: number;
  throughputTokensPerSecond: number;
  usdPerHour: number;
  usdPerMillionTokens: number;
  averagePowerKw: number;
  joulesPerToken: number;
  classes: ClassSummary[];
  overload: { pool: string; overloaded: boolean; message: string }[];
}

export interface ClassSummary {
  cls: RequestClass;
  requests: number;
  rejected: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  ttfvtP50Ms: number;
  tpotP50Ms: number;
  e2eP99Ms: number;
  /** 1000 / TPOT p50: the speed one user sees while tokens stream. */
  tokensPerSecondPerUser: number;
  jobP90Seconds: number;
  /** Share of requests meeting every per-request threshold of the class's SLO. */
  sloAttainment: number;
  goodputPerSecond: number;
  /** Whether the class's percentile targets are met (undefined: no SLO). */
  meetsSlo?: boolean;
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

export function summarise(
  rec: MetricsRecorder,
  seconds: number,
  fleet: FleetUsage[],
  slo: Partial<Record<RequestClass, SloTargets>>,
  overload: SystemSummary['overload'],
): { rows: SummaryRow[]; summary: SystemSummary } {
  const rows: SummaryRow[] = [];
  const classes: ClassSummary[] = [];
  let outputTokens = 0;
  let requests = 0;
  let rejected = 0;
  for (const [cls, s] of [...rec.classes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const m of LATENCY_METRICS) rows.push(quantileRow(rec.system, cls, m, 'ms', s.metrics[m]));
    if (s.jobSeconds.count > 0) rows.push(quantileRow(rec.system, cls, 'job_completion_s', 's', s.jobSeconds));
    outputTokens += s.outputTokens;
    requests += s.requests;
    rejected += s.rejected;
    classes.push(classSummary(cls, s, seconds, slo[cls]));
  }
  const totalSeconds = seconds;
  let usdPerHour = 0;
  let joules = 0;
  for (const f of fleet) {
    usdPerHour += f.hardware.pricePerHourUsd * f.devices * f.busySeconds.length;
    for (const busy of f.busySeconds) {
      joules += f.devices * (f.hardware.powerIdleWatts * totalSeconds + (f.hardware.powerBusyWatts - f.hardware.powerIdleWatts) * Math.min(busy, totalSeconds));
    }
  }
  const summary: SystemSummary = {
    system: rec.system,
    seconds,
    requests,
    rejected,
    inFlight: rec.inFlight,
    outputTokens,
    throughputTokensPerSecond: outputTokens / seconds,
    usdPerHour,
    usdPerMillionTokens: outputTokens > 0 ? (usdPerHour * (seconds / 3600)) / (outputTokens / 1e6) : NaN,
    averagePowerKw: joules / totalSeconds / 1000,
    joulesPerToken: outputTokens > 0 ? joules / outputTokens : NaN,
    classes,
    overload,
  };
  for (const c of classes) {
    rows.push(scalarRow(rec.system, c.cls, 'requests', 'count', c.requests));
    rows.push(scalarRow(rec.system, c.cls, 'rejected', 'count', c.rejected));
    rows.push(scalarRow(rec.system, c.cls, 'tokens_per_s_per_user', 'tok/s', c.tokensPerSecondPerUser));
    rows.push(scalarRow(rec.system, c.cls, 'slo_attainment', 'fraction', c.sloAttainment));
    rows.push(scalarRow(rec.system, c.cls, 'goodput', 'req/s', c.goodputPerSecond));
    rows.push(scalarRow(rec.system, c.cls, 'cache_hit_rate', 'fraction', c.cacheHitRate));
    for (const [stage, v] of Object.entries(c.stages)) rows.push(scalarRow(rec.system, c.cls, `time_${stage}_s`, 's/request', v));
  }
  const all = 'all' as RequestClass;
  rows.push(scalarRow(rec.system, all, 'throughput', 'tok/s', summary.throughputTokensPerSecond));
  rows.push(scalarRow(rec.system, all, 'cost', 'USD/h', summary.usdPerHour));
  rows.push(scalarRow(rec.system, all, 'cost_per_million_tokens', 'USD/Mtok', summary.usdPerMillionTokens));
  rows.push(scalarRow(rec.system, all, 'power', 'kW', summary.averagePowerKw));
  rows.push(scalarRow(rec.system, all, 'energy_per_token', 'J/tok', summary.joulesPerToken));
  rows.push(scalarRow(rec.system, all, 'in_flight_at_end', 'count', summary.inFlight));
  rows.push(scalarRow(rec.system, all, 'overloaded_pools', 'count', overload.filter((o) => o.overloaded).length));
  return { rows, summary };
}

function classSummary(cls: RequestClass, s: ClassStats, seconds: number, slo?: SloTargets): ClassSummary {
  const m = s.metrics;
  const tpotP50 = m.tpot_ms.quantile(0.5);
  const jobP90 = s.jobSeconds.count > 0 ? s.jobSeconds.quantile(0.9) : NaN;
  const misses: string[] = [];
  const check = (name: string, value: number, target?: number) => {
    if (target !== undefined && !(value <= target)) misses.push(`${name} ${Number.isNaN(value) ? 'not measured' : value.toFixed(1)} > ${target}`);
  };
  if (slo) {
    check('TTFT p99 ms', m.ttft_ms.quantile(0.99), slo.ttftP99Seconds && slo.ttftP99Seconds * 1000);
    check('TTFT p50 ms', m.ttft_ms.quantile(0.5), slo.ttftP50Seconds && slo.ttftP50Seconds * 1000);
    check('TPOT p50 ms', tpotP50, slo.tpotP50Seconds && slo.tpotP50Seconds * 1000);
    check('TPOT p99 ms', m.tpot_ms.quantile(0.99), slo.tpotP99Seconds && slo.tpotP99Seconds * 1000);
    check('E2E p99 ms', m.e2el_ms.quantile(0.99), slo.e2eP99Seconds && slo.e2eP99Seconds * 1000);
    check('job p90 s', jobP90, slo.jobP90Seconds);
  }
  const n = Math.max(1, s.requests);
  return {
    cls,
    requests: s.requests,
    rejected: s.rejected,
    ttftP50Ms: m.ttft_ms.quantile(0.5),
    ttftP99Ms: m.ttft_ms.quantile(0.99),
    ttfvtP50Ms: m.ttfvt_ms.quantile(0.5),
    tpotP50Ms: tpotP50,
    e2eP99Ms: m.e2el_ms.quantile(0.99),
    tokensPerSecondPerUser: tpotP50 > 0 ? 1000 / tpotP50 : NaN,
    jobP90Seconds: jobP90,
    sloAttainment: s.requests + s.rejected > 0 ? s.good / (s.requests + s.rejected) : NaN,
    goodputPerSecond: s.good / seconds,
    meetsSlo: slo ? misses.length === 0 && s.rejected === 0 : undefined,
    sloMisses: s.rejected > 0 && slo ? [...misses, `${s.rejected} requests rejected`] : misses,
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

export interface TimeseriesRow {
  system: string;
  repeat: number;
  replica: string;
  t: number;
  utilisation: number;
  batch: number;
  queue: number;
  kvOccupancy: number;
}

/** Per-replica time series of a run, one row per time bucket (means over the bucket's busy time). */
export function timeseriesOf(rec: MetricsRecorder, repeat: number, bucketSeconds: number): TimeseriesRow[] {
  const rows: TimeseriesRow[] = [];
  for (const [replica, series] of [...rec.timeseries.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    series.forEach((p, b) => {
      const busy = Math.max(p.busy, 1e-12);
      rows.push({ system: rec.system, repeat, replica, t: b * bucketSeconds, utilisation: Math.min(1, p.busy / bucketSeconds), batch: p.decodeSeqsTime / busy, queue: p.waitingTime / busy, kvOccupancy: p.kvTime / busy });
    });
  }
  return rows;
}

/** A latency distribution as 101 quantiles (0, 0.01, …, 1), for CDF charts. */
export interface Cdf {
  system: string;
  cls: RequestClass;
  metric: 'ttft_ms' | 'e2el_ms';
  values: number[];
}

export function cdfsOf(rec: MetricsRecorder): Cdf[] {
  const out: Cdf[] = [];
  for (const [cls, s] of [...rec.classes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const metric of ['ttft_ms', 'e2el_ms'] as const) {
      const q = s.metrics[metric];
      if (q.count > 0) out.push({ system: rec.system, cls, metric, values: Array.from({ length: 101 }, (_, i) => q.quantile(i / 100)) });
    }
  }
  return out;
}

/** Two-sided 95% Student t quantiles by degrees of freedom (1–30), then the normal's. */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Combine the same rows from several repeats: the mean of each column, and the 95% CI of the mean. */
export function combineRepeats(runs: SummaryRow[][]): SummaryRow[] {
  if (runs.length === 1) return runs[0];
  const key = (r: SummaryRow) => `${r.system}\u0000${r.cls}\u0000${r.metric}`;
  const byKey = runs.map((rows) => new Map(rows.map((r) => [key(r), r])));
  // A row missing from a repeat (a class with no requests there) is left out of the combination.
  return runs[0].filter((row) => byKey.every((m) => m.has(key(row)))).map((row) => {
    const same = byKey.map((m) => m.get(key(row))!);
    const n = same.length;
    const avg = (k: keyof SummaryRow) => same.reduce((s, r) => s + (r[k] as number), 0) / n;
    const mean = avg('mean');
    const sd = Math.sqrt(same.reduce((s, r) => s + (r.mean - mean) ** 2, 0) / (n - 1));
    return { ...row, count: avg('count'), mean, p50: avg('p50'), p90: avg('p90'), p95: avg('p95'), p99: avg('p99'), p999: avg('p999'), ci95: (T95[Math.min(n - 1, 30) - 1] ?? 1.96) * (sd / Math.sqrt(n)) };
  });
}
