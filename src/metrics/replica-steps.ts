/**
 * What the recorder keeps of the replicas' steps: per replica a hash over its steps in step order
 * (its part of the run's fingerprint), its time series in fixed intervals, and per class the
 * inter-token gaps its decode steps gave. Memory: one point per replica and interval and two
 * histograms per replica, whatever the load.
 *
 * Laid out for fleets (DESIGN.md §9): replicas are numbered on first sight and their points live
 * interval-major in one Float64Array per interval (a replica's point is FIELDS consecutive
 * doubles), so the points every replica is writing now share one block of memory instead of a
 * thousand scattered objects; hashes are one Float64Array; the gaps' bucket counts are one
 * histogram per class (counts add up the same in any order) and their moments, whose sums depend
 * on the order, one table slot per replica, merged in name order at the end. The sums are the same
 * operations in the same order as one object per point and one histogram per replica.
 */
import { REQUEST_CLASSES, type RequestClass, type StepRecord } from '../domain/request.js';
import { addMoment, addMomentsEach, LogHistogram, MOMENTS, newMoments } from './quantiles.js';

export interface TimePoint {
  /** Requests that arrived at the replica in the bucket. */
  requests: number;
  /** Highest KV occupancy seen in the bucket. */
  kvPeak: number;
  busy: number;
  decodeSeqsTime: number;
  waitingTime: number;
  kvTime: number;
  steps: number;
}

export const FNV_OFFSET = 0x811c9dc5;
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/** FNV-1a step over a double's exact bits (two 32-bit words). */
export function fold(hash: number, x: number): number {
  BITS[0] = x;
  return Math.imul(Math.imul(hash ^ WORDS[0], 0x01000193) ^ WORDS[1], 0x01000193);
}

// A point's fields at offsets of its replica's row (8 doubles: one 64-byte row per replica).
const REQUESTS = 0;
const KV_PEAK = 1;
const BUSY = 2;
const DECODE_SEQS_TIME = 3;
const WAITING_TIME = 4;
const KV_TIME = 5;
const STEPS = 6;
const FIELDS = 8;

export class ReplicaSteps {
  /** Replica names by number (numbered on first sight: an arrival or a step). */
  readonly names: string[] = [];
  /**
   * Inter-token gaps of the replicas' decode steps, by class: a step of d seconds gives each
   * sequence decoding in it one gap of d (the time since its previous token, the previous step's
   * end), so these are the gaps of every token after the first, as vLLM's ITL counts them (with
   * speculative decoding a step's tokens arrive together: one gap per step, as vLLM sees chunks).
   * Steps starting inside the measured window count. Here: every replica's bucket counts.
   */
  private readonly gapCounts: Record<RequestClass, LogHistogram> = { interactive: new LogHistogram(), background: new LogHistogram() };
  /** The gaps' moments of replica i at i * MOMENTS. */
  private gapMoments: Record<RequestClass, Float64Array> = { interactive: newMoments(16), background: newMoments(16) };
  /** Replicas in the order of their first step (the fingerprint folds their hashes so). */
  readonly stepped: number[] = [];
  private readonly numbers = new Map<string, number>();
  /** byNumber[n]: our index of the replica whose number is n (-1: not seen yet). */
  private byNumber = new Int32Array(16).fill(-1);
  /** FNV-1a over each replica's steps (start, seconds, decode sequences, prefill tokens), in step order. */
  private hashes = new Float64Array(16);
  /** Per replica: 1 once it has stepped. */
  private hasStepped = new Uint8Array(16);
  /** Per replica: its highest interval with a point (-1: none), so its series has that many points. */
  private lastInterval = new Float64Array(16).fill(-1);
  /** intervals[b]: the points of interval b, replica i's at [i * FIELDS, (i + 1) * FIELDS). */
  private readonly intervals: Float64Array[] = [];
  /** Replicas each interval's array has room for. */
  private capacity = 16;

  constructor(
    private readonly bucketSeconds: number,
    private readonly window: { start: number; end: number },
  ) {}

