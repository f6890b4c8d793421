/**
 * What the recorder keeps of the replicas' steps: per replica a hash over its steps in step order
 * (its part of the run's fingerprint), its time series in fixed intervals, and per class the
 * inter-token gaps its decode steps gave. Memory: one point per replica and interval and two
 * histograms per replica, whatever the load.
 *
 * Laid out for fleets (DESIGN.md §9), whose requests land on replicas whose state has left the CPU
 * caches: a replica's part is one block of a Float64Array (its hash, current interval and that
 * interval's point, gap moments per class), two or three cache lines a visit instead of one per
 * table. Finished intervals' points are interval-major, one Float64Array per interval (a replica's
 * point: FIELDS consecutive doubles). Gap bucket counts are one histogram per class (counts add up
 * the same in any order); moments, whose sums depend on the order, merge in name order at the end.
 * Every sum is the same operations in the same order as one object per point: a point is added to
 * in its block, or in its row once the replica has moved on (a step reported late), never both.
 */
import { REQUEST_CLASSES, type RequestClass, type StepRecord } from '../domain/request.js';
import { addMoment, addMomentsEach, MOMENTS, newMoments } from './moments.js';
import { LogHistogram } from './quantiles.js';
import { countsWord, FNV_OFFSET, foldStep, timesWord } from './fingerprint-hash.js';

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

// A point's fields at offsets of its replica's row (8 doubles: one 64-byte row per replica).
const [REQUESTS, KV_PEAK, BUSY, DECODE_SEQS_TIME, WAITING_TIME, KV_TIME, STEPS, FIELDS] = [0, 1, 2, 3, 4, 5, 6, 8];

// A replica's block: hash, stepped (0/1), current interval (-1: none), that interval's point
// (POINT + the FIELDS above), then each class's gap moments: interactive ones end 16 doubles in.
const [HASH, STEPPED, CURRENT, POINT] = [0, 1, 2, 3];
const MOMENTS_OF: Record<RequestClass, number> = { interactive: POINT + FIELDS, background: POINT + FIELDS + MOMENTS };
const BLOCK = 24;

const NO_POINTS = new Float64Array(FIELDS);

