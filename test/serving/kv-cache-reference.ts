/**
 * The prefix cache as it was before runs (main at fb8e7b5, src/serving/kv-cache.ts), kept as the
 * reference the property test in kv-cache.test.ts compares the cache with, operation by operation.
 * Only `lruKeys` is added.
 */
import type { Retention } from '../../src/domain/engine.js';
import type { Segment } from '../../src/domain/request.js';

export type { Retention };

export interface KvCacheOptions {
  capacityBlocks: number;
  blockTokens: number;
  kvBytesPerToken: number;
  prefixCaching: boolean;
  retention: Retention;
}

interface Entry {
  key: number;
  tokens: number;
  blocks: number;
  pins: number;
  lastUse: number;
  onHost: boolean;
  // LRU list of unpinned entries of one tier
  prev: Entry | null;
  next: Entry | null;
}

class Lru {
  head: Entry | null = null; // least recently used
  tail: Entry | null = null;
  push(e: Entry): void {
    e.prev = this.tail;
    e.next = null;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
  }
  remove(e: Entry): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = null;
  }
}

export interface PrefixMatch {
  /** Prompt tokens whose KV is on the device. */
  cachedTokens: number;
  /** Prompt tokens whose KV comes back from host memory first. */
  reloadTokens: number;
  reloadSeconds: number;
  /** Entries pinned for the sequence; release them with `unpin`. */
  entries: readonly Entry[];
}

export type CacheEntry = Entry;

/** No entries pinned (one list for every sequence without any). */
export const NO_ENTRIES: readonly Entry[] = Object.freeze([]);
/** Nothing cached: the match of every request when caching is off or the prompt has no segments. */
const NO_MATCH: PrefixMatch = Object.freeze({ cachedTokens: 0, reloadTokens: 0, reloadSeconds: 0, entries: NO_ENTRIES });

export class ReferenceKvCache {
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
  match(segments: readonly Segment[], now: number): PrefixMatch {
    if (!this.o.prefixCaching || segments.length === 0) return NO_MATCH;
    const entries: Entry[] = [];
    const result: PrefixMatch = { cachedTokens: 0, reloadTokens: 0, reloadSeconds: 0, entries };
    this.expire(now);
    for (const s of segments) {
      const e = this.entries.get(s.key);
      const tokens = e ? this.usable(e, s) : 0;
      if (!e || tokens === 0) break;
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

  unpin(entries: readonly Entry[], now: number): void {
    for (const e of entries) {
      e.pins--;
      e.lastUse = now;
      if (e.pins === 0) {
        this.deviceLru.push(e);
        this.evictableBlocks += e.blocks;
      }
    }
  }

  /**
   * A finished sequence hands its blocks to the cache: each of `segments` (the prompt segments it
   * computed, then its output) becomes a cached entry. `ownedBlocks` is what the sequence held.
   */
  adopt(segments: readonly Segment[], ownedBlocks: number, now: number): void {
    // The sequence's blocks go back to the pool, and its segments take what they need from it
    // (per-segment rounding can need a block or two more than the sequence held: only if free).
    this.ownedBlocks -= ownedBlocks;
    if (this.o.prefixCaching) {
      for (const s of segments) {
        if (s.tokens <= 0 || this.entries.has(s.key)) continue;
        const blocks = this.blocksFor(s.tokens);
        if (this.capacityBlocks - this.usedBlocks < blocks) break;
        const e: Entry = { key: s.key, tokens: s.tokens, blocks, pins: 0, lastUse: now, onHost: false, prev: null, next: null };
        this.entries.set(s.key, e);
        this.cachedBlocks += blocks;
        this.evictableBlocks += blocks;
        this.deviceLru.push(e);
      }
    }
  }

  /** Whether any cached prefix of these segments is on this replica (for prefix-aware routing). */
  cachedPrefixTokens(segments: readonly Segment[]): number {
    let tokens = 0;
    for (const s of segments) {
      const e = this.entries.get(s.key);
      const usable = e ? this.usable(e, s) : 0;
      tokens += usable;
      if (usable < s.tokens) break;
    }
    return tokens;
  }

  /** Keys in device LRU order, then in host LRU order, and every entry's pins and last use. */
  lruKeys(): { device: number[]; host: number[]; entries: string } {
    const list = (lru: Lru) => {
      const keys: number[] = [];
      for (let e = lru.head; e; e = e.next) keys.push(e.key);
      return keys;
    };
    const entries = [...this.entries.values()].map((e) => `${e.key}:${e.tokens}:${e.pins}:${e.lastUse}:${e.onHost}`).sort().join(' ');
    return { device: list(this.deviceLru), host: list(this.hostLru), entries };
  }

  /** Evict the least recently used unpinned device segment (to host, with offload). */
  private evictOne(): void {
    const e = this.deviceLru.head;
    if (!e) throw new Error('KvCache: nothing evictable');
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
    for (let e = this.deviceLru.head; e && now - e.lastUse > r.seconds; e = this.deviceLru.head) {
      this.deviceLru.remove(e);
      this.evictableBlocks -= e.blocks;
      this.cachedBlocks -= e.blocks;
      this.entries.delete(e.key);
    }
  }
}
