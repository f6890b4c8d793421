/** Statistics for tests whose tolerance comes from the run's own noise. */

export function mean(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i];
  return s / (to - from);
}

export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

/**
 * Mean and standard error by non-overlapping batch means (after discarding a warm-up),
 * the standard way to get an honest error bar from one autocorrelated simulation run.
 */
export function batchMeans(xs: ArrayLike<number>, batches: number, warmup: number): { mean: number; se: number } {
  const size = Math.floor((xs.length - warmup) / batches);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) means.push(mean(xs, warmup + b * size, warmup + (b + 1) * size));
  return { mean: mean(means), se: Math.sqrt(variance(means) / batches) };
}

/** Two-sided 99.9% Student t quantile for 19 degrees of freedom (20 batches). */
export const T_999_19 = 3.883;

export function quantile(xs: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(xs as ArrayLike<number>).sort();
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ (a < c). */
export function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c / (1 - a / c);
  return last / (sum + last);
}