  /**
   * Our index of the replica (given on first sight): by its number in the system when it has one
   * (StepRecord.replicaNumber: no lookup of its name), else by name.
   */
  indexOf(name: string, replicaNumber: number): number {
    if (replicaNumber >= 0 && replicaNumber < this.byNumber.length && this.byNumber[replicaNumber] >= 0) return this.byNumber[replicaNumber];
    const i = this.numbers.get(name) ?? this.add(name);
    if (replicaNumber >= 0) {
      if (replicaNumber >= this.byNumber.length) {
        const wider = new Int32Array(Math.max(2 * this.byNumber.length, replicaNumber + 1)).fill(-1);
        wider.set(this.byNumber);
        this.byNumber = wider;
      }
      this.byNumber[replicaNumber] = i;
    }
    return i;
  }

  /** A request arrived at replica `i` at `t`. */
  arrival(i: number, t: number): void {
    this.row(i, t)[i * FIELDS + REQUESTS]++;
  }

  /** One step of replica `i`. */
  step(i: number, s: StepRecord): void {
    this.firstStep(i);
    const { start, seconds, kvUsed } = s;
    this.hashes[i] = fold(fold(fold(fold(this.hashes[i], start), seconds), s.decodeSeqs), s.prefillTokens);
    const p = this.row(i, start);
    const at = i * FIELDS;
    if (kvUsed > p[at + KV_PEAK]) p[at + KV_PEAK] = kvUsed;
    p[at + BUSY] += seconds;
    p[at + DECODE_SEQS_TIME] += s.decodeSeqs * seconds;
    p[at + WAITING_TIME] += s.waiting * seconds;
    p[at + KV_TIME] += kvUsed * seconds;
    p[at + STEPS]++;
    if (s.decodeSeqs > 0 && start >= this.window.start && start < this.window.end) {
      const background = s.backgroundDecodeSeqs;
      if (background < s.decodeSeqs) this.gap('interactive', i, seconds, s.decodeSeqs - background);
      if (background > 0) this.gap('background', i, seconds, background);
    }
  }

  /**
   * Steps [from, to) of a decode run of replica `i` (SimObserver.onDecodeSteps): the same as a
   * step() each, in step order (so every sum is made in the same order as one at a time).
   */
  steps(i: number, s: StepRecord, starts: Float64Array, costs: Float64Array, kvUsed: Float64Array, from: number, to: number): void {
    this.firstStep(i);
    // The steps share decodeSeqs, prefillTokens and waiting, so their words are folded from
    // constants and the hash is kept in a local (the same FNV-1a steps).
    const { decodeSeqs, prefillTokens, waiting } = s;
    BITS[0] = decodeSeqs;
    const seqsLow = WORDS[0];
    const seqsHigh = WORDS[1];
    BITS[0] = prefillTokens;
    const prefillLow = WORDS[0];
    const prefillHigh = WORDS[1];
    let hash = this.hashes[i];
    const at = i * FIELDS;
    // A run's steps mostly share an interval: its row is looked up when the interval changes.
    let interval = -1;
    let p = this.intervals[0];
    for (let k = from; k < to; k++) {
      const start = starts[k];
      const seconds = costs[k];
      const kv = kvUsed[k];
      hash = fold(fold(hash, start), seconds);
      hash = Math.imul(Math.imul(hash ^ seqsLow, 0x01000193) ^ seqsHigh, 0x01000193);
      hash = Math.imul(Math.imul(hash ^ prefillLow, 0x01000193) ^ prefillHigh, 0x01000193);
      if (Math.floor(start / this.bucketSeconds) !== interval) {
        interval = Math.floor(start / this.bucketSeconds);
        p = this.row(i, start);
      }
      if (kv > p[at + KV_PEAK]) p[at + KV_PEAK] = kv;
      p[at + BUSY] += seconds;
      p[at + DECODE_SEQS_TIME] += decodeSeqs * seconds;
      p[at + WAITING_TIME] += waiting * seconds;
      p[at + KV_TIME] += kv * seconds;
      p[at + STEPS]++;
    }
    this.hashes[i] = hash;
    if (decodeSeqs === 0) return;
    // The gaps of the steps that start inside the window (a contiguous range: starts increase).
    const { start, end } = this.window;
    let first = from;
    while (first < to && starts[first] < start) first++;
    let last = first;
    while (last < to && starts[last] < end) last++;
    const background = s.backgroundDecodeSeqs;
    if (background < decodeSeqs) this.gapEach('interactive', i, costs, first, last, decodeSeqs - background);
    if (background > 0) this.gapEach('background', i, costs, first, last, background);
  }

