/** Per-replica time series and latency distributions of a run (for timeseries.csv and charts). */
import type { RequestClass } from '../domain/request.js';
import type { MetricsRecorder } from './recorder.js';

export interface TimeseriesRow {
  system: string;
  repeat: number;
  replica: string;
  t: number;
  utilisation: number;
  batch: number;
  queue: number;
  kvOccupancy: number;
  /** Requests that arrived at the replica in the bucket. */
  requests: number;
  /** Highest KV occupancy in the bucket. */
  kvPeak: number;
}

/** Per-replica time series of a run, one row per time bucket (means over the bucket's busy time). */
export function timeseriesOf(rec: MetricsRecorder, repeat: number, bucketSeconds: number): TimeseriesRow[] {
  const rows: TimeseriesRow[] = [];
  for (const [replica, series] of [...rec.timeseries.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    series.forEach((p, b) => {
      const busy = Math.max(p.busy, 1e-12);
      rows.push({ system: rec.system, repeat, replica, t: b * bucketSeconds, utilisation: Math.min(1, p.busy / bucketSeconds), batch: p.decodeSeqsTime / busy, queue: p.waitingTime / busy, kvOccupancy: p.kvTime / busy, requests: p.requests, kvPeak: p.kvPeak });
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

