/**
 * Weighted quantiles and standard deviation, against a second implementation: the sample expanded
 * (each value repeated by its weight) and numpy's type-7 quantile and population std written out;
 * and the unweighted quantile against hand-worked values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Exact, LogHistogram, quantileOfSorted, RELATIVE_ERROR } from '../../src/metrics/quantiles.js';

function type7(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = sorted[Math.floor(pos)];
  const hi = sorted[Math.ceil(pos)];
  return lo + (pos - Math.floor(pos)) * (hi - lo);
}

const sample = fc.array(fc.tuple(fc.double({ min: 1e-4, max: 10, noNaN: true }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 60 });

describe('weighted quantile accumulators', () => {
  it('Exact with weights equals the expanded sample: quantiles, mean and std', () => {
    fc.assert(fc.property(sample, (pairs) => {
      const e = new Exact();
      for (const [x, w] of pairs) e.add(x, w);
      const all = pairs.flatMap(([x, w]) => Array<number>(w).fill(x)).sort((a, b) => a - b);
      const mean = all.reduce((s, x) => s + x, 0) / all.length;
      const std = Math.sqrt(all.reduce((s, x) => s + (x - mean) ** 2, 0) / all.length);
      expect(e.count).toBe(all.length);
      expect(e.mean()).toBeCloseTo(mean, 9);
      expect(e.std()).toBeCloseTo(std, 7);
      for (const q of [0, 0.1, 0.5, 0.9, 0.95, 0.99, 1]) expect(e.quantile(q)).toBeCloseTo(type7(all, q), 12);
    }), { seed: 15, numRuns: 200 });
  });

  it('LogHistogram with weights is within its relative error of a value at that rank', () => {
    fc.assert(fc.property(sample, (pairs) => {
      const h = new LogHistogram();
      for (const [x, w] of pairs) h.add(x, w);
      const all = pairs.flatMap(([x, w]) => Array<number>(w).fill(x)).sort((a, b) => a - b);
      for (const q of [0.5, 0.9, 0.99]) {
        const rank = q * (all.length - 1);
        const v = h.quantile(q);
        expect(v).toBeGreaterThanOrEqual(all[Math.floor(rank)] * (1 - RELATIVE_ERROR) - 1e-12);
        expect(v).toBeLessThanOrEqual(all[Math.ceil(rank)] * (1 + RELATIVE_ERROR) + 1e-12);
      }
    }), { seed: 15, numRuns: 200 });
  });

  it('LogHistogram.addEach over a range equals add of each value in order: every quantile, mean and std to the bit', () => {
    const values = fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { maxLength: 60 });
    fc.assert(fc.property(sample, values, fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), (before, xs, w, a, b) => {
      const [from, to] = [a % (xs.length + 1), b % (xs.length + 1)].sort((p, q) => p - q);
      const one = new LogHistogram();
      const bulk = new LogHistogram();
      // Some values first (one histogram's shift and last bucket set), then the range.
      for (const [x, v] of before.slice(0, a % 3)) [one, bulk].forEach((h) => h.add(x, v));
      for (let i = from; i < to; i++) one.add(xs[i], w);
      bulk.addEach(Float64Array.from(xs), from, to, w);
      expect([bulk.count, bulk.sum, bulk.mean(), bulk.std()]).toEqual([one.count, one.sum, one.mean(), one.std()]);
      for (const q of [0, 0.01, 0.5, 0.9, 0.99, 1]) expect(bulk.quantile(q)).toBe(one.quantile(q));
    }), { seed: 17, numRuns: 300 });
  });

  it('LogHistogram.addEach over runs of slowly growing values (decode runs, counted a bucket range at a time) equals add of each, for whole and fractional weights', () => {
    const run = fc.record({ x0: fc.double({ min: 1e-3, max: 0.1, noNaN: true }), growth: fc.double({ min: 0, max: 2e-3, noNaN: true }), n: fc.integer({ min: 0, max: 400 }), w: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.double({ min: 0.1, max: 3, noNaN: true })) });
    fc.assert(fc.property(fc.array(run, { minLength: 1, maxLength: 8 }), (runs) => {
      const one = new LogHistogram();
      const bulk = new LogHistogram();
      for (const { x0, growth, n, w } of runs) {
        const xs = new Float64Array(n);
        for (let i = 0, x = x0; i < n; i++, x += x * growth) xs[i] = x;
        for (const x of xs) one.add(x, w);
        bulk.addEach(xs, 0, n, w);
      }
      expect([bulk.count, bulk.sum, bulk.mean(), bulk.std()]).toEqual([one.count, one.sum, one.mean(), one.std()]);
      for (const q of [0, 0.01, 0.1, 0.5, 0.9, 0.99, 1]) expect(bulk.quantile(q)).toBe(one.quantile(q));
    }), { seed: 29, numRuns: 200 });
  });

  it('LogHistogram puts every value in bucket ceil(log x / log γ), also for slowly growing values (a decode run\'s step times)', () => {
    const gamma = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
    fc.assert(fc.property(fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e-3, noNaN: true }), fc.integer({ min: 1, max: 3000 }), (x0, growth, n) => {
      const h = new LogHistogram();
      const counts = new Map<number, number>();
      for (let i = 0, x = x0; i < n; i++, x += x * growth) {
        h.add(x);
        const k = Math.ceil(Math.log(x) / Math.log(gamma));
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      // Each quantile is the midpoint of the bucket holding its rank, by the formula's counts.
      const buckets = [...counts].sort(([a], [b]) => a - b);
      for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
        let seen = 0;
        const [k] = buckets.find(([, c]) => (seen += c) > q * (n - 1))!;
        expect(h.quantile(q)).toBe((2 * Math.pow(gamma, k)) / (gamma + 1));
      }
    }), { seed: 23, numRuns: 200 });
  });

  it('std of a hand-worked sample: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population std 2', () => {
    const e = new Exact();
    e.add(2);
    e.add(4, 3);
    e.add(5, 2);
    e.add(7);
    e.add(9);
    expect(e.mean()).toBe(5);
    expect(e.std()).toBe(2);
    expect(e.quantile(0.5)).toBe(4.5);
  });
});

describe('quantileOfSorted (type 7)', () => {
  it.each([
    // [values], q, expected — position h = q·(n − 1), value x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
    [[1, 2, 3, 4], 0.5, 2.5], // h = 1.5 → 2 + 0.5·1
    [[10, 20, 30, 40, 50], 0.9, 46], // h = 3.6 → 40 + 0.6·10
    [[10, 20, 30, 40, 50], 0.5, 30], // h = 2 → x[2]
    [[10, 20, 30, 40, 50], 0, 10],
    [[10, 20, 30, 40, 50], 1, 50],
    [[7], 0.99, 7],
    [Array.from({ length: 101 }, (_, i) => i + 1), 0.99, 100], // h = 99 → x[99] = 100
    [[0, 100], 0.25, 25], // h = 0.25 → 0 + 0.25·100
  ])('%j at q = %d is %d', (values, q, expected) => {
    expect(quantileOfSorted(Float64Array.from(values), q)).toBeCloseTo(expected, 12);
  });

  it('an empty list has no quantile', () => {
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });

  it('Exact sorts what it was given, in any order, and keeps count, sum and mean', () => {
    const e = new Exact();
    for (const x of [50, 10, 40, 20, 30]) e.add(x);
    expect(e.quantile(0.9)).toBeCloseTo(46, 12);
    expect([e.count, e.sum, e.mean()]).toEqual([5, 150, 30]);
  });
});
