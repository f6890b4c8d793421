/**
 * Quantile accumulators. `Exact` keeps every value (used when every record is kept, so summaries
 * equal what requests.csv says); `LogHistogram` keeps counts in logarithmic buckets, so memory is
 * bounded however long the run, with a stated relative error: any quantile it reports is within
 * ±RELATIVE_ERROR of a value at that rank (DDSketch-style buckets, γ = (1 + α) / (1 − α)).
 *
 * A value may carry a weight (how many observations it stands for): inter-token latency adds
 * each decode step's duration once per sequence decoding in it (metrics/replica-steps.ts), so
 * its percentiles are over every gap, as vLLM's are, at one add per step, in a LogHistogram
 * whatever the records mode (memory never grows with tokens).
 */

import { addMoment, addMomentsEach, mergeMoments, Moments } from './moments.js';

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
    addMoment(this.m, 0, x, weight);
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

/** Buckets whose tops are remembered: 1 ns (LOWEST_TOP) to e^40 s (~10^17 s); NaN: not searched yet. */
const LOWEST_TOP = Math.floor(Math.log(MIN_POSITIVE) / LOG_GAMMA);
const HIGHEST_TOP = Math.ceil(40 / LOG_GAMMA);
const TOPS = new Float64Array(HIGHEST_TOP - LOWEST_TOP).fill(NaN);

/**
 * The largest value found at or just below γ^k that the bucket formula puts in bucket k (stepping
 * down about one ulp a step, at most 32 steps: γ^k computed may fall a few ulps into bucket
 * k + 1); -Infinity if none is. Values that grow a little each time (a decode run's step times)
 * would otherwise each pass the last range's top and take a logarithm; everything from a value in
 * bucket k up to its top is in bucket k too, as the index is monotonic. Searched once per bucket
 * and remembered: a fleet's replicas take turns in one gap histogram, so its last range keeps
 * moving and the same few tops were wanted again and again.
 */
function bucketTop(k: number): number {
  const i = k - LOWEST_TOP;
  const known = i >= 0 && i < TOPS.length ? TOPS[i] : NaN;
  if (!Number.isNaN(known)) return known;
  let top = -Infinity;
  let t = Math.pow(GAMMA, k);
  for (let n = 0; n < 32; n++, t -= t * Number.EPSILON) {
    if (Math.ceil(Math.log(t) / LOG_GAMMA) === k) {
      top = t;
      break;
    }
  }
  if (i >= 0 && i < TOPS.length) TOPS[i] = top;
  return top;
}

