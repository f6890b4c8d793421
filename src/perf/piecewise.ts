/**
 * Σᵢ max(sᵢ, x · cᵢ) as a function of x ≥ 0, in O(log n) per evaluation: each term is flat (a core
 * streaming its weights, s) until x passes sᵢ / cᵢ, then linear (the same core computing x tokens).
 */
export class PiecewiseMaxSum {
  private terms: { s: number; c: number }[] = [];
  private breaks: Float64Array | null = null;
  /** Prefix sums over terms sorted by break point: Σ s of the terms at and after i, Σ c before i. */
  private streamFrom: Float64Array | null = null;
  private slopeBefore: Float64Array | null = null;

  add(s: number, c: number): void {
    this.terms.push({ s, c });
    this.breaks = null;
  }

  /** Σ max(sᵢ, x cᵢ). */
  at(x: number): number {
    const i = this.firstFlat(x);
    return this.streamFrom![i] + x * this.slopeBefore![i];
  }

  /** The part of `at(x)` spent by terms still flat (streaming-bound) at x. */
  streamShare(x: number): number {
    return this.streamFrom![this.firstFlat(x)];
  }

  /** Index of the first term (by break point) that is still flat at x: x · c < s. */
  private firstFlat(x: number): number {
    if (!this.breaks) this.build();
    const breaks = this.breaks!;
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private build(): void {
    const sorted = this.terms.map((t) => ({ ...t, at: t.c > 0 ? t.s / t.c : Infinity })).sort((a, b) => a.at - b.at);
    const n = sorted.length;
    this.breaks = Float64Array.from(sorted, (t) => t.at);
    this.streamFrom = new Float64Array(n + 1);
    this.slopeBefore = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) this.streamFrom[i] = this.streamFrom[i + 1] + sorted[i].s;
    for (let i = 0; i < n; i++) this.slopeBefore[i + 1] = this.slopeBefore[i] + sorted[i].c;
  }
}
