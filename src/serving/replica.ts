/**
 * One replica: iteration-level continuous batching (vLLM-like) over a performance model.
 *
 * Each step takes the running sequences and admits waiting ones under a token budget and a
 * sequence cap, asks the perf model what the batch costs, and schedules one event at its end;
 * every token of the step is stamped at that instant. Decode-first (the default) serves every
 * decoding sequence before prefill chunks; prefill-first the reverse. Interactive requests are
 * admitted before background ones, and may preempt them when `preemptBackground` is set.
 * KV blocks come from a KvCache: admission needs blocks for the whole uncached prompt; decode
 * takes a block at each block boundary and preempts (recompute or swap) the lowest-priority,
 * latest-admitted sequence when none is left.
 */
import Denque from 'denque';
import type { Simulation } from '../kernel/index.js';
import type { BatchShape } from '../domain/batch.js';
import type { LlmRequest, RejectReason, RequestListener, Segment, SimObserver, StepRecord } from '../domain/request.js';
import type { PerfModel } from '../perf/index.js';
import { KvCache, type Retention } from './kv-cache.js';
import { Sequence } from './sequence.js';
import { DecodeRun } from './decode-run.js';

export interface EngineConfig {
  /** Tokens per step (decode tokens + prefill chunk tokens). */
  maxBatchTokens: number;
  /** Sequences per step. */
  maxSeqs: number;
  policy: 'decode-first' | 'prefill-first';
  blockTokens: number;
  prefixCaching: boolean;
  retention: Retention;
  preemption: 'recompute' | 'swap';
  /** Interactive requests that cannot be admitted preempt running background ones. */
  preemptBackground: boolean;
  /** Host link for swapping preempted sequences' KV out and in. */
  swapBytesPerSecond: number;
  /**
   * Compute runs of unchanging decode steps in one event (DecodeRun). Results are identical
   * either way; false single-steps (the equivalence test runs every scenario both ways).
   */
  coalesceSteps: boolean;
}

export const DEFAULT_ENGINE: EngineConfig = {
  maxBatchTokens: 8192,
  maxSeqs: 256,
  policy: 'decode-first',
  blockTokens: 16,
  prefixCaching: true,
  retention: { kind: 'keep' },
  preemption: 'recompute',
  preemptBackground: false,
  swapBytesPerSecond: 32e9,
  coalesceSteps: true,
};

export interface ReplicaStats {
  steps: number;
  busySeconds: number;
  completed: number;
  rejected: number;
  preemptions: number;
  generatedTokens: number;
  prefilledTokens: number;
}

export class Replica {
  readonly kv: KvCache;
  /** Blocks each running sequence holds for its capped layers' KV (DESIGN.md §5). */
  private readonly reserveBlocks: number;
  private readonly counters: ReplicaStats = { steps: 0, busySeconds: 0, completed: 0, rejected: 0, preemptions: 0, generatedTokens: 0, prefilledTokens: 0 };
  // By priority: interactive, background. Admitted sequences leave at once (bounded memory).
  private readonly waiting = [new Denque<Sequence>(), new Denque<Sequence>()];
  /** Both queues' lengths (routers read it per request and replica: kept, not summed). */
  private waitingTotal = 0;
  private running: Sequence[] = [];
  private busy = false;
  private wakeAt = Infinity;
  private orderCounter = 0;
  private batch: Sequence[] = [];
  private scratch: Sequence[] = [];
  private readonly stepRecord: StepRecord;
  private budget = 0;
  private readonly run = new DecodeRun();
  private readonly shape: BatchShape = { decodeSeqs: 0, decodeContextSum: 0, prefillSeqs: 0, prefillTokens: 0, prefillContextSum: 0, prefillAttentionPairs: 0 };

  private readonly tokensPerStep: number;
  private readonly tokensPerStepCeil: number;
  /** Called when `outstanding` changes (the router's load index listens). */
  onLoadChange?: () => void;

