/**
 * The recorder's per-replica tables (metrics/replica-steps.ts) against the same bookkeeping done
 * the plain way: one point object per replica and interval, one hash per replica, one ITL
 * histogram per replica merged in name order. Replicas come with and without numbers, more of
 * them than the tables' first capacity (16), arrivals and steps interleaved across intervals and
 * out of time order between replicas (as decode runs report them), so growing, the name order
 * and each replica's last interval are all exercised. Sums must match to the bit.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { StepRecord } from '../../src/domain/request.js';
import { LogHistogram } from '../../src/metrics/quantiles.js';
import { countsWord, FNV_OFFSET, foldStep, timesWord } from '../../src/metrics/fingerprint-hash.js';
import { ReplicaSteps, type TimePoint } from '../../src/metrics/replica-steps.js';

const BUCKET_SECONDS = 10;
const WINDOW = { start: 5, end: 60 };

type Event = { kind: 'arrival'; replica: number; t: number } | { kind: 'step'; replica: number; step: Omit<StepRecord, 'replica' | 'replicaNumber'> };

/** The plain way: what the recorder kept before the tables. */
class PlainReplica {
  hash = FNV_OFFSET;
  points: TimePoint[] = [];
  gaps = { interactive: new LogHistogram(), background: new LogHistogram() };
  at(t: number): TimePoint {
    const b = Math.floor(t / BUCKET_SECONDS);
    while (this.points.length <= b) this.points.push({ requests: 0, kvPeak: 0, busy: 0, decodeSeqsTime: 0, waitingTime: 0, kvTime: 0, steps: 0 });
    return this.points[b];
  }
  step(s: StepRecord): void {
    this.hash = foldStep(this.hash, timesWord(s.start, s.seconds) ^ countsWord(s.decodeSeqs, s.prefillTokens));
    const p = this.at(s.start);
    if (s.kvUsed > p.kvPeak) p.kvPeak = s.kvUsed;
    p.busy += s.seconds;
    p.decodeSeqsTime += s.decodeSeqs * s.seconds;
    p.waitingTime += s.waiting * s.seconds;
    p.kvTime += s.kvUsed * s.seconds;
    p.steps++;
    if (s.decodeSeqs > 0 && s.start >= WINDOW.start && s.start < WINDOW.end) {
      const background = s.backgroundDecodeSeqs;
      if (background < s.decodeSeqs) this.gaps.interactive.add(s.seconds, s.decodeSeqs - background);
      if (background > 0) this.gaps.background.add(s.seconds, background);
    }
  }
}

const stepArb = fc.record({
  start: fc.double({ min: 0, max: 80, noNaN: true }),
  seconds: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
  decodeSeqs: fc.integer({ min: 0, max: 6 }),
  backgroundDecodeSeqs: fc.integer({ min: 0, max: 6 }),
  prefillTokens: fc.integer({ min: 0, max: 4096 }),
  waiting: fc.integer({ min: 0, max: 9 }),
  running: fc.integer({ min: 0, max: 9 }),
  kvUsed: fc.double({ min: 0, max: 1, noNaN: true }),
}).map((s) => ({ ...s, backgroundDecodeSeqs: Math.min(s.backgroundDecodeSeqs, s.decodeSeqs) }));

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('arrival' as const), replica: fc.integer({ min: 0, max: 39 }), t: fc.double({ min: 0, max: 80, noNaN: true }) }),
  fc.record({ kind: fc.constant('step' as const), replica: fc.integer({ min: 0, max: 39 }), step: stepArb }),
);

// Replicas 0-19 have numbers (in a shuffled order), 20-39 none (-1): both ways of finding a replica.
const numberOf = (r: number) => (r < 20 ? (r * 7) % 20 : -1);
const nameOf = (r: number) => `sys/pool/${r}`;

describe('ReplicaSteps tables', () => {
  it('keep the same points, hashes and gaps as an object per replica (property)', () => {
    fc.assert(
      // At least 100 events, so each of the 40 replicas sees several (fast-check's default sizes
      // would give ~10 events in all: a replica's later intervals were then rarely exercised).
      fc.property(fc.array(eventArb, { minLength: 100, maxLength: 300 }), (events) => {
        const tables = new ReplicaSteps(BUCKET_SECONDS, WINDOW);
        const plain = new Map<string, PlainReplica>();
        const plainOf = (name: string) => plain.get(name) ?? plain.set(name, new PlainReplica()).get(name)!;
        for (const e of events) {
          const name = nameOf(e.replica);
          const i = tables.indexOf(name, numberOf(e.replica));
          if (e.kind === 'arrival') {
            tables.arrival(i, e.t);
            plainOf(name).at(e.t).requests++;
          } else {
            const step: StepRecord = { ...e.step, replica: name, replicaNumber: numberOf(e.replica) };
            tables.step(i, step);
            plainOf(name).step(step);
          }
        }
        for (const [name, p] of plain) {
          expect(tables.seriesOf(name)).toEqual(p.points);
          expect(tables.names[tables.indexOf(name, -1)]).toBe(name);
        }
        expect(tables.seriesOf('never seen')).toEqual([]);
        for (const i of tables.stepped) expect(tables.hashOf(i)).toBe(plainOf(tables.names[i]).hash);
        for (const cls of ['interactive', 'background'] as const) {
          const merged = new LogHistogram();
          for (const name of [...plain.keys()].sort()) merged.merge(plain.get(name)!.gaps[cls]);
          const gaps = tables.gapsOf(cls);
          expect(gaps.count).toBe(merged.count);
          expect(gaps.sum).toBe(merged.sum);
          expect(gaps.mean()).toBe(merged.mean());
          expect(gaps.std()).toBe(merged.std());
          for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) expect(gaps.quantile(q)).toBe(merged.quantile(q));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('a step in the fingerprint', () => {
  it('changes its word when any one of start, cost, decoding sequences or prefill tokens moves by one ulp (property)', () => {
    const word = (v: number[]) => timesWord(v[0], v[1]) ^ countsWord(v[2], v[3]);
    const bits = new Float64Array(1);
    const next = (x: number) => {
      bits[0] = x; // x >= 0: the next double up has the next bit pattern
      new BigUint64Array(bits.buffer)[0] += 1n;
      return bits[0];
    };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 65536 }), fc.integer({ min: 0, max: 3 }), (start, seconds, seqs, prefill, which) => {
        const v = [start, seconds, seqs, prefill];
        const moved = v.slice();
        moved[which] = next(moved[which]);
        expect(moved[which]).not.toBe(v[which]);
        expect(word(moved)).not.toBe(word(v));
      }),
    );
  });
});
