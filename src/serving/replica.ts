/**
 * One replica: the engine loop of iteration-level continuous batching (vLLM-like) over a
 * performance model.
 *
 * Each step, the batching policy (serving/policies/) fills a StepBatch from the running and
 * waiting sequences under the token budget, the sequence cap and the KV limits (SequenceTable);
 * the perf model prices the batch, and one event is scheduled at its end, where every token of
 * the step is stamped. Runs of unchanging decode steps are computed in one event (DecodeRun).
 */
import type { Simulation } from '../kernel/index.js';
import { newStepCost, type BatchShape } from '../domain/batch.js';
import type { Continues, LlmRequest, RejectReason, RequestListener, Segment, SimObserver } from '../domain/request.js';
import type { PerfModel } from '../perf/index.js';
import type { KvCache } from './kv-cache.js';
import type { Sequence } from './sequence.js';
import { DecodeRun } from './decode-run.js';
import { StepReport } from './step-report.js';
import { SequenceTable } from './sequence-table.js';
import { StepBatch } from './step-batch.js';
import { POLICIES, type BatchPolicy } from './policies/index.js';
import type { EngineConfig, ReplicaStats } from './engine-config.js';
export { DEFAULT_ENGINE, type EngineConfig, type ReplicaStats } from './engine-config.js';

/** The perf model writes each step's cost here and the replica reads it at once: steps never interleave, so every replica shares it. */
const STEP_COST = newStepCost();

export class Replica {
  private readonly table: SequenceTable;
  private readonly next: StepBatch;
  private readonly policy: BatchPolicy;
  private readonly counters: ReplicaStats = { steps: 0, busySeconds: 0, completed: 0, rejected: 0, preemptions: 0, generatedTokens: 0, prefilledTokens: 0 };
  private busy = false;
  private wakeAt = Infinity;
  private readonly run = new DecodeRun();
  private readonly report: StepReport;
  /** Tokens a decode step yields on average (speculative decoding: more than one). */
  private readonly tokensPerStep: number;
  /** The router's load index (the pool's, not a closure per replica: fewer objects to fetch), told when `outstanding` changes; this replica is its entry `loadSlot`. */
  loadIndex?: { set(slot: number, load: number): void };
  loadSlot = 0;

  constructor(
    readonly name: string,
    private readonly sim: Simulation,
    readonly perf: PerfModel,
    readonly config: EngineConfig,
    /** The model's context limit (prompt + output). */
    private readonly contextLimit: number,
    private readonly observer: SimObserver = {},
    /** Its number in its system (StepRecord.replicaNumber), -1: none. */
    readonly replicaNumber = -1,
  ) {
    this.tokensPerStep = perf.tokensPerStep ?? 1;
    this.table = new SequenceTable(name, config, perf.fit, observer);
    this.next = new StepBatch(this.table, config.maxBatchTokens, config.maxSeqs, Math.ceil(this.tokensPerStep));
    this.policy = POLICIES[config.policy];
    this.report = new StepReport(name, replicaNumber, observer, this.table, this.next);
  }

  get kv(): KvCache {
    return this.table.kv;
  }

  /** Counters up to now (the steps of a pending decode run that started by now included). */
  get stats(): Readonly<ReplicaStats> {
    this.settle(this.sim.now);
    this.counters.preemptions = this.table.preemptions;
    return this.counters;
  }

  /** Requests waiting or running. */
  get outstanding(): number {
    return this.table.waitingCount + this.table.running.length;
  }

  get waitingCount(): number {
    return this.table.waitingCount;
  }

  get runningCount(): number {
    return this.table.running.length;
  }