  constructor(
    readonly name: string,
    private readonly sim: Simulation,
    readonly perf: PerfModel,
    readonly config: EngineConfig,
    /** The model's context limit (prompt + output). */
    private readonly contextLimit: number,
    private readonly observer: SimObserver = {},
  ) {
    this.stepRecord = { replica: name, start: 0, seconds: 0, decodeSeqs: 0, prefillTokens: 0, waiting: 0, running: 0, kvUsed: 0 };
    this.tokensPerStep = perf.tokensPerStep ?? 1;
    this.tokensPerStepCeil = Math.ceil(this.tokensPerStep);
    const blocks = Math.floor(perf.fit.kvCapacityTokens / config.blockTokens);
    this.reserveBlocks = Math.ceil(perf.fit.kvReserveTokensPerSequence / config.blockTokens);
    this.kv = new KvCache({
      capacityBlocks: blocks,
      blockTokens: config.blockTokens,
      kvBytesPerToken: perf.fit.kvBytesPerToken,
      prefixCaching: config.prefixCaching,
      retention: config.retention,
    });
  }

  /** Counters up to now (the steps of a pending decode run that started by now included). */
  get stats(): Readonly<ReplicaStats> {
    this.settle(this.sim.now);
    return this.counters;
  }

  /** Requests waiting or running. */
  get outstanding(): number {
    return this.waitingCount + this.running.length;
  }

  get waitingCount(): number {
    return this.waitingTotal;
  }

  get runningCount(): number {
    return this.running.length;
  }

  submit(req: LlmRequest, listener: RequestListener): void {
    const now = this.sim.now;
    if (req.phase !== 'decode') this.observer.onArrive?.(req, this.name, now);
    const total = req.inputTokens + req.outputTokens;
    const reason: RejectReason | undefined =
      total > this.contextLimit ? 'exceeds_context_limit' : this.kv.blocksFor(total) + this.reserveBlocks > this.kv.capacityBlocks ? 'exceeds_kv_capacity' : undefined;
    if (reason) {
      this.counters.rejected++;
      this.observer.onReject?.(req, now, reason);
      listener.onReject?.(reason);
      return;
    }
    if (this.run.length > 0) this.cutRun(now);
    const priority = req.cls === 'interactive' ? 0 : 1;
    this.waiting[priority].push(new Sequence(req, listener, priority, this.orderCounter++));
    this.waitingTotal++;
    this.onLoadChange?.();
    this.kick();
  }

  /** Whether the KV blocks this request needs beyond its cached prefix are free (or evictable) now. */
  fitsNow(req: LlmRequest): boolean {
    const uncached = req.inputTokens - this.kv.cachedPrefixTokens(req.segments);
    return this.kv.blocksFor(uncached + req.outputTokens) <= this.kv.available(this.sim.now);
  }

  /** Tokens of this prompt already cached here (prefix-aware routing). */
  cachedPrefixTokens(segments: readonly Segment[]): number {
    return this.kv.cachedPrefixTokens(segments);
  }

  private kick(): void {
    if (!this.busy) this.step();
  }

  private step(): void {
    const now = this.sim.now;
    const shape = this.shape;
    this.batch.length = 0;
    shape.decodeSeqs = shape.decodeContextSum = shape.prefillSeqs = shape.prefillTokens = shape.prefillContextSum = shape.prefillAttentionPairs = 0;
    this.budget = this.config.maxBatchTokens;
    if (this.config.policy === 'decode-first') {
      this.addDecodes(now);
      this.addPrefills(now);
    } else {
      this.addPrefills(now);
      this.addDecodes(now);
    }
    const batch = this.batch;
    if (batch.length === 0) {
      this.busy = false;
      // Someone is waiting for a reload: wake then.
      let next = Infinity;
      for (const s of this.running) if (s.readyAt > now) next = Math.min(next, s.readyAt);
      if (next < Infinity && next < this.wakeAt) {
        this.wakeAt = next;
        this.sim.at(next, this.wake);
      }
      return;
    }
    const cost = this.perf.step(shape);
    this.busy = true;
    this.startedStep(now, cost.seconds, shape.decodeSeqs, shape.prefillTokens);
    // finishStep reads this.batch before the next step() refills it (steps never overlap).
    if (this.coalescable() && this.planRun(now, cost.seconds) > 1) {
      this.run.event = this.sim.at(this.run.starts[this.run.length], this.runEnd);
    } else {
      this.run.length = 0;
      this.sim.schedule(cost.seconds, this.stepEnd);
    }
  }

