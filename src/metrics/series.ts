/** Per-replica time series and latency distributions of a run (for timeseries.csv and charts). */
import type { RequestClass } from '../domain/request.js';
import type { LatencyMetric, MetricsRecorder, TimePoint } from './recorder.js';

export interface TimeseriesRow {
  system: string;
  repeat: number;
  replica: string;
  /** Start of the interval, seconds. */
  t: number;
  utilisation: number;
  batch: number;
  queue: number;
  kvOccupancy: number;
  /** Requests that arrived at the replica in the interval. */
  requests: number;
  /** Highest KV occupancy in the interval. */
  kvPeak: number;
}

const IDLE: TimePoint = { requests: 0, kvPeak: 0, busy: 0, decodeSeqsTime: 0, waitingTime: 0, kvTime: 0, steps: 0 };

/**
 * Per-replica time series of a run: one row per replica (every replica, idle ones too) and per
 * interval of `intervalSeconds` from 0 to `endSeconds`; batch, queue and KV occupancy are means
 * over the interval's busy time.
 */
export function timeseriesOf(rec: MetricsRecorder, repeat: number, intervalSeconds: number, replicas: string[], endSeconds: number): TimeseriesRow[] {
  const rows: TimeseriesRow[] = [];
  const intervals = Math.max(1, Math.ceil(endSeconds / intervalSeconds - 1e-9));
  for (const replica of [...replicas].sort()) {
    const series = rec.seriesOf(replica);
    for (let b = 0; b < Math.max(intervals, series.length); b++) {
      const p = series[b] ?? IDLE;
      const busy = Math.max(p.busy, 1e-12);
      rows.push({ system: rec.system, repeat, replica, t: b * intervalSeconds, utilisation: Math.min(1, p.busy / intervalSeconds), batch: p.decodeSeqsTime / busy, queue: p.waitingTime / busy, kvOccupancy: p.kvTime / busy, requests: p.requests, kvPeak: p.kvPeak });
    }
  }
  return rows;
}

export const CDF_METRICS = ['ttft', 'tpot', 'itl', 'e2el'] as const satisfies readonly LatencyMetric[];

/** A latency distribution as 101 quantiles (0, 0.01, …, 1), seconds, for CDF charts. */
export interface Cdf {
  system: string;
  cls: RequestClass;
  metric: (typeof CDF_METRICS)[number];
  values: number[];
}

export function cdfsOf(rec: MetricsRecorder): Cdf[] {
  const out: Cdf[] = [];
  for (const [cls, s] of [...rec.classes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const metric of CDF_METRICS) {
      const q = s.metrics[metric];
      if (q.count > 0) out.push({ system: rec.system, cls, metric, values: Array.from({ length: 101 }, (_, i) => q.quantile(i / 100)) });
    }
  }
  return out;
}
