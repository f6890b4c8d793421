/**
 * Moments of a stream of weighted values in a few doubles (metrics/quantiles.ts's accumulators,
 * and a fleet's per-replica slots in one Float64Array, metrics/replica-steps.ts).
 */

/**
 * Running count, sum and sum of squares, shifted by the first value (so the variance stays
 * accurate), kept as MOMENTS doubles at m[at], m[at + 1], …: an accumulator holds one such slot,
 * and a table of many accumulators (a fleet's replicas) keeps them all in one Float64Array.
 */
export const MOMENTS = 5;
const COUNT = 0;
const SUM = 1;
const SHIFT = 2;
const SHIFTED_SUM = 3;
const SHIFTED_SQUARES = 4;

/** `slots` empty moment slots. */
export function newMoments(slots: number): Float64Array<ArrayBuffer> {
  const m = new Float64Array(slots * MOMENTS);
  for (let i = 0; i < slots; i++) m[i * MOMENTS + SHIFT] = NaN;
  return m;
}

/** Add x with weight w to the moments at m[at]. */
export function addMoment(m: Float64Array, at: number, x: number, w: number): void {
  if (Number.isNaN(m[at + SHIFT])) m[at + SHIFT] = x;
  const d = x - m[at + SHIFT];
  m[at + COUNT] += w;
  m[at + SUM] += x * w;
  m[at + SHIFTED_SUM] += d * w;
  m[at + SHIFTED_SQUARES] += d * d * w;
}

/** addMoment(m, at, values[i], w) for i in [from, to), in order: the same sums, kept in locals. */
export function addMomentsEach(m: Float64Array, at: number, values: Float64Array, from: number, to: number, w: number): void {
  if (from >= to) return;
  if (Number.isNaN(m[at + SHIFT])) m[at + SHIFT] = values[from];
  const shift = m[at + SHIFT];
  let count = m[at + COUNT];
  let sum = m[at + SUM];
  let shiftedSum = m[at + SHIFTED_SUM];
  let shiftedSquares = m[at + SHIFTED_SQUARES];
  for (let i = from; i < to; i++) {
    const x = values[i];
    const d = x - shift;
    count += w;
    sum += x * w;
    shiftedSum += d * w;
    shiftedSquares += d * d * w;
  }
  m[at + COUNT] = count;
  m[at + SUM] = sum;
  m[at + SHIFTED_SUM] = shiftedSum;
  m[at + SHIFTED_SQUARES] = shiftedSquares;
}

/** Add the moments at o[oAt] to those at m[at] (re-centred on m's shift). */
export function mergeMoments(m: Float64Array, at: number, o: Float64Array, oAt: number): void {
  const count = o[oAt + COUNT];
  if (count === 0) return;
  if (Number.isNaN(m[at + SHIFT])) m[at + SHIFT] = o[oAt + SHIFT];
  const d = o[oAt + SHIFT] - m[at + SHIFT];
  m[at + SHIFTED_SQUARES] += o[oAt + SHIFTED_SQUARES] + 2 * d * o[oAt + SHIFTED_SUM] + count * d * d;
  m[at + SHIFTED_SUM] += o[oAt + SHIFTED_SUM] + count * d;
  m[at + COUNT] += count;
  m[at + SUM] += o[oAt + SUM];
}

/** count, sum, mean and std of what was added, kept in one moment slot. */
export abstract class Moments {
  protected readonly m = newMoments(1);
  get count(): number {
    return this.m[COUNT];
  }
  get sum(): number {
    return this.m[SUM];
  }
  mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }
  std(): number {
    if (!this.count) return NaN;
    const mean = this.m[SHIFTED_SUM] / this.count;
    return Math.sqrt(Math.max(0, this.m[SHIFTED_SQUARES] / this.count - mean * mean));
  }
}
