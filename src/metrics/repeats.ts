/** Repeats of a run combined: the mean of each figure and the half-width of its 95% confidence interval. */

/** Two-sided 95% Student t quantiles by degrees of freedom (1–30), then the normal's. */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * Per column of the same row in several repeats: the mean, and the half-width of the 95%
 * confidence interval of the mean (Student t). A column some repeat lacks (not finite there, e.g.
 * a class with no requests in that repeat) gets NaN in both.
 */
export function meanAndInterval(repeats: Record<string, number>[]): { mean: Record<string, number>; ci95: Record<string, number> } {
  const mean: Record<string, number> = {};
  const ci95: Record<string, number> = {};
  const n = repeats.length;
  for (const key of Object.keys(repeats[0] ?? {})) {
    const xs = repeats.map((r) => r[key]);
    if (n < 2 || !xs.every(Number.isFinite)) {
      mean[key] = n === 1 ? xs[0] : NaN;
      ci95[key] = NaN;
      continue;
    }
    const m = xs.reduce((a, x) => a + x, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
    mean[key] = m;
    ci95[key] = (n - 1 <= T95.length ? T95[n - 2] : 1.96) * (sd / Math.sqrt(n));
  }
  return { mean, ci95 };
}
