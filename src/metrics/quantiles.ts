/**
 * Quantile accumulators. `Exact` keeps every value (used when every record is kept, so summaries
 * equal what requests.csv says); `LogHistogram` keeps counts in logarithmic buckets, so memory is
 * bounded however long the run, with a stated relative error: any quantile it reports is within
 * ±RELATIVE_ERROR of a value at that rank (DDSketch-style buckets, γ = (1 + α) / (1 − α)).
 */

export interface Quantiles {
  add(x: number): void;
  readonly count: number;
  readonly sum: number;
  quantile(q: number): number;
  mean(): number;
}

/** Linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const i = Math.floor(pos);
  return i + 1 < n ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

export class Exact implements Quantiles {
  private values = new Float64Array(1024);
  private sorted = true;
  count = 0;
  sum = 0;
  add(x: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = x;
    this.sum += x;
    this.sorted = false;
  }
  quantile(q: number): number {
    const view = this.values.subarray(0, this.count);
    if (!this.sorted) {
      view.sort();
      this.sorted = true;
    }
    return quantileOfSorted(view, q);
  }
  mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }
}

export const RELATIVE_ERROR = 0.005;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Values below this are counted as zero (latencies under a nanosecond). */
const MIN_POSITIVE = 1e-9;

export class LogHistogram implements Quantiles {
  private counts = new Map<number, number>();
  private zeros = 0;
  count = 0;
  sum = 0;
  add(x: number): void {
    this.count++;
    this.sum += x;
    if (x < MIN_POSITIVE) {
      this.zeros++;
      return;
    }
    const k = Math.ceil(Math.log(x) / LOG_GAMMA);
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
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
  mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }
}
