/**
 * The prefix cache with runs (a conversation's turns pinned and released as one unit) against the
 * cache as it was before them, entry by entry (kv-cache-reference.ts): the same operations on
 * both, in conversations that continue, retry, compact, get preempted, and meet prompts that share
 * only part of a turn, under memory pressure with every retention. After every operation both must
 * agree on what was matched, on every block count, and on the order in which entries would be
 * evicted (device and host LRU lists, each entry's pins and last use).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Continues, Segment } from '../../src/domain/request.js';
import type { Retention } from '../../src/domain/engine.js';
import { KvCache, type PrefixMatch } from '../../src/serving/kv-cache.js';
import { ReferenceKvCache } from './kv-cache-reference.js';

const FIRST: Continues = { id: -1, segments: 0 };
const SYSTEM: Segment = { key: 1, tokens: 40 };

interface Session {
  segments: Segment[];
  continues: Continues;
  /** The request the session waits on (its copies answer for it), or undefined. */
  waiting?: number;
}

interface InFlight {
  id: number;
  /** The original request of a copy: the session answers with its id, as Conversation does. */
  answers: number;
  session: number;
  segments: readonly Segment[];
  continues?: Continues;
  output: Segment;
  match: PrefixMatch;
  refEntries: Parameters<ReferenceKvCache['unpin']>[0];
  refPinned: number;
  own: number;
}

const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('turn' as const), session: fc.nat(3), tokens: fc.integer({ min: 1, max: 120 }), output: fc.integer({ min: 0, max: 80 }), copy: fc.boolean() }), weight: 12 },
  { arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }), weight: 10 },
  { arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('partial' as const), session: fc.nat(3), cut: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('hold' as const), blocks: fc.integer({ min: 1, max: 40 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('free' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('compact' as const), session: fc.nat(3) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('time' as const), dt: fc.constantFrom(0, 0.5, 2, 7) }), weight: 2 },
);

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const retention = fc.oneof(
  fc.constant<Retention>({ kind: 'keep' }),
  fc.integer({ min: 1, max: 6 }).map((seconds): Retention => ({ kind: 'ttl', seconds })),
  fc.record({ hostBytes: fc.integer({ min: 0, max: 3000 }), bytesPerSecond: fc.constantFrom(100, 1e4) }).map((r): Retention => ({ kind: 'offload', ...r })),
);