  /** A step's start: stats and the step record. */
  private startedStep(start: number, seconds: number, decodeSeqs: number, prefillTokens: number): void {
    this.counters.steps++;
    this.counters.busySeconds += seconds;
    if (this.observer.onStep) {
      // One record reused for every step: observers read it, they do not keep it.
      const r = this.stepRecord;
      r.start = start;
      r.seconds = seconds;
      r.decodeSeqs = decodeSeqs;
      r.prefillTokens = prefillTokens;
      r.waiting = this.waitingCount;
      r.running = this.running.length;
      r.kvUsed = this.kv.usedBlocks / Math.max(1, this.kv.capacityBlocks);
      this.observer.onStep(r);
    }
  }

  /** The batch cannot change before a sequence's next visible event (see DecodeRun). */
  private coalescable(): boolean {
    return (
      this.config.coalesceSteps &&
      this.tokensPerStep === 1 &&
      this.shape.prefillSeqs === 0 &&
      this.waitingCount === 0 &&
      this.batch.length === this.running.length
    );
  }

  private planRun(now: number, firstSeconds: number): number {
    const kv = this.kv;
    // TTL retention expires entries whenever blocks are taken: a run takes none then, unless nothing can expire.
    const free = this.config.retention.kind === 'ttl' && kv.evictableBlocks > 0 ? 0 : kv.capacityBlocks - kv.usedBlocks;
    return this.run.plan(this.batch, this.shape, now, firstSeconds, this.stepSeconds, kv.blockTokens, free);
  }

  private readonly stepSeconds = (shape: BatchShape): number => this.perf.step(shape).seconds;

  /** Apply the starts of the run's steps that began by `time`, in order. */
  private syncRun(time: number): void {
    const run = this.run;
    while (run.started < run.length && run.starts[run.started] <= time) {
      const i = run.started++;
      const blocks = run.blocks[i] - run.blocks[i - 1];
      if (!this.kv.allocate(blocks, run.starts[i])) throw new Error(`${this.name}: a decode run's planned blocks were not free`);
      this.startedStep(run.starts[i], run.costs[i], this.batch.length, 0);
    }
  }

  /** Give the sequences the tokens (and blocks) of the run's first `steps` steps. */
  private finishRunSteps(steps: number): void {
    const run = this.run;
    const tokens = steps - run.finished;
    if (tokens <= 0) return;
    const blockTokens = this.kv.blockTokens;
    for (const s of this.batch) {
      s.generated += tokens;
      s.ownBlocks = Math.max(s.ownBlocks, Math.ceil((s.runOwnTokens + run.started) / blockTokens));
    }
    this.counters.generatedTokens += tokens * this.batch.length;
    run.finished = steps;
  }

  /** An arrival: the run stops at the end of the step in progress, where the next step admits it. */
  private cutRun(now: number): void {
    const run = this.run;
    this.syncRun(now);
    if (run.started < run.length) {
      run.length = run.started;
      this.sim.cancel(run.event);
      run.event = this.sim.at(run.starts[run.length], this.runEnd);
    }
  }

  /** Account for the steps of a pending run that started by `now` (before reading results). */
  settle(now: number): void {
    if (this.run.length === 0) return;
    this.syncRun(now);
    this.finishRunSteps(this.run.started - 1);
  }

  private readonly stepEnd = (): void => this.finishStep(this.batch);
  private readonly runEnd = (): void => {
    this.syncRun(this.sim.now);
    this.finishRunSteps(this.run.length - 1);
    this.run.length = 0;
    // The run's last step ends like any step: its token may be visible, or complete a sequence.
    this.finishStep(this.batch);
  };
  private readonly wake = (): void => {
    this.wakeAt = Infinity;
    this.kick();
  };

  private hasRoom(): boolean {
    return this.budget > 0 && this.batch.length < this.config.maxSeqs;
  }

  private addDecode(s: Sequence): void {
    if (!this.ensureBlocks(s, s.ownTokens + this.tokensPerStepCeil)) return;
    s.chunk = 0;
    s.inBatch = true;
    this.batch.push(s);
    this.budget--;
    this.shape.decodeSeqs++;
    this.shape.decodeContextSum += s.context;
  }

