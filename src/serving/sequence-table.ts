/**
 * The sequences a replica holds and the KV they own: the waiting queues (by priority), the
 * running set, the KV cache, admission under block limits (with a watermark), growth, preemption
 * (recompute or swap) and release on completion. No timing: the engine (replica.ts) decides
 * when; this module keeps the books consistent.
 */
import Denque from 'denque';
import type { LlmRequest, RequestListener, Segment, SimObserver } from '../domain/request.js';
import { KvCache, NO_MATCH } from './kv-cache.js';
import { Sequence } from './sequence.js';
import type { EngineConfig } from './engine-config.js';

export interface TableSizing {
  kvCapacityTokens: number;
  /** Tokens each running sequence holds for its capped layers' KV (DESIGN.md §5). */
  kvReserveTokensPerSequence: number;
  kvBytesPerToken: number;
}

/** A prompt matched against nothing (after a swap or a recompute its KV is not the segments'). */
const NO_SEGMENTS: readonly Segment[] = Object.freeze([]);

/** Take `s` out of the running set, keeping the others' order (splice would allocate the removed list). */
function removeRunning(running: Sequence[], s: Sequence): void {
  const last = running.length - 1;
  for (let i = running.indexOf(s); i < last; i++) running[i] = running[i + 1];
  running.pop();
}

/**
 * Nothing computed to cache (a sequence without segments or an output key). Not frozen: V8
 * iterates a frozen array with for-of through an iterator object and a result object per call.
 */
const NOTHING_COMPUTED: readonly Segment[] = [];

export class SequenceTable {
  readonly kv: KvCache;
  /** Blocks each running sequence holds for its capped layers' KV. */
  readonly reserveBlocks: number;
  // By priority: interactive, background. Admitted sequences leave at once (bounded memory).
  private readonly waiting = [new Denque<Sequence>(), new Denque<Sequence>()];
  /** Both queues' lengths (routers read it per request and replica: kept, not summed). */
  waitingCount = 0;
  readonly running: Sequence[] = [];
  preemptions = 0;
  private orderCounter = 0;

  constructor(
    private readonly name: string,
    private readonly config: EngineConfig,
    private readonly sizing: TableSizing,
    private readonly observer: SimObserver,
  ) {
    this.reserveBlocks = Math.ceil(sizing.kvReserveTokensPerSequence / config.blockTokens);
    this.kv = new KvCache({
      capacityBlocks: Math.floor(sizing.kvCapacityTokens / config.blockTokens),
      blockTokens: config.blockTokens,
      kvBytesPerToken: sizing.kvBytesPerToken,
      prefixCaching: config.prefixCaching,
      retention: config.retention,
    });
  }

  /** Whether a sequence of `tokens` (prompt + output) could ever fit in this replica's KV. */
  fitsEmpty(tokens: number): boolean {
    return this.kv.blocksFor(tokens) + this.reserveBlocks <= this.kv.capacityBlocks;
  }

  enqueue(req: LlmRequest, listener: RequestListener): void {
    const priority = req.cls === 'interactive' ? 0 : 1;
    this.waiting[priority].push(new Sequence(req, listener, priority, this.orderCounter++));
    this.waitingCount++;
  }

  hasWaiting(priority: number): boolean {
    return this.waiting[priority].length > 0;
  }

  /**
   * Move the head of queue `priority` to the running set if its blocks can be had now (an
   * interactive head may preempt background sequences when the config says so); undefined if
   * it must wait. Head-of-line: the engine stops admitting from that queue until blocks free up.
   */
  admitHead(priority: number, now: number): Sequence | undefined {
    const queue = this.waiting[priority];
    const s = queue.peekFront()!;
    const match = this.kv.match(s.req.segments.length > 0 && s.swappedTokens === 0 && s.prompt === s.req.inputTokens ? s.req.segments : NO_SEGMENTS, now, s.req.continues);
    const ready = s.req.kvReadyTokens ?? 0;
    const fromCache = match.cachedTokens + match.reloadTokens;
    const need = this.kv.blocksFor(Math.max(0, s.prompt - fromCache) + 1) + this.reserveBlocks;
    let ok = this.tryAllocate(need, now);
    if (!ok && priority === 0 && this.config.preemptBackground) {
      while (!ok && this.preemptVictim(1, now)) ok = this.tryAllocate(need, now);
    }
    if (!ok) {
      // submit() rejected anything that could not fit in an empty replica, so this cannot wait forever.
      this.kv.unpin(match, now);
      return undefined;
    }
    queue.shift();
    this.waitingCount--;
    s.ownBlocks = need - this.reserveBlocks;
    s.reserveBlocks = this.reserveBlocks;
    s.pinned = match;
    s.pinnedTokens = fromCache;
    let reloadSeconds = match.reloadSeconds;
    if (s.swappedTokens > 0) {
      // Swap-in: the KV comes back from host memory instead of being recomputed.
      reloadSeconds += (s.swappedTokens * this.sizing.kvBytesPerToken) / this.config.swapBytesPerSecond;
      s.done = s.prompt;
      s.swappedTokens = 0;
    } else {
      s.done = Math.min(s.prompt, fromCache + ready);
    }
    s.readyAt = now + reloadSeconds;
    s.running = true;
    this.running.push(s);
    if (s.req.phase !== 'decode') this.observer.onAdmit?.(s.req, this.name, now, fromCache, reloadSeconds);
    return s;
  }

