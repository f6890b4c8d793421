/**
 * Prefix-cache cost per request as sessions grow: one replica's KvCache driven as the sequence
 * table drives it (match, unpin, adopt of the uncached segments and the output, each turn naming
 * the one it continues, as a conversation's requests do), for sessions of 1,000 turns against
 * sessions of 10 turns (the baseline) in the same process. The goal of issue 17 is a ratio near 1
 * (a lookup proportional to the new tokens).
 */
import { performance } from 'node:perf_hooks';
import { KvCache } from '../src/serving/kv-cache.js';
import type { Continues, Segment } from '../src/domain/request.js';
import type { Row } from './rows.js';

const REQUESTS = 20_000;

/** One session of `turns` requests on a fresh, roomy cache; returns the cached prompt tokens. */
function session(turns: number): number {
  const cache = new KvCache({ capacityBlocks: 1e7, blockTokens: 16, kvBytesPerToken: 1, prefixCaching: true, retention: { kind: 'keep' } });
  const segments: Segment[] = [{ key: 1, tokens: 3000 }];
  let key = 100;
  let cached = 0;
  let continues: Continues = { id: -1, segments: 0 };
  for (let t = 0; t < turns; t++) {
    segments.push({ key: key++, tokens: 200 });
    const match = cache.match(segments, t, continues);
    cached += match.cachedTokens;
    const computed = segments.slice(match.segments);
    const output = { key: key++, tokens: 300 };
    computed.push(output);
    cache.unpin(match, t);
    cache.adopt(computed, 0, t, { match, id: t });
    segments.push(output);
    continues = { id: t, segments: segments.length };
  }
  return cached;
}

/** Microseconds per request, best of five, for sessions of `turns` turns. */
function perRequest(turns: number): number {
  let best = Infinity;
  for (let round = 0; round <= 5; round++) {
    const t0 = performance.now();
    let cached = 0;
    for (let s = 0; s < REQUESTS / turns; s++) cached += session(turns);
    if (cached === 0) throw new Error('bench: the prefix cache never hit');
    if (round > 0) best = Math.min(best, ((performance.now() - t0) * 1000) / REQUESTS);
  }
  return best;
}

export function prefixRows(): Row[] {
  const short = perRequest(10);
  const long = perRequest(1000);
  return [{ name: 'prefix-cache operations per request, 1,000-turn sessions', value: long, unit: 'us/req', baseline: { name: '10-turn sessions', value: short }, higherIsBetter: false, goal: 'ratio ~1' }];
}