function run(options: { capacityBlocks: number; blockTokens: number; kvBytesPerToken: number; retention: Retention; system: boolean }, ops: Op[]): void {
  const o = { ...options, prefixCaching: true };
  const cache = new KvCache(o);
  const ref = new ReferenceKvCache(o);
  const sessions: Session[] = [0, 1, 2, 3].map(() => ({ segments: options.system ? [SYSTEM] : [], continues: FIRST }));
  const flying: InFlight[] = [];
  const held: number[] = [];
  let now = 0;
  let nextKey = 100;
  let nextId = 0;
  const same = (what: string) => {
    expect(cache.lruKeys(), what).toEqual(ref.lruKeys());
    expect([cache.usedBlocks, cache.cachedBlocks, cache.evictableBlocks, cache.ownedBlocks, cache.hostBytes], what).toEqual([ref.usedBlocks, ref.cachedBlocks, ref.evictableBlocks, ref.ownedBlocks, ref.hostBytes]);
  };
  const admit = (session: number, answers: number, segments: readonly Segment[], continues: Continues | undefined, output: Segment) => {
    const id = nextId++;
    const match = cache.match(segments, now, continues);
    const refMatch = ref.match(segments, now);
    expect([match.cachedTokens, match.reloadTokens, match.reloadSeconds]).toEqual([refMatch.cachedTokens, refMatch.reloadTokens, refMatch.reloadSeconds]);
    expect(cache.cachedPrefixTokens(segments, continues)).toBe(ref.cachedPrefixTokens(segments));
    const prompt = segments.reduce((sum, s) => sum + s.tokens, 0);
    const pinned = match.cachedTokens + match.reloadTokens;
    const own = cache.blocksFor(prompt - pinned + 1);
    const ok = cache.allocate(own, now);
    expect(ref.allocate(own, now)).toBe(ok);
    if (!ok) {
      cache.unpin(match, now);
      ref.unpin(refMatch.entries, now);
      return false;
    }
    flying.push({ id, answers, session, segments, continues, output, match, refEntries: refMatch.entries, refPinned: pinned, own });
    return true;
  };
  for (const x of ops) {
    switch (x.kind) {
      case 'turn': {
        const s = sessions[x.session];
        if (s.waiting !== undefined) {
          // A copy of the request the session waits on (a client retry): same prompt, new id.
          const first = flying.find((f) => f.id === s.waiting);
          if (x.copy && first) admit(x.session, first.id, first.segments, first.continues, first.output);
          break;
        }
        const continues = s.continues;
        s.continues = FIRST;
        s.segments.push({ key: nextKey++, tokens: x.tokens });
        const id = nextId;
        if (admit(x.session, id, s.segments.slice(), continues, { key: nextKey++, tokens: x.output })) s.waiting = id;
        break;
      }
      case 'finish':
      case 'abort': {
        if (flying.length === 0) break;
        const f = flying.splice(x.pick % flying.length, 1)[0];
        cache.unpin(f.match, now);
        ref.unpin(f.refEntries, now);
        const s = sessions[f.session];
        if (x.kind === 'abort') {
          cache.adopt([], f.own, now);
          ref.adopt([], f.own, now);
          if (s.waiting === f.answers && !flying.some((g) => g.answers === f.answers)) s.waiting = undefined;
          break;
        }
        // As the sequence table computes them (new) and as it did (reference: by tokens covered).
        const computed = [...f.segments.slice(f.match.segments), f.output];
        let covered = 0;
        const refComputed = f.segments.filter((seg) => (covered += seg.tokens) > f.refPinned).concat(f.output);
        cache.adopt(computed, f.own, now, f.continues === undefined ? undefined : { match: f.match, id: f.id });
        ref.adopt(refComputed, f.own, now);
        if (s.waiting === f.answers) {
          s.waiting = undefined;
          if (f.output.tokens > 0) s.segments.push(f.output);
          s.continues = f.output.tokens > 0 ? { id: f.answers, segments: s.segments.length } : FIRST;
        }
        break;
      }
      case 'partial': {
        // A prompt sharing only the start of a session's context, its last segment cut short
        // (as a replayed trace's can): taken entry by entry, it dissolves the runs it touches.
        const s = sessions[x.session];
        if (s.segments.length === 0) break;
        const n = 1 + (x.cut % s.segments.length);
        const segments = s.segments.slice(0, n);
        const last = segments[n - 1];
        segments[n - 1] = { key: last.key, tokens: Math.max(1, last.tokens - 1 - (x.cut % 20)) };
        segments.push({ key: nextKey++, tokens: 10 });
        admit(x.session, -2, segments, undefined, { key: nextKey++, tokens: 5 });
        break;
      }
      case 'hold': {
        const ok = cache.allocate(x.blocks, now);
        expect(ref.allocate(x.blocks, now)).toBe(ok);
        if (ok) held.push(x.blocks);
        break;
      }
      case 'free': {
        const b = held.pop();
        if (b !== undefined) {
          cache.release(b);
          ref.release(b);
        }
        break;
      }
      case 'compact': {
        // Between turns, as Conversation compacts (a turn in flight answers into the old context).
        const s = sessions[x.session];
        if (s.waiting !== undefined) break;
        s.segments = options.system ? [SYSTEM, { key: nextKey++, tokens: 30 }] : [{ key: nextKey++, tokens: 30 }];
        s.continues = FIRST;
        break;
      }
      case 'time':
        now += x.dt;
        expect(cache.available(now)).toBe(ref.available(now));
        break;
    }
    same(JSON.stringify(x));
  }
}

describe('prefix cache runs', () => {
  it('match, release and evict exactly as entry by entry (property)', () => {
    fc.assert(
      fc.property(
        fc.record({ capacityBlocks: fc.integer({ min: 20, max: 1000 }), blockTokens: fc.constantFrom(4, 16), kvBytesPerToken: fc.constantFrom(1, 3), retention, system: fc.boolean() }),
        fc.array(op, { minLength: 20, maxLength: 300, size: 'max' }),
        run,
      ),
      { seed: 17, numRuns: 400 },
    );
  });

  it('takes a continuing turn as one unit: the work per turn does not grow with the turns', () => {
    // Counted, not timed: how many entries a turn's match visits one by one.
    const cache = new KvCache({ capacityBlocks: 1e6, blockTokens: 16, kvBytesPerToken: 1, prefixCaching: true, retention: { kind: 'keep' } });
    const segments: Segment[] = [SYSTEM];
    let continues = FIRST;
    for (let t = 0; t < 200; t++) {
      segments.push({ key: 1000 + 2 * t, tokens: 50 });
      const match = cache.match(segments, t, continues);
      if (t >= 1) {
        // At most the system prompt one by one (a first turn's run starts with it); the rest is the run.
        expect(match.entries.length).toBeLessThanOrEqual(1);
        expect(match.entries.length + match.run!.entries.length).toBe(segments.length - 1);
      }
      expect(match.cachedTokens).toBe(t === 0 ? 0 : SYSTEM.tokens + 100 * t);
      const output = { key: 1001 + 2 * t, tokens: 50 };
      cache.unpin(match, t);
      cache.adopt([...segments.slice(match.segments), output], 0, t, { match, id: t });
      segments.push(output);
      continues = { id: t, segments: segments.length };
    }
  });
});
