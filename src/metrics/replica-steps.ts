/**
 * What the recorder keeps of one replica's steps: a hash over them in step order (its part of
 * the run's fingerprint), its time series in fixed intervals, and per class the inter-token gaps
 * its decode steps gave. Memory: one point per interval and two histograms, whatever the load.
 */
import type { RequestClass, StepRecord } from '../domain/request.js';
import { LogHistogram } from './quantiles.js';

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

export class ReplicaSteps {
  /** FNV-1a over the replica's steps (start, seconds, decode sequences, prefill tokens), in step order. */
  hash = FNV_OFFSET;
  /** Whether the replica has stepped (its hash is part of the fingerprint from its first step). */
  stepped = false;
  readonly points: TimePoint[] = [];
  /**
   * Inter-token gaps of the replica's decode steps, by class: a step of d seconds gives each
   * sequence decoding in it one gap of d (the time since its previous token, the previous step's
   * end), so these are the gaps of every token after the first, as vLLM's ITL counts them (with
   * speculative decoding a step's tokens arrive together: one gap per step, as vLLM sees chunks).
   * Steps starting inside the measured window count.
   */
  readonly gaps: Record<RequestClass, LogHistogram> = { interactive: new LogHistogram(), background: new LogHistogram() };
  private lastBucket = -1;
  private last: TimePoint | undefined;

  constructor(
    private readonly bucketSeconds: number,
    private readonly window: { start: number; end: number },
  ) {}

  /** The point of the interval holding time `t`. */
  at(t: number): TimePoint {
    const b = Math.floor(t / this.bucketSeconds);
    if (b === this.lastBucket) return this.last!;
    const points = this.points;
    while (points.length <= b) points.push({ requests: 0, kvPeak: 0, busy: 0, decodeSeqsTime: 0, waitingTime: 0, kvTime: 0, steps: 0 });
    this.lastBucket = b;
    return (this.last = points[b]);
  }

  step(s: StepRecord): void {
    this.point(s, s.start, s.seconds, s.kvUsed);
    if (s.decodeSeqs > 0 && s.start >= this.window.start && s.start < this.window.end) this.gap(s, s.seconds);
  }

  /**
   * Steps [from, to) of a decode run (SimObserver.onDecodeSteps): the same as a step() each, in
   * step order (so every sum is made in the same order as when stepping one at a time).
   */
  steps(s: StepRecord, starts: Float64Array, costs: Float64Array, kvUsed: Float64Array, from: number, to: number): void {
    // point() per step, unrolled: the steps share decodeSeqs, prefillTokens and waiting, so their
    // words are folded from constants and the hash is kept in a local (the same FNV-1a steps).
    const { decodeSeqs, prefillTokens, waiting } = s;
    BITS[0] = decodeSeqs;
    const seqsLow = WORDS[0];
    const seqsHigh = WORDS[1];
    BITS[0] = prefillTokens;
    const prefillLow = WORDS[0];
    const prefillHigh = WORDS[1];
    let hash = this.hash;
    for (let i = from; i < to; i++) {
      const start = starts[i];
      const seconds = costs[i];
      const kv = kvUsed[i];
      hash = fold(fold(hash, start), seconds);
      hash = Math.imul(Math.imul(hash ^ seqsLow, 0x01000193) ^ seqsHigh, 0x01000193);
      hash = Math.imul(Math.imul(hash ^ prefillLow, 0x01000193) ^ prefillHigh, 0x01000193);
      const p = this.at(start);
      if (kv > p.kvPeak) p.kvPeak = kv;
      p.busy += seconds;
      p.decodeSeqsTime += decodeSeqs * seconds;
      p.waitingTime += waiting * seconds;
      p.kvTime += kv * seconds;
      p.steps++;
    }
    this.hash = hash;
    if (decodeSeqs === 0) return;
    // The gaps of the steps that start inside the window (a contiguous range: starts increase).
    const { start, end } = this.window;
    let first = from;
    while (first < to && starts[first] < start) first++;
    let last = first;
    while (last < to && starts[last] < end) last++;
    const background = s.backgroundDecodeSeqs;
    if (background < decodeSeqs) this.gaps.interactive.addEach(costs, first, last, decodeSeqs - background);
    if (background > 0) this.gaps.background.addEach(costs, first, last, background);
  }

  private point(s: StepRecord, start: number, seconds: number, kvUsed: number): void {
    this.hash = fold(fold(fold(fold(this.hash, start), seconds), s.decodeSeqs), s.prefillTokens);
    const p = this.at(start);
    if (kvUsed > p.kvPeak) p.kvPeak = kvUsed;
    p.busy += seconds;
    p.decodeSeqsTime += s.decodeSeqs * seconds;
    p.waitingTime += s.waiting * seconds;
    p.kvTime += kvUsed * seconds;
    p.steps++;
  }

  private gap(s: StepRecord, seconds: number): void {
    const background = s.backgroundDecodeSeqs;
    if (background < s.decodeSeqs) this.gaps.interactive.add(seconds, s.decodeSeqs - background);
    if (background > 0) this.gaps.background.add(seconds, background);
  }
}