  submit(req: LlmRequest, listener: RequestListener): void {
    const now = this.sim.now;
    if (req.phase !== 'decode') this.observer.onArrive?.(req, this.name, now, this.replicaNumber);
    const total = req.inputTokens + req.outputTokens;
    const reason: RejectReason | undefined = total > this.contextLimit ? 'exceeds_context_limit' : !this.table.fitsEmpty(total) ? 'exceeds_kv_capacity' : undefined;
    if (reason) {
      this.counters.rejected++;
      this.observer.onReject?.(req, now, reason);
      listener.onReject?.(reason);
      return;
    }
    if (this.run.length > 0) this.cutRun(now);
    this.table.enqueue(req, listener);
    this.loadChanged();
    if (!this.busy) this.step();
  }

  private loadChanged(): void {
    this.loadIndex?.set(this.loadSlot, this.outstanding);
  }

  /** Whether the KV blocks this request needs beyond its cached prefix are free (or evictable) now. */
  fitsNow(req: LlmRequest): boolean {
    const uncached = req.inputTokens - this.kv.cachedPrefixTokens(req.segments, req.continues);
    return this.kv.blocksFor(uncached + req.outputTokens) <= this.kv.available(this.sim.now);
  }

  /** Tokens of this prompt already cached here (prefix-aware routing). */
  cachedPrefixTokens(segments: readonly Segment[], continues?: Continues): number {
    return this.kv.cachedPrefixTokens(segments, continues);
  }

  private step(): void {
    const now = this.sim.now;
    const next = this.next;
    next.reset();
    this.policy.fill(next, now);
    if (next.members.length === 0) {
      this.busy = false;
      this.wakeForReload(now);
      return;
    }
    const seconds = this.perf.step(next.shape, STEP_COST).seconds;
    this.busy = true;
    this.startedStep(now, seconds, next.shape.decodeSeqs, next.shape.prefillTokens);
    // finishStep reads the batch before the next step() refills it (steps never overlap).
    if (this.coalescable() && this.planRun(now, seconds) > 1) {
      this.run.event = this.sim.at(this.run.starts[this.run.length], this.runEnd);
    } else {
      if (this.run.length > 0) this.run.release();
      this.sim.schedule(seconds, this.stepEnd);
    }
  }

  /** Nothing to run, but someone waits for a KV reload: wake when it is in. */
  private wakeForReload(now: number): void {
    let next = Infinity;
    for (const s of this.table.running) if (s.readyAt > now) next = Math.min(next, s.readyAt);
    if (next < Infinity && next < this.wakeAt) {
      this.wakeAt = next;
      this.sim.at(next, this.wake);
    }
  }

  /** A step's start: stats and the step record. */
  private startedStep(start: number, seconds: number, decodeSeqs: number, prefillTokens: number): void {
    this.counters.steps++;
    this.counters.busySeconds += seconds;
    this.report.step(start, seconds, decodeSeqs, prefillTokens);
  }

  /** The batch cannot change before a sequence's next visible event (see DecodeRun). */
  private coalescable(): boolean {
    return (
      this.config.coalesceSteps &&
      this.tokensPerStep === 1 &&
      this.next.shape.prefillSeqs === 0 &&
      this.table.waitingCount === 0 &&
      this.next.members.length === this.table.running.length
    );
  }

  private planRun(now: number, firstSeconds: number): number {
    const kv = this.kv;
    // TTL retention expires entries whenever blocks are taken: a run takes none then, unless nothing can expire.
    const free = this.config.retention.kind === 'ttl' && kv.evictableBlocks > 0 ? 0 : kv.capacityBlocks - kv.usedBlocks;
    return this.run.plan(this.next.members, this.next.shape, now, firstSeconds, this.stepSeconds, kv.blockTokens, free);
  }

  private readonly stepSeconds = (shape: BatchShape): number => this.perf.step(shape, STEP_COST).seconds;

