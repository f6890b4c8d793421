/**
 * A replica's KV cache: paged blocks, and a prefix cache of content-identified segments.
 *
 * Blocks are counted, not stored: a running sequence owns the blocks of the tokens it computed;
 * a cached segment owns ceil(tokens / blockTokens) blocks. When a sequence finishes, its blocks
 * become cached segments (its uncached prompt segments and its output), so a session's next turn
 * finds its context already there. A prompt that shares only the start of a cached segment reuses
 * that start's whole blocks. Cached segments that no running sequence uses are evicted in
 * LRU order when blocks are needed; with the `offload` retention they move to host memory and a
 * later hit pays a reload at the host link's bandwidth.
 *
 * A conversation's turn would cost in proportion to all the turns before it (each of its
 * segments looked up, pinned, and put back at the LRU's tail in prompt order), so a finished
 * turn's entries that end up consecutive at the tail become a run (kv-lru.ts), and the next turn,
 * which names the turn it continues (`LlmRequest.continues`), pins and releases that run as one
 * unit: the same entries, moved in the same order, with the same last use, so every hit, miss
 * and eviction is what the entry-by-entry walk gives (a property test compares the two, operation
 * by operation). Anything that touches a run's entry alone (another prompt, an eviction, a TTL
 * expiry) first dissolves the run into its entries.
 *
 * Invariant: used = owned by sequences + held by device segments ≤ capacity.
 */
import type { Retention } from '../domain/engine.js';
import type { Continues, Segment } from '../domain/request.js';
import { dissolve, keepRun, Lru, runFor, type Entry, type PinnedPrefix, type Run } from './kv-lru.js';

export type { Retention };

export interface KvCacheOptions {
  capacityBlocks: number;
  blockTokens: number;
  kvBytesPerToken: number;
  prefixCaching: boolean;
  retention: Retention;
}

/** The prompt's cached prefix, pinned (entries one by one, in prompt order, and a run): release it with `unpin`. */
export interface PrefixMatch extends PinnedPrefix {
  /** Prompt tokens whose KV is on the device. */
  cachedTokens: number;
  /** Prompt tokens whose KV comes back from host memory first. */
  reloadTokens: number;
  reloadSeconds: number;
}

export type CacheEntry = Entry;

/** Nothing cached: the match of every request when caching is off or the prompt has no segments. */
export const NO_MATCH: PrefixMatch = Object.freeze({ cachedTokens: 0, reloadTokens: 0, reloadSeconds: 0, entries: Object.freeze([]) as readonly Entry[], run: null, runAt: 0, segments: 0 });

/** What `adopt` needs to keep a conversation's run: the finished request's match and id. */
export interface Finished {
  match: PrefixMatch;
  id: number;
}

export class KvCache {
  readonly capacityBlocks: number;
  readonly blockTokens: number;
  /** Blocks owned by running sequences. */
  ownedBlocks = 0;
  /** Blocks held by cached segments on the device (pinned or not). */
  cachedBlocks = 0;
  /** Of those, blocks of unpinned segments: evictable. */
  evictableBlocks = 0;
  hostBytes = 0;

  private entries = new Map<number, Entry>();
  private deviceLru = new Lru();
  private hostLru = new Lru();

  constructor(private readonly o: KvCacheOptions) {
    this.capacityBlocks = o.capacityBlocks;
    this.blockTokens = o.blockTokens;
  }

  blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockTokens);
  }

  get usedBlocks(): number {
    return this.ownedBlocks + this.cachedBlocks;
  }

  /** Blocks obtainable now: free plus evictable. */
  available(now: number): number {
    this.expire(now);
    return this.capacityBlocks - this.usedBlocks + this.evictableBlocks;
  }

  /** Take `blocks` for a sequence, evicting cached segments if needed. False (nothing taken) if it cannot. */
  allocate(blocks: number, now: number): boolean {
    if (blocks <= 0) return true;
    if (this.available(now) < blocks) return false;
    while (this.capacityBlocks - this.usedBlocks < blocks) this.evictOne();
    this.ownedBlocks += blocks;
    return true;
  }

  release(blocks: number): void {
    this.ownedBlocks -= blocks;
    if (this.ownedBlocks < 0) throw new Error(`KvCache: released more blocks than owned (${this.ownedBlocks})`);
  }

  /**
   * The longest cached prefix of `segments`, pinned. Host-resident segments are brought back
   * (taking device blocks) if there is room, and their reload time reported.
   */
  match(segments: readonly Segment[], now: number, continues?: Continues): PrefixMatch {
    if (!this.o.prefixCaching || segments.length === 0) return NO_MATCH;
    const entries: Entry[] = [];
    const result: PrefixMatch = { cachedTokens: 0, reloadTokens: 0, reloadSeconds: 0, entries, run: null, runAt: 0, segments: 0 };
    this.expire(now);
    const run = runFor(this.entries, segments, continues);
    for (let i = 0; i < segments.length; i++) {
      // (A reload before the run can evict, and so dissolve, it: then its entries go one by one.)
      if (run !== null && i === run.start && !run.dissolved) {
        result.cachedTokens += run.tokens;
        if (run.pins === 0) {
          this.deviceLru.removeRange(run.entries[0], run.entries[run.entries.length - 1]);
          this.evictableBlocks -= run.blocks;
        }
        run.pins++;
        run.lastUse = now;
        result.run = run;
        result.runAt = entries.length;
        i += run.entries.length - 1;
        result.segments = i + 1;
        continue;
      }
      const s = segments[i];
      const e = this.entries.get(s.key);
      const tokens = e ? this.usable(e, s) : 0;
      if (!e || tokens === 0) break;
      if (e.run !== null) dissolve(e.run);
      if (e.onHost) {
        if (this.available(now) < e.blocks) break;
        this.hostLru.remove(e);
        this.hostBytes -= e.tokens * this.o.kvBytesPerToken;
        while (this.capacityBlocks - this.usedBlocks < e.blocks) this.evictOne();
        e.onHost = false;
        this.cachedBlocks += e.blocks;
        result.reloadTokens += tokens;
      } else {
        result.cachedTokens += tokens;
        if (e.pins === 0) {
          this.deviceLru.remove(e);
          this.evictableBlocks -= e.blocks;
        }
      }
      e.pins++;
      e.lastUse = now;
      entries.push(e);
      if (tokens < s.tokens) break; // a partial block: what follows is computed afresh
      result.segments = i + 1;
    }
    if (result.reloadTokens > 0 && this.o.retention.kind === 'offload') {
      result.reloadSeconds = (result.reloadTokens * this.o.kvBytesPerToken) / this.o.retention.bytesPerSecond;
    }
    return result;
  }

  /**
   * Tokens of prompt segment `s` that cached entry `e` (same key) provides: all of them when the
   * segment is the whole entry; when the prompt shares only the start of it, the whole blocks of
   * that start (KV is reused by block, as paged caches do). 0 when the entry is shorter.
   */
  private usable(e: Entry, s: Segment): number {
    if (e.tokens === s.tokens) return s.tokens;
    if (e.tokens < s.tokens) return 0;
    return Math.floor(s.tokens / this.blockTokens) * this.blockTokens;
  }

  /** Release what `match` pinned, in prompt order (each entry that is free again goes to the LRU's tail). */
  unpin(m: PrefixMatch, now: number): void {
    const entries = m.entries;
    for (let k = 0; k <= entries.length; k++) {
      if (k === m.runAt && m.run !== null) this.unpinRun(m.run, now);
      if (k < entries.length) this.unpinOne(entries[k], now);
    }
  }

  private unpinOne(e: Entry, now: number): void {
    e.pins--;
    e.lastUse = now;
    if (e.pins === 0) {
      this.deviceLru.push(e);
      this.evictableBlocks += e.blocks;
    }
  }

  private unpinRun(run: Run, now: number): void {
    if (run.dissolved) {
      for (const e of run.entries) this.unpinOne(e, now);
      return;
    }
    run.pins--;
    run.lastUse = now;
    if (run.pins === 0) {
      this.deviceLru.pushRange(run.entries[0], run.entries[run.entries.length - 1]);
      this.evictableBlocks += run.blocks;
    }
  }

  /**
   * A finished sequence hands its blocks to the cache: each of `segments` (the prompt segments it
   * computed, then its output) becomes a cached entry. `ownedBlocks` is what the sequence held.
   */
  adopt(segments: readonly Segment[], ownedBlocks: number, now: number, finished?: Finished): void {
    // The sequence's blocks go back to the pool, and its segments take what they need from it
    // (per-segment rounding can need a block or two more than the sequence held: only if free).
    this.ownedBlocks -= ownedBlocks;
    if (!this.o.prefixCaching) return;
    const added: Entry[] | undefined = finished === undefined ? undefined : [];
    for (const s of segments) {
      if (s.tokens <= 0 || this.entries.has(s.key)) continue;
      const blocks = this.blocksFor(s.tokens);
      if (this.capacityBlocks - this.usedBlocks < blocks) break;
      const e: Entry = { key: s.key, tokens: s.tokens, blocks, pins: 0, lastUse: now, onHost: false, run: null, prev: null, next: null };
      this.entries.set(s.key, e);
      this.cachedBlocks += blocks;
      this.evictableBlocks += blocks;
      this.deviceLru.push(e);
      added?.push(e);
    }
    // A run stands for the prompt's segments and output only if every one it computed was adopted.
    if (finished !== undefined && added !== undefined && added.length > 0 && added.length === segments.length) keepRun(finished.match, finished.id, added, now);
  }

  /** Whether any cached prefix of these segments is on this replica (for prefix-aware routing). */
  cachedPrefixTokens(segments: readonly Segment[], continues?: Continues): number {
    const run = runFor(this.entries, segments, continues);
    let tokens = 0;
    for (let i = 0; i < segments.length; i++) {
      if (run !== null && i === run.start) {
        tokens += run.tokens; // every one of its entries whole
        i += run.entries.length - 1;
        continue;
      }
      const s = segments[i];
      const e = this.entries.get(s.key);
      const usable = e ? this.usable(e, s) : 0;
      tokens += usable;
      if (usable < s.tokens) break;
    }
    return tokens;
  }

  /** Keys in device LRU order, then in host LRU order, and every entry's pins and last use (runs' counted in): for tests. */
  lruKeys(): { device: number[]; host: number[]; entries: string } {
    const list = (lru: Lru) => {
      const keys: number[] = [];
      for (let e = lru.head; e; e = e.next) keys.push(e.key);
      return keys;
    };
    const entries = [...this.entries.values()].map((e) => `${e.key}:${e.tokens}:${e.pins + (e.run?.pins ?? 0)}:${e.run?.lastUse ?? e.lastUse}:${e.onHost}`).sort().join(' ');
    return { device: list(this.deviceLru), host: list(this.hostLru), entries };
  }

  /** Evict the least recently used unpinned device segment (to host, with offload). */
  private evictOne(): void {
    const e = this.deviceLru.head;
    if (!e) throw new Error('KvCache: nothing evictable');
    if (e.run !== null) dissolve(e.run);
    this.deviceLru.remove(e);
    this.evictableBlocks -= e.blocks;
    this.cachedBlocks -= e.blocks;
    const r = this.o.retention;
    if (r.kind === 'offload') {
      const bytes = e.tokens * this.o.kvBytesPerToken;
      while (this.hostBytes + bytes > r.hostBytes && this.hostLru.head) this.dropHost(this.hostLru.head);
      if (this.hostBytes + bytes <= r.hostBytes) {
        e.onHost = true;
        this.hostBytes += bytes;
        this.hostLru.push(e);
        return;
      }
    }
    this.entries.delete(e.key);
  }

  private dropHost(e: Entry): void {
    this.hostLru.remove(e);
    this.hostBytes -= e.tokens * this.o.kvBytesPerToken;
    this.entries.delete(e.key);
  }

  /** TTL retention: drop unpinned segments idle longer than the TTL (lazily, oldest first). */
  private expire(now: number): void {
    const r = this.o.retention;
    if (r.kind !== 'ttl') return;
    for (let e = this.deviceLru.head; e && now - (e.run === null ? e.lastUse : e.run.lastUse) > r.seconds; e = this.deviceLru.head) {
      if (e.run !== null) dissolve(e.run);
      this.deviceLru.remove(e);
      this.evictableBlocks -= e.blocks;
      this.cachedBlocks -= e.blocks;
      this.entries.delete(e.key);
    }
  }
}
