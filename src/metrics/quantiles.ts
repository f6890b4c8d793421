/**
 * Quantile accumulators. `Exact` keeps every value (used when every record is kept, so summaries
 * equal what requests.csv says); `LogHistogram` keeps counts in logarithmic buckets, so memory is
 * bounded however long the run, with a stated relative error: any quantile it reports is within
 * ±RELATIVE_ERROR of a value at that rank (DDSketch-style buckets, γ = (1 + α) / (1 − α)).
 *
 * A value may carry a weight (how many observations it stands for): inter-token latency adds each
 * request's mean gap once per gap, so percentiles are over gaps, as vLLM's are, while memory grows
 * with requests (Exact) or not at all (LogHistogram), never with tokens.
 */

export interface Quantiles {
  add(x: number, weight?: number): void;
  /** Total weight added (observations). */
  readonly count: number;
  readonly sum: number;
  quantile(q: number): number;
  mean(): number;
  /** Population standard deviation (numpy's default, as vLLM reports it). */
  std(): number;
}

/** Linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const i = Math.floor(pos);
  return i + 1 < n ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

/** Running count, sum and sum of squares (shifted by the first value, so the variance stays accurate). */
abstract class Moments {
  count = 0;
  sum = 0;
  private shift = NaN;
  private shiftedSum = 0;
  private shiftedSquares = 0;
  protected moments(x: number, w: number): void {
    if (Number.isNaN(this.shift)) this.shift = x;
    const d = x - this.shift;
    this.count += w;
    this.sum += x * w;
    this.shiftedSum += d * w;
    this.shiftedSquares += d * d * w;
  }
  mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }
  std(): number {
    if (!this.count) return NaN;
    const m = this.shiftedSum / this.count;
    return Math.sqrt(Math.max(0, this.shiftedSquares / this.count - m * m));
  }
}

export class Exact extends Moments implements Quantiles {
  private values: Float64Array<ArrayBuffer> = new Float64Array(1024);
  /** Weights, made only when a value was added with a weight other than 1. */
  private weights: Float64Array<ArrayBuffer> | undefined;
  private n = 0;
  private sorted = true;
  add(x: number, weight = 1): void {
    if (weight <= 0) return;
    if (this.n === this.values.length) {
      this.values = grow(this.values);
      if (this.weights) this.weights = grow(this.weights);
    }
    if (weight !== 1 && !this.weights) this.weights = new Float64Array(this.values.length).fill(1);
    if (this.weights) this.weights[this.n] = weight;
    this.values[this.n++] = x;
    this.moments(x, weight);
    this.sorted = false;
  }
  quantile(q: number): number {
    if (!this.sorted) this.sort();
    const view = this.values.subarray(0, this.n);
    if (!this.weights) return quantileOfSorted(view, q);
    // Type 7 over the values repeated by their weights: the order statistics at ⌊pos⌋ and ⌊pos⌋ + 1.
    if (this.count === 0) return NaN;
    const pos = q * (this.count - 1);
    const i = Math.floor(pos);
    const lo = this.atRank(i);
    return i + 1 < this.count ? lo + (pos - i) * (this.atRank(i + 1) - lo) : lo;
  }
  /** The value at 0-based rank r of the weighted sample. */
  private atRank(r: number): number {
    let seen = 0;
    for (let k = 0; k < this.n; k++) {
      seen += this.weights![k];
      if (seen > r) return this.values[k];
    }
    return this.values[this.n - 1];
  }
  private sort(): void {
    if (this.weights) {
      const order = Array.from({ length: this.n }, (_, k) => k).sort((a, b) => this.values[a] - this.values[b]);
      const values = Float64Array.from(order, (k) => this.values[k]);
      const weights = Float64Array.from(order, (k) => this.weights![k]);
      this.values.set(values);
      this.weights.set(weights);
    } else this.values.subarray(0, this.n).sort();
    this.sorted = true;
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(a.length * 2);
  grown.set(a);
  return grown;
}

export const RELATIVE_ERROR = 0.005;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Values below this are counted as zero (latencies under a nanosecond). */
const MIN_POSITIVE = 1e-9;

export class LogHistogram extends Moments implements Quantiles {
  private counts = new Map<number, number>();
  private zeros = 0;
  add(x: number, weight = 1): void {
    if (weight <= 0) return;
    this.moments(x, weight);
    if (x < MIN_POSITIVE) {
      this.zeros += weight;
      return;
    }
    const k = Math.ceil(Math.log(x) / LOG_GAMMA);
    this.counts.set(k, (this.counts.get(k) ?? 0) + weight);
  }
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = q * (this.count - 1);
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      seen += this.counts.get(k)!;
      // The bucket (γ^(k−1), γ^k] is reported by its midpoint in relative terms: 2γ^k / (γ + 1).
      if (seen > rank) return (2 * Math.pow(GAMMA, k)) / (GAMMA + 1);
    }
    return (2 * Math.pow(GAMMA, keys[keys.length - 1])) / (GAMMA + 1);
  }
}