export class LogHistogram extends Moments implements Quantiles {
  /** counts[k - lowest]: weight in bucket k; a dense array (one index per add, no map). */
  private counts = new Float64Array(0);
  private lowest = 0;
  private zeros = 0;
  // A range of values known to be in the bucket of the last value added (those seen, widened to
  // the bucket's top once values grow): a value inside is in that bucket too (the bucket index
  // is monotonic in x), with no logarithm to take.
  private lastIndex = -1;
  private lastLow = Infinity;
  private lastHigh = -Infinity;
  add(x: number, weight = 1): void {
    if (weight <= 0) return;
    addMoment(this.m, 0, x, weight);
    this.bucket(x, weight);
  }
  /** Count `weight` in x's bucket. */
  private bucket(x: number, weight: number): void {
    if (x >= this.lastLow && x <= this.lastHigh) {
      this.counts[this.lastIndex] += weight;
      return;
    }
    if (x < MIN_POSITIVE) {
      this.zeros += weight;
      return;
    }
    const k = Math.ceil(Math.log(x) / LOG_GAMMA);
    let i = k - this.lowest;
    if (i < 0 || i >= this.counts.length) i = this.cover(k);
    this.counts[i] += weight;
    if (i === this.lastIndex) {
      if (x < this.lastLow) this.lastLow = x;
      // A second value above the range in the same bucket: values are growing, widen to the top.
      if (x > this.lastHigh) this.lastHigh = Math.max(bucketTop(k), x);
    } else {
      this.lastIndex = i;
      this.lastLow = this.lastHigh = x;
    }
  }
  /**
   * add(values[i], weight) for i in [from, to), in order: the same sums (a decode run's steps,
   * one call per run instead of one per step).
   */
  addEach(values: Float64Array, from: number, to: number, weight: number): void {
    if (weight <= 0) return;
    addMomentsEach(this.m, 0, values, from, to, weight);
    this.countEach(values, from, to, weight);
  }
  /**
   * The buckets' part of add(x, weight) only: many accumulators (a fleet's replicas) may share
   * one histogram's buckets, which are counts (the same whatever the order), and keep their
   * moments, whose sums depend on the order, apart (addMoment, then mergeMomentsOf).
   */
  countOne(x: number, weight: number): void {
    if (weight > 0) this.bucket(x, weight);
  }
  /**
   * countOne(values[i], weight) for i in [from, to). A whole weight's values inside the last
   * bucket's known range (most of a decode run's steps) are counted together: n × w added once is
   * the sum of w added n times, exactly, for whole numbers below 2^53.
   */
  countEach(values: Float64Array, from: number, to: number, weight: number): void {
    if (weight <= 0) return;
    if (!Number.isInteger(weight)) {
      for (let i = from; i < to; i++) this.bucket(values[i], weight);
      return;
    }
    for (let i = from; i < to; ) {
      const low = this.lastLow;
      const high = this.lastHigh;
      let n = 0;
      while (i < to && values[i] >= low && values[i] <= high) {
        n++;
        i++;
      }
      if (n > 0) this.counts[this.lastIndex] += n * weight;
      if (i < to) this.bucket(values[i++], weight);
    }
  }
  /** Add `o`'s counts and moments to this histogram. */
  merge(o: LogHistogram): void {
    mergeMoments(this.m, 0, o.m, 0);
    this.mergeCounts(o);
  }
  /** Add the moments kept at m[at] (see MOMENTS) to this histogram's. */
  mergeMomentsOf(m: Float64Array, at: number): void {
    mergeMoments(this.m, 0, m, at);
  }
  /** Add `o`'s bucket counts (not its moments) to this histogram's. */
  mergeCounts(o: LogHistogram): void {
    this.zeros += o.zeros;
    for (let i = 0; i < o.counts.length; i++) {
      if (o.counts[i] === 0) continue;
      const k = i + o.lowest;
      let j = k - this.lowest;
      if (j < 0 || j >= this.counts.length) j = this.cover(k);
      this.counts[j] += o.counts[i];
    }
  }
  /** Widen the array to hold bucket k (with room to spare either side); returns k's index. */
  private cover(k: number): number {
    const used = this.counts.length;
    const lowest = used === 0 ? k - 64 : Math.min(this.lowest, k - 64);
    const highest = used === 0 ? k + 64 : Math.max(this.lowest + used - 1, k + 64);
    const counts = new Float64Array(highest - lowest + 1);
    if (used > 0) counts.set(this.counts, this.lowest - lowest);
    if (this.lastIndex >= 0) this.lastIndex += this.lowest - lowest; // the same bucket at its new index
    this.counts = counts;
    this.lowest = lowest;
    return k - lowest;
  }
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = q * (this.count - 1);
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    let last = 0;
    for (let i = 0; i < this.counts.length; i++) {
      if (this.counts[i] === 0) continue;
      last = i + this.lowest;
      seen += this.counts[i];
      // The bucket (γ^(k−1), γ^k] is reported by its midpoint in relative terms: 2γ^k / (γ + 1).
      if (seen > rank) return (2 * Math.pow(GAMMA, last)) / (GAMMA + 1);
    }
    return (2 * Math.pow(GAMMA, last)) / (GAMMA + 1);
  }
}