  /** Every replica's gaps of class `cls`, their moments merged in the replicas' name order. */
  gapsOf(cls: RequestClass): LogHistogram {
    const names = this.names;
    const byName = names.map((_, i) => i).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
    const gaps = new LogHistogram();
    for (const i of byName) gaps.mergeMomentsOf(this.gapMoments[cls], i * MOMENTS);
    gaps.mergeCounts(this.gapCounts[cls]);
    return gaps;
  }

  private gap(cls: RequestClass, i: number, seconds: number, weight: number): void {
    addMoment(this.gapMoments[cls], i * MOMENTS, seconds, weight);
    this.gapCounts[cls].countOne(seconds, weight);
  }

  private gapEach(cls: RequestClass, i: number, costs: Float64Array, from: number, to: number, weight: number): void {
    addMomentsEach(this.gapMoments[cls], i * MOMENTS, costs, from, to, weight);
    this.gapCounts[cls].countEach(costs, from, to, weight);
  }

  /** The replica's step hash (FNV_OFFSET before its first step). */
  hashOf(i: number): number {
    return this.hashes[i];
  }

  /** The replica's time series: one point per interval up to its last point. */
  seriesOf(name: string): TimePoint[] {
    const i = this.numbers.get(name);
    if (i === undefined) return [];
    const points: TimePoint[] = [];
    const at = i * FIELDS;
    for (let b = 0; b <= this.lastInterval[i]; b++) {
      const p = this.intervals[b];
      points.push({ requests: p[at + REQUESTS], kvPeak: p[at + KV_PEAK], busy: p[at + BUSY], decodeSeqsTime: p[at + DECODE_SEQS_TIME], waitingTime: p[at + WAITING_TIME], kvTime: p[at + KV_TIME], steps: p[at + STEPS] });
    }
    return points;
  }

  /** The points of the interval holding `t`, where replica `i`'s row is at i * FIELDS. */
  private row(i: number, t: number): Float64Array {
    const b = Math.floor(t / this.bucketSeconds);
    if (b > this.lastInterval[i]) this.lastInterval[i] = b;
    while (this.intervals.length <= b) this.intervals.push(new Float64Array(this.capacity * FIELDS));
    return this.intervals[b];
  }

  private firstStep(i: number): void {
    if (this.hasStepped[i] === 0) {
      this.hasStepped[i] = 1;
      this.stepped.push(i);
    }
  }

  private add(name: string): number {
    const i = this.names.length;
    if (i === this.capacity) this.grow();
    this.names.push(name);
    this.numbers.set(name, i);
    this.hashes[i] = FNV_OFFSET;
    return i;
  }

  /** Room for twice as many replicas (early in a run: replicas are numbered as they first appear). */
  private grow(): void {
    const capacity = this.capacity * 2;
    const widen = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    for (const cls of REQUEST_CLASSES) this.gapMoments[cls] = widen(this.gapMoments[cls], newMoments);
    this.hashes = widen(this.hashes, (n) => new Float64Array(n));
    this.hasStepped = widen(this.hasStepped, (n) => new Uint8Array(n));
    this.lastInterval = widen(this.lastInterval, (n) => new Float64Array(n).fill(-1));
    for (let b = 0; b < this.intervals.length; b++) this.intervals[b] = widen(this.intervals[b], (n) => new Float64Array(n * FIELDS));
    this.capacity = capacity;
  }
}