  private addDecodes(now: number): void {
    // A snapshot: making room may preempt sequences out of `running`.
    const snapshot = this.scratch;
    snapshot.length = 0;
    for (const s of this.running) snapshot.push(s);
    for (const s of snapshot) {
      if (!this.hasRoom()) break;
      if (s.running && !s.inBatch && s.done >= s.prompt && s.readyAt <= now) this.addDecode(s);
    }
    snapshot.length = 0;
  }

  private addPrefill(s: Sequence): void {
    const chunk = Math.min(s.prompt - s.done, this.budget);
    if (chunk <= 0) return;
    s.chunk = chunk;
    s.inBatch = true;
    this.batch.push(s);
    this.budget -= chunk;
    const shape = this.shape;
    shape.prefillSeqs++;
    shape.prefillTokens += chunk;
    shape.prefillContextSum += s.done;
    shape.prefillAttentionPairs += chunk * s.done + (chunk * (chunk + 1)) / 2;
  }

  private addPrefills(now: number): void {
    for (const s of this.running) {
      if (!this.hasRoom()) return;
      if (s.done < s.prompt && s.readyAt <= now && !s.inBatch) this.addPrefill(s);
    }
    this.admit(now);
  }

  /** Admit waiting sequences (interactive first) while the step has room and blocks allow. */
  private admit(now: number): void {
    for (let p = 0; p < 2; p++) {
      const queue = this.waiting[p];
      while (queue.length > 0 && this.hasRoom()) {
        const s = queue.peekFront()!;
        const match = this.kv.match(s.req.segments.length > 0 && s.swappedTokens === 0 && s.prompt === s.req.inputTokens ? s.req.segments : [], now);
        const ready = s.req.kvReadyTokens ?? 0;
        const fromCache = match.cachedTokens + match.reloadTokens;
        const need = this.kv.blocksFor(Math.max(0, s.prompt - fromCache) + 1) + this.reserveBlocks;
        let ok = this.tryAllocate(need, now);
        if (!ok && p === 0 && this.config.preemptBackground) {
          while (!ok && this.preemptVictim(1)) ok = this.tryAllocate(need, now);
        }
        if (!ok) {
          // Head-of-line: wait for running sequences to finish and free blocks. (submit() rejected
          // anything that could not fit in an empty replica, so this cannot wait forever.)
          this.kv.unpin(match.entries, now);
          return;
        }
        queue.shift();
        this.waitingTotal--;
        s.ownBlocks = need - this.reserveBlocks;
        s.reserveBlocks = this.reserveBlocks;
        s.pinned = match.entries;
        s.pinnedTokens = fromCache;
        let reloadSeconds = match.reloadSeconds;
        if (s.swappedTokens > 0) {
          // Swap-in: the KV comes back from host memory instead of being recomputed.
          reloadSeconds += (s.swappedTokens * this.perf.fit.kvBytesPerToken) / this.config.swapBytesPerSecond;
          s.done = s.prompt;
          s.swappedTokens = 0;
        } else {
          s.done = Math.min(s.prompt, fromCache + ready);
        }
        s.readyAt = now + reloadSeconds;
        s.running = true;
        this.running.push(s);
        if (s.req.phase !== 'decode') this.observer.onAdmit?.(s.req, this.name, now, fromCache, reloadSeconds);
        // Into this step at once: a prefill chunk, or (KV arrived with it, disaggregated) a decode.
        if (s.readyAt <= now) {
          if (s.done < s.prompt) this.addPrefill(s);
          else this.addDecode(s);
        }
      }
    }
  }

  /**
   * Blocks for an admission. One block of growth per running sequence stays free (a watermark):
   * admitting into the last free blocks only forces a preemption a few steps later.
   */
  private tryAllocate(blocks: number, now: number): boolean {
    return this.kv.available(now) >= blocks + this.running.length && this.kv.allocate(blocks, now);
  }

