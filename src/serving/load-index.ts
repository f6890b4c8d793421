/**
 * Replicas bucketed by load (requests waiting or running): the least-loaded one in O(1) per
 * decision and O(1) per load change, however many replicas. Ties are broken by a seeded uniform
 * draw among the least-loaded, so new sessions spread over idle replicas instead of all landing
 * on the first one.
 */
import type { Rng } from '../random/index.js';

export class LoadIndex {
  /** buckets[l]: indices of the replicas whose load is l (unordered; swap-remove). */
  private readonly buckets: number[][] = [[]];
  private readonly load: Int32Array;
  /** Position of each replica inside its bucket. */
  private readonly slot: Int32Array;
  /** Lowest non-empty bucket. */
  private min = 0;

  constructor(
    count: number,
    private readonly rng: Rng,
  ) {
    if (count < 1) throw new Error('LoadIndex: at least one replica');
    this.load = new Int32Array(count);
    this.slot = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      this.slot[i] = i;
      this.buckets[0].push(i);
    }
  }

  get minLoad(): number {
    return this.min;
  }

  loadOf(i: number): number {
    return this.load[i];
  }

  /** Record replica i's new load. */
  set(i: number, load: number): void {
    const old = this.load[i];
    if (load === old) return;
    if (load < 0) throw new Error(`LoadIndex: negative load ${load} for replica ${i}`);
    // Swap-remove i from its bucket.
    const from = this.buckets[old];
    const last = from.pop()!;
    if (last !== i) {
      from[this.slot[i]] = last;
      this.slot[last] = this.slot[i];
    }
    while (this.buckets.length <= load) this.buckets.push([]);
    const to = this.buckets[load];
    this.slot[i] = to.length;
    to.push(i);
    this.load[i] = load;
    if (load < this.min) this.min = load;
    else while (this.buckets[this.min].length === 0) this.min++;
  }

  /** A replica of the lowest load, drawn uniformly among those tied. */
  leastLoaded(): number {
    const bucket = this.buckets[this.min];
    return bucket.length === 1 ? bucket[0] : bucket[Math.floor(this.rng.next() * bucket.length)];
  }
}