/** `n` empty blocks. */
function newBlocks(n: number): Float64Array {
  const m = new Float64Array(n * BLOCK);
  for (let i = 0; i < n; i++) {
    m[i * BLOCK + HASH] = FNV_OFFSET;
    m[i * BLOCK + CURRENT] = -1;
    for (const cls of REQUEST_CLASSES) m.set(newMoments(1), i * BLOCK + MOMENTS_OF[cls]);
  }
  return m;
}

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
  /** Replicas in the order of their first step (the fingerprint folds their hashes so). */
  readonly stepped: number[] = [];
  private readonly numbers = new Map<string, number>();
  /** byNumber[n]: our index of the replica whose number is n (-1: not seen yet). */
  private byNumber = new Int32Array(16).fill(-1);
  /** Replica i's block at i * BLOCK. */
  private blocks = newBlocks(16);
  /** point() leaves here the array its offset is in (the blocks, or a finished interval's row). */
  private pointArray = this.blocks;
  /** intervals[b]: finished points of interval b, replica i's at [i * FIELDS, (i + 1) * FIELDS). */
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
    const at = this.point(i, t);
    this.pointArray[at + REQUESTS]++;
  }

  /** One step of replica `i`. */
  step(i: number, s: StepRecord): void {
    this.firstStep(i);
    const { start, seconds, kvUsed } = s;
    const m = this.blocks;
    m[i * BLOCK + HASH] = foldStep(m[i * BLOCK + HASH], timesWord(start, seconds) ^ countsWord(s.decodeSeqs, s.prefillTokens));
    const at = this.point(i, start);
    const p = this.pointArray;
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
    // The steps share decodeSeqs, prefillTokens and waiting: their counts' word is mixed once,
    // and the hash is kept in a local (the same steps as one at a time).
    const { decodeSeqs, prefillTokens, waiting } = s;
    const counts = countsWord(decodeSeqs, prefillTokens);
    let hash = this.blocks[i * BLOCK + HASH];
    const bucket = this.bucketSeconds;
    // One interval at a time (a run's steps mostly share one): its point's sums are kept in
    // locals over its steps, each added to in step order as one step at a time would.
    for (let k = from; k < to; ) {
      const interval = Math.floor(starts[k] / bucket);
      const at = this.point(i, starts[k]);
      const p = this.pointArray;
      let kvPeak = p[at + KV_PEAK];
      let busy = p[at + BUSY];
      let seqsTime = p[at + DECODE_SEQS_TIME];
      let waitingTime = p[at + WAITING_TIME];
      let kvTime = p[at + KV_TIME];
      let steps = p[at + STEPS];
      do {
        const seconds = costs[k];
        const kv = kvUsed[k];
        hash = foldStep(hash, timesWord(starts[k], seconds) ^ counts);
        if (kv > kvPeak) kvPeak = kv;
        busy += seconds;
        seqsTime += decodeSeqs * seconds;
        waitingTime += waiting * seconds;
        kvTime += kv * seconds;
        steps++;
        k++;
      } while (k < to && Math.floor(starts[k] / bucket) === interval);
      p[at + KV_PEAK] = kvPeak;
      p[at + BUSY] = busy;
      p[at + DECODE_SEQS_TIME] = seqsTime;
      p[at + WAITING_TIME] = waitingTime;
      p[at + KV_TIME] = kvTime;
      p[at + STEPS] = steps;
    }
    this.blocks[i * BLOCK + HASH] = hash;
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
    for (const i of byName) gaps.mergeMomentsOf(this.blocks, i * BLOCK + MOMENTS_OF[cls]);
    gaps.mergeCounts(this.gapCounts[cls]);
    return gaps;
  }

  private gap(cls: RequestClass, i: number, seconds: number, weight: number): void {
    addMoment(this.blocks, i * BLOCK + MOMENTS_OF[cls], seconds, weight);
    this.gapCounts[cls].countOne(seconds, weight);
  }

  private gapEach(cls: RequestClass, i: number, costs: Float64Array, from: number, to: number, weight: number): void {
    addMomentsEach(this.blocks, i * BLOCK + MOMENTS_OF[cls], costs, from, to, weight);
    this.gapCounts[cls].countEach(costs, from, to, weight);
  }

  /** The replica's step hash (FNV_OFFSET before its first step). */
  hashOf(i: number): number {
    return this.blocks[i * BLOCK + HASH];
  }

  /** The replica's time series: one point per interval up to its last point. */
  seriesOf(name: string): TimePoint[] {
    const i = this.numbers.get(name);
    if (i === undefined) return [];
    const points: TimePoint[] = [];
    const current = this.blocks[i * BLOCK + CURRENT];
    for (let b = 0; b <= current; b++) {
      // An interval no replica has finished yet has no row: its points are zeros.
      const finished = b < this.intervals.length;
      const p = b === current ? this.blocks : finished ? this.intervals[b] : NO_POINTS;
      const at = b === current ? i * BLOCK + POINT : finished ? i * FIELDS : 0;
      points.push({ requests: p[at + REQUESTS], kvPeak: p[at + KV_PEAK], busy: p[at + BUSY], decodeSeqsTime: p[at + DECODE_SEQS_TIME], waitingTime: p[at + WAITING_TIME], kvTime: p[at + KV_TIME], steps: p[at + STEPS] });
    }
    return points;
  }

  /**
   * The offset of replica i's point of the interval holding `t`, in `pointArray`: its block's,
   * if that is its current interval; a later interval becomes the current one (the block's point
   * written to its row first); an earlier one (a step reported after an arrival in a later
   * interval) is its row.
   */
  private point(i: number, t: number): number {
    const b = Math.floor(t / this.bucketSeconds);
    const m = this.blocks;
    const at = i * BLOCK;
    const current = m[at + CURRENT];
    if (b === current) {
      this.pointArray = m;
      return at + POINT;
    }
    if (b > current) {
      if (current >= 0) {
        const row = this.row(current);
        for (let f = 0; f < FIELDS; f++) row[i * FIELDS + f] = m[at + POINT + f];
      }
      for (let f = 0; f < FIELDS; f++) m[at + POINT + f] = 0;
      m[at + CURRENT] = b;
      this.pointArray = m;
      return at + POINT;
    }
    this.pointArray = this.row(b);
    return i * FIELDS;
  }

  /** Interval b's row array (zeros until written). */
  private row(b: number): Float64Array {
    while (this.intervals.length <= b) this.intervals.push(new Float64Array(this.capacity * FIELDS));
    return this.intervals[b];
  }

  private firstStep(i: number): void {
    if (this.blocks[i * BLOCK + STEPPED] === 0) {
      this.blocks[i * BLOCK + STEPPED] = 1;
      this.stepped.push(i);
    }
  }

  private add(name: string): number {
    const i = this.names.length;
    if (i === this.capacity) this.grow();
    this.names.push(name);
    this.numbers.set(name, i);
    return i;
  }

  /** Room for twice as many replicas (early in a run: replicas are numbered as they first appear). */
  private grow(): void {
    const capacity = this.capacity * 2;
    const blocks = newBlocks(capacity);
    blocks.set(this.blocks);
    this.blocks = blocks;
    for (let b = 0; b < this.intervals.length; b++) {
      const row = new Float64Array(capacity * FIELDS);
      row.set(this.intervals[b]);
      this.intervals[b] = row;
    }
    this.capacity = capacity;
  }
}
