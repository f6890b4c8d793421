/** Repeats of a run combined: the mean of each summary row and the 95% confidence interval of the mean. */
import type { SummaryRow } from './summary.js';

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