  /**
   * Blocks for an admission. One block of growth per running sequence stays free (a watermark):
   * admitting into the last free blocks only forces a preemption a few steps later.
   */
  private tryAllocate(blocks: number, now: number): boolean {
    return this.kv.available(now) >= blocks + this.running.length && this.kv.allocate(blocks, now);
  }

  /** Make sure `s` owns blocks for `tokens` own tokens; preempt others (or `s`) if needed. */
  ensureBlocks(s: Sequence, tokens: number, now: number): boolean {
    const need = this.kv.blocksFor(tokens) - s.ownBlocks;
    if (need <= 0) return true;
    while (!this.kv.allocate(need, now)) {
      if (!this.preemptVictim(0, now, s)) {
        this.preempt(s, now);
        return false;
      }
    }
    s.ownBlocks += need;
    return true;
  }

  /** Preempt the lowest-priority, latest-admitted running sequence of priority ≥ `minPriority` (not `keep`). */
  private preemptVictim(minPriority: number, now: number, keep?: Sequence): boolean {
    let victim: Sequence | undefined;
    for (const s of this.running) {
      if (s === keep || s.priority < minPriority || s.inBatch) continue;
      if (!victim || s.priority > victim.priority || (s.priority === victim.priority && s.order > victim.order)) victim = s;
    }
    if (!victim) return false;
    this.preempt(victim, now);
    return true;
  }

  private preempt(s: Sequence, now: number): void {
    removeRunning(this.running, s);
    s.running = false;
    if (this.config.preemption === 'swap') s.swappedTokens = Math.max(1, s.ownTokens);
    else {
      // Recompute: the output so far becomes part of the prompt to prefill again.
      s.prompt = s.req.inputTokens + s.generated;
    }
    this.kv.release(s.ownBlocks + s.reserveBlocks);
    s.reserveBlocks = 0;
    if (s.pinned !== NO_MATCH) this.kv.unpin(s.pinned, now);
    s.ownBlocks = 0;
    s.pinned = NO_MATCH;
    s.pinnedTokens = 0;
    s.done = 0;
    this.preemptions++;
    this.observer.onPreempt?.(s.req, now);
    // Back to the front of its queue.
    this.waiting[s.priority].unshift(s);
    this.waitingCount++;
  }

  /** A finished sequence leaves; the blocks it computed become cached segments. */
  complete(s: Sequence, now: number): void {
    removeRunning(this.running, s);
    s.running = false;
    const match = s.pinned;
    if (match !== NO_MATCH) this.kv.unpin(match, now);
    this.kv.release(s.reserveBlocks);
    s.reserveBlocks = 0;
    const computed = s.req.segments.length === 0 && s.req.outputKey === undefined ? NOTHING_COMPUTED : computedSegments(s);
    this.kv.adopt(computed, s.ownBlocks, now, s.req.continues === undefined ? undefined : { match, id: s.req.id });
    s.pinned = NO_MATCH;
    s.ownBlocks = 0;
  }
}

/**
 * A finished sequence's uncached prompt segments (all after the ones its match took whole: a
 * partly matched one is cached already, and adopt skips it), then its output.
 */
function computedSegments(s: Sequence): Segment[] {
  const computed = s.req.segments.slice(s.pinned.segments);
  if (s.req.outputKey !== undefined) computed.push({ key: s.req.outputKey, tokens: s.req.outputTokens });
  return computed;
}