  /** Make sure `s` owns blocks for `tokens` own tokens; preempt others (or `s`) if needed. */
  private ensureBlocks(s: Sequence, tokens: number): boolean {
    const need = this.kv.blocksFor(tokens) - s.ownBlocks;
    if (need <= 0) return true;
    const now = this.sim.now;
    while (!this.kv.allocate(need, now)) {
      if (!this.preemptVictim(0, s)) {
        this.preempt(s);
        return false;
      }
    }
    s.ownBlocks += need;
    return true;
  }

  /** Preempt the lowest-priority, latest-admitted running sequence of priority ≥ `minPriority` (not `keep`). */
  private preemptVictim(minPriority: number, keep?: Sequence): boolean {
    let victim: Sequence | undefined;
    for (const s of this.running) {
      if (s === keep || s.priority < minPriority || s.inBatch) continue;
      if (!victim || s.priority > victim.priority || (s.priority === victim.priority && s.order > victim.order)) victim = s;
    }
    if (!victim) return false;
    this.preempt(victim);
    return true;
  }

  private preempt(s: Sequence): void {
    const now = this.sim.now;
    this.running.splice(this.running.indexOf(s), 1);
    s.running = false;
    if (this.config.preemption === 'swap') s.swappedTokens = Math.max(1, s.ownTokens);
    else {
      // Recompute: the output so far becomes part of the prompt to prefill again.
      s.prompt = s.req.inputTokens + s.generated;
    }
    this.kv.release(s.ownBlocks + s.reserveBlocks);
    s.reserveBlocks = 0;
    this.kv.unpin(s.pinned, now);
    s.ownBlocks = 0;
    s.pinned = [];
    s.pinnedTokens = 0;
    s.done = 0;
    this.counters.preemptions++;
    this.observer.onPreempt?.(s.req, now);
    // Back to the front of its queue.
    this.waiting[s.priority].unshift(s);
    this.waitingTotal++;
  }

  private finishStep(members: Sequence[]): void {
    const now = this.sim.now;
    for (const s of members) {
      s.inBatch = false;
      const wasDecoding = s.chunk === 0;
      if (s.chunk > 0) {
        s.done += s.chunk;
        this.counters.prefilledTokens += s.chunk;
        s.chunk = 0;
        if (s.done < s.prompt) continue;
      }
      // The step that completed a prefill yields one token; a decode step one, or with speculative
      // decoding tokensPerStep on average (at least one: the verify step always yields one).
      const before = s.generated;
      let tokens = 1;
      if (wasDecoding && this.tokensPerStep !== 1) {
        s.credit += this.tokensPerStep;
        tokens = Math.max(1, Math.floor(s.credit));
        s.credit -= tokens;
      }
      s.generated = Math.min(s.req.outputTokens, s.generated + tokens);
      this.counters.generatedTokens += s.generated - before;
      if (before === 0 && s.req.phase !== 'decode') {
        this.observer.onFirstToken?.(s.req, now);
        s.listener.onFirstToken?.();
      }
      const visible = s.req.reasoningTokens + 1;
      if (before < visible && s.generated >= visible) {
        this.observer.onFirstVisibleToken?.(s.req, now);
        s.listener.onFirstVisibleToken?.();
      }
      if (s.generated >= s.req.outputTokens) this.complete(s, now);
    }
    this.busy = false;
    this.step();
  }

  private complete(s: Sequence, now: number): void {
    this.running.splice(this.running.indexOf(s), 1);
    s.running = false;
    this.kv.unpin(s.pinned, now);
    // The blocks it computed become cached segments: uncached prompt segments, then the output.
    const computed: Segment[] = [];
    let covered = 0;
    for (const seg of s.req.segments) {
      covered += seg.tokens;
      if (covered > s.pinnedTokens) computed.push(seg);
    }
    if (s.req.outputKey !== undefined) computed.push({ key: s.req.outputKey, tokens: s.req.outputTokens });
    this.kv.release(s.reserveBlocks);
    s.reserveBlocks = 0;
    this.kv.adopt(computed, s.ownBlocks, now);
    s.ownBlocks = 0;
    this.counters.completed++;
    this.onLoadChange?.();
    if (s.req.phase !== 'prefill') this.observer.onComplete?.(s.req, now);
    s.listener.onComplete();
  }
}