  /**
   * Apply the starts of the run's steps that began by `time`, in order: their blocks (planned to
   * be free, so taken at once), stats and step records (in one onDecodeSteps call if observed so).
   */
  private syncRun(time: number): void {
    const run = this.run;
    run.reach(time);
    const from = run.started;
    // Starts increase: at the run's end (the usual call) every step has started.
    let to = run.starts[run.length - 1] <= time ? run.length : from;
    while (to < run.length && run.starts[to] <= time) to++;
    if (to === from) return;
    const kv = this.kv;
    const used = kv.usedBlocks;
    const taken = run.blocks[from - 1];
    if (!kv.allocate(run.blocks[to - 1] - taken, run.starts[to - 1])) throw new Error(`${this.name}: a decode run's planned blocks were not free`);
    const capacity = Math.max(1, kv.capacityBlocks);
    let busy = this.counters.busySeconds; // the same additions, in a register
    for (let i = from; i < to; i++) {
      busy += run.costs[i];
      run.kvUsed[i] = (used + run.blocks[i] - taken) / capacity;
    }
    this.counters.busySeconds = busy;
    this.counters.steps += to - from;
    run.started = to;
    this.report.decodeSteps(run, from, to);
  }

  /** Give the sequences the tokens (and blocks) of the run's first `steps` steps. */
  private finishRunSteps(steps: number): void {
    const run = this.run;
    const tokens = steps - run.finished;
    if (tokens <= 0) return;
    const blockTokens = this.kv.blockTokens;
    for (const s of this.next.members) {
      s.generated += tokens;
      s.ownBlocks = Math.max(s.ownBlocks, Math.ceil((s.runOwnTokens + run.started) / blockTokens));
    }
    this.counters.generatedTokens += tokens * this.next.members.length;
    run.finished = steps;
  }

  /** An arrival: the run stops at the end of the step in progress, where the next step admits it. */
  private cutRun(now: number): void {
    const run = this.run;
    this.syncRun(now);
    if (run.started < run.length || run.open) {
      run.cut();
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

  private readonly stepEnd = (): void => this.finishStep(this.next.members);
  private readonly runEnd = (): void => {
    const run = this.run;
    // Its planned steps end here and more follow: the event moves to their end, keeping its place.
    if (run.extended(this.sim.now)) return void (run.event = this.sim.again(run.starts[run.length]));
    this.syncRun(this.sim.now);
    this.finishRunSteps(run.length - 1);
    run.ended();
    // The run's last step ends like any step: its token may be visible, or complete a sequence.
    this.finishStep(this.next.members);
  };
  private readonly wake = (): void => {
    this.wakeAt = Infinity;
    if (!this.busy) this.step();
  };

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
      this.yieldTokens(s, wasDecoding, now);
    }
    this.busy = false;
    this.step();
  }

  /**
   * The step that completed a prefill yields one token; a decode step one, or with speculative
   * decoding tokensPerStep on average (at least one: the verify step always yields one).
   */
  private yieldTokens(s: Sequence, wasDecoding: boolean, now: number): void {
    const before = s.generated;
    let tokens = 1;
    if (wasDecoding && this.tokensPerStep !== 1) {
      s.credit += this.tokensPerStep;
      tokens = Math.max(1, Math.floor(s.credit));
      s.credit -= tokens;
    }
    s.generated = Math.min(s.req.outputTokens, s.generated + tokens);
    this.counters.generatedTokens += s.generated - before;
    // A disaggregated request's decode half reports neither arrival nor first token; its prefill half no completion.
    if (before === 0 && s.req.phase !== 'decode') {
      this.observer.onFirstToken?.(s.req, now);
      s.listener.onFirstToken?.();
    }
    const visible = s.req.reasoningTokens + 1;
    if (before < visible && s.generated >= visible) {
      this.observer.onFirstVisibleToken?.(s.req, now);
      s.listener.onFirstVisibleToken?.();
    }
    if (s.generated >= s.req.outputTokens) {
      this.table.complete(s, now);
      this.counters.completed++;
      this.loadChanged();
      if (s.req.phase !== 'prefill') this.observer.onComplete?.(s.req, now);
      s.listener.onComplete();
    }
  }
}
