/**
 * The prefix cache's entries, their LRU lists, and runs: a conversation's cached turns taken as
 * one unit (see kv-cache.ts), so that a turn costs the cache work in proportion to its new
 * segments, not to the turns before it.
 */
import type { Continues, Segment } from '../domain/request.js';

export interface Entry {
  key: number;
  tokens: number;
  blocks: number;
  /** Pins of this entry alone; those of its run, while it has one, are the run's. */
  pins: number;
  /** Last use; while the entry is in a run, the run's is the one that counts. */
  lastUse: number;
  onHost: boolean;
  /** The run this entry belongs to, or null. */
  run: Run | null;
  // LRU list of unpinned entries of one tier
  prev: Entry | null;
  next: Entry | null;
}

/**
 * Consecutive segments of one conversation's prompt (from `start`), then its output: the entries
 * a finished turn left at the device LRU's tail, in that order. While a run exists, its entries are
 * on the device, whole, and either all in the LRU list, consecutive and in order (`pins` 0), or
 * all out of it (pinned through the run). Whatever touches one of them alone first dissolves the
 * run (kv-cache.ts), so the entries then carry their own pins and last use again.
 */
export interface Run {
  /** Index in the prompt of the first entry. */
  start: number;
  entries: Entry[];
  tokens: number;
  blocks: number;
  pins: number;
  lastUse: number;
  /** The request whose finish left the run as it is (a later turn names it to use the run). */
  requestId: number;
  dissolved: boolean;
}

/**
 * The run a prompt may take as one unit: the one the finish of the request it continues left,
 * ending at the continued prefix's last segment, if nothing dissolved or changed it since.
 */
export function runFor(entries: ReadonlyMap<number, Entry>, segments: readonly Segment[], c: Continues | undefined): Run | null {
  if (c === undefined || c.segments < 1 || c.segments > segments.length) return null;
  const last = entries.get(segments[c.segments - 1].key);
  const run = last?.run ?? null;
  if (run === null || run.requestId !== c.id || run.start + run.entries.length !== c.segments || run.entries[run.entries.length - 1] !== last) return null;
  return run;
}

/** The run's entries carry their own pins and last use again; the run is gone. */
export function dissolve(run: Run): void {
  for (const e of run.entries) {
    e.run = null;
    e.pins += run.pins;
    e.lastUse = run.lastUse;
  }
  run.dissolved = true;
}

export class Lru {
  head: Entry | null = null; // least recently used
  tail: Entry | null = null;
  push(e: Entry): void {
    this.pushRange(e, e);
  }
  remove(e: Entry): void {
    this.removeRange(e, e);
  }
  /** Append the linked entries `first` … `last` (linked among themselves) at the tail. */
  pushRange(first: Entry, last: Entry): void {
    first.prev = this.tail;
    last.next = null;
    if (this.tail) this.tail.next = first;
    else this.head = first;
    this.tail = last;
  }
  /** Unlink the entries `first` … `last` (consecutive in the list); they stay linked among themselves. */
  removeRange(first: Entry, last: Entry): void {
    if (first.prev) first.prev.next = last.next;
    else this.head = last.next;
    if (last.next) last.next.prev = first.prev;
    else this.tail = first.prev;
    first.prev = last.next = null;
  }
}

/** What a match pinned (kv-cache.ts's PrefixMatch): entries one by one, and a run between them. */
export interface PinnedPrefix {
  entries: readonly Entry[];
  run: Run | null;
  /** The run comes after the first `runAt` entries. */
  runAt: number;
  /** Leading prompt segments matched whole. */
  segments: number;
}

/**
 * After a finished sequence's `unpin` and `adopt`, keep its conversation's run: extend the run it
 * matched by the entries it adopted, or make a new one of the entries it matched (from its
 * prompt's second segment: the first, a shared system prompt, is pinned by others too often to
 * be worth including) and adopted. Only if they are now consecutive at the LRU's tail, in prompt
 * order, free, with this instant as their last use: exactly what walking them one by one gives.
 */
export function keepRun(m: PinnedPrefix, id: number, added: Entry[], now: number): void {
  const run = m.run;
  if (run !== null) {
    const ready = !run.dissolved && run.pins === 0 && run.lastUse === now && m.runAt === m.entries.length && m.segments === run.start + run.entries.length;
    if (!ready || run.entries[run.entries.length - 1].next !== added[0]) return;
    for (const e of added) {
      e.run = run;
      run.entries.push(e);
      run.tokens += e.tokens;
      run.blocks += e.blocks;
    }
    run.requestId = id;
    return;
  }
  // The adopted entries are the LRU's tail (adopt pushed them last); the matched ones must come
  // right before them. Checked before anything is built: under memory pressure this mostly fails.
  const start = Math.min(1, m.segments);
  let e = added[0].prev;
  for (let k = m.segments - 1; k >= start; k--, e = e.prev) {
    const x = m.entries[k];
    if (e !== x || x.pins !== 0 || x.run !== null || x.onHost || x.lastUse !== now) return;
  }
  const entries = m.entries.slice(start, m.segments).concat(added);
  const fresh: Run = { start, entries, tokens: 0, blocks: 0, pins: 0, lastUse: now, requestId: id, dissolved: false };
  for (const x of entries) {
    x.run = fresh;
    fresh.tokens += x.tokens;
    fresh.blocks += x.blocks;
  }
}
