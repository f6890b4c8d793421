/**
 * The observer that records the life of each request and session (DESIGN.md §9). Each finished
 * request becomes a RequestRecord, handed to `onRecord` (requests.csv streams them) and folded
 * into per-class accumulators; nothing per request is kept after it finishes, so memory stays
 * bounded whatever the run's length (with `exact: false` the accumulators are histograms too).
 * `onRecord` is lent the record for the call (its object is filled again later): copy what you keep.
 */
import type { LlmRequest, NetworkLeg, RejectReason, RequestClass, SessionRecord, SimObserver, StepRecord } from '../domain/request.js';
import type { Assert, SameKinds } from '../domain/kinds.js';
import { Exact, LogHistogram, type Quantiles } from './quantiles.js';
import { addStages, blankRecord, latencies, newClassStats, sentRecord, type ClassStats, type LatencyMetric, type RequestRecord, type RequestSlo } from './request-record.js';
import { fold, FNV_OFFSET } from './fingerprint-hash.js';
import { ReplicaSteps, type TimePoint } from './replica-steps.js';

export * from './request-record.js';
export type { TimePoint } from './replica-steps.js';

/**
 * The request's record while it is open (sent, not yet completed, rejected or given up): the one
 * onSend put on it. A finished record has its outcome, so a copy of the request that still
 * carries it (a disaggregated half, a retry before its own send) finds nothing, as a lookup by id
 * in the open map would. Until finishRun every open record is 'unfinished' and every other is not.
 */
function openRecord(r: LlmRequest): RequestRecord | undefined {
  const rec = r.record as RequestRecord | undefined;
  // Its id too: a finished record's object may be another request's by now.
  return rec !== undefined && rec.outcome === 'unfinished' && rec.id === r.id ? rec : undefined;
}

/** Add x unless it is NaN (a latency a request does not have). */
function addNumber(q: Quantiles, x: number): void {
  if (!Number.isNaN(x)) q.add(x);
}

/** Every latency metric but ITL, whose distribution comes from the steps: finish() adds each of these. */
export type FinishAddsEveryMetric = Assert<SameKinds<Exclude<LatencyMetric, 'itl'>, 'ttft' | 'tpot' | 'e2el' | 'ttfvt' | 'server_ttft' | 'queue'>>;

export class MetricsRecorder implements SimObserver {
  readonly classes = new Map<RequestClass, ClassStats>();
  /**
   * Open records in send order (finishRun's), finished ones among them until compacted. Not a
   * Map by (unique) id: a V8 Map's rehash leaves the old table pointing to the new one, so a dead
   * old-space table keeps every later table and its records through each scavenge (~2 MB
   * promoted per scavenge in a fleet run).
   */
  private open: RequestRecord[] = [];
  private openCount = 0;
  /** Finished records compact() took out of `open`: onSend fills them again (no object per request). */
  private readonly spare: RequestRecord[] = [];
  /** finish() writes each request's latencies here. */
  private readonly latencies = {} as Record<LatencyMetric, number>;
  /**
   * FNV-1a over every finished request (in completion order) and, per replica, over its steps
   * (in step order): a fingerprint of the run's event sequence. Steps are hashed per replica
   * because a replica may report a run of decode steps after other replicas' later steps.
   */
  private hash = FNV_OFFSET;
  private readonly replicas: ReplicaSteps;

  constructor(
    readonly system: string,
    private readonly o: {
      exact: boolean;
      bucketSeconds: number;
      slo: Partial<Record<RequestClass, RequestSlo>>;
      onRecord?: (r: RequestRecord) => void;
      onSession?: (s: SessionRecord & { system: string }) => void;
      /** Every batch step (for timelines). */
      onStepRecord?: (s: StepRecord) => void;
      /** Called on every send, with the time (lets a run stop after a request budget). */
      onSent?: (t: number) => void;
      /** The measured window (warm-up end to horizon): requests sent and jobs started outside it are only counted. */
      window: { start: number; end: number };
    },
  ) {
    this.replicas = new ReplicaSteps(o.bucketSeconds, o.window);
  }

  /** Requests sent, and sessions started, outside the window (warm-up or drain), by outcome. */
  readonly outside = { completed: 0, rejected: 0, unfinished: 0, gave_up: 0, sessions: 0 };
  /** Prompt tokens of requests first admitted inside the window (for total-token throughput). */
  inputTokensAdmittedInWindow = 0;
  private openSessions = new Map<number, SessionRecord>();

  private inWindow(t: number): boolean {
    return t >= this.o.window.start && t < this.o.window.end;
  }

  stats(cls: RequestClass): ClassStats {
    let s = this.classes.get(cls);
    if (!s) {
      s = newClassStats(() => (this.o.exact ? new Exact() : new LogHistogram()));
      this.classes.set(cls, s);
    }
    return s;
  }

  onSend(r: LlmRequest, t: number, leg: NetworkLeg): void {
    this.o.onSent?.(t);
    const rec = this.spare.pop() ?? blankRecord();
    sentRecord(rec, this.system, r, t, leg);
    if (this.open.length >= 2 * this.openCount + 64) this.compact();
    this.open.push(rec);
    this.openCount++;
    r.record = rec;
  }
  onArrive(r: LlmRequest, replica: string, t: number, replicaNumber = -1): void {
    const rec = openRecord(r);
    if (rec) {
      rec.arrive = t;
      rec.replica = replica;
    }
    this.replicas.arrival(this.replicas.indexOf(replica, replicaNumber), t);
  }
  onAdmit(r: LlmRequest, _replica: string, t: number, cached: number, reload: number): void {
    const rec = openRecord(r);
    if (rec && Number.isNaN(rec.admit)) {
      if (this.inWindow(t)) this.inputTokensAdmittedInWindow += r.inputTokens;
      rec.admit = t;
      rec.cached = cached;
      rec.reloadSeconds = reload;
    }
  }
  onFirstToken(r: LlmRequest, t: number): void {
    const rec = openRecord(r);
    if (rec) rec.serverFirst = t;
  }
  onComplete(r: LlmRequest, t: number): void {
    const rec = openRecord(r);
    if (rec) rec.serverDone = t;
  }
  onPreempt(r: LlmRequest): void {
    const rec = openRecord(r);
    if (rec) rec.preemptions++;
  }
  onClientFirstToken(r: LlmRequest, t: number): void {
    const rec = openRecord(r);
    if (rec) rec.clientFirst = t;
  }
  onClientFirstVisibleToken(r: LlmRequest, t: number): void {
    const rec = openRecord(r);
    if (rec) rec.clientFirstVisible = t;
  }
  onReject(r: LlmRequest, _t: number, reason: RejectReason): void {
    const rec = openRecord(r);
    if (!rec) return;
    rec.outcome = 'rejected';
    rec.rejectReason = reason;
    this.openCount--;
    if (this.inWindow(rec.send)) {
      const s = this.stats(r.cls);
      s.rejected++;
      s.rejectedBy[reason]++;
    } else this.outside.rejected++;
    this.o.onRecord?.(rec);
  }
  onGiveUp(r: LlmRequest): void {
    const rec = openRecord(r);
    if (!rec) return;
    rec.outcome = 'gave_up';
    this.openCount--;
    if (this.inWindow(rec.send)) this.stats(r.cls).gaveUp++;
    else this.outside.gave_up++;
    this.o.onRecord?.(rec);
  }

  onClientComplete(r: LlmRequest, t: number): void {
    const rec = openRecord(r);
    if (!rec) return;
    rec.clientDone = t;
    this.openCount--;
    this.finish(rec);
  }

  /** Drop the finished records from `open`, in place (to `spare`: each is in `open` once). */
  private compact(): void {
    let n = 0;
    for (const rec of this.open) {
      if (rec.outcome === 'unfinished') this.open[n++] = rec;
      else this.spare.push(rec);
    }
    this.open.length = n;
  }

  private finish(rec: RequestRecord): void {
    this.fold(rec.id);
    this.fold(rec.clientDone);
    rec.outcome = 'completed';
    if (!this.inWindow(rec.send)) {
      this.outside.completed++;
      this.o.onRecord?.(rec);
      return;
    }
    const s = this.stats(rec.cls);
    const l = latencies(rec, this.latencies);
    // ITL's distribution is of every gap, from the steps (finishRun), not of requests' means.
    // The other metrics one by one (a loop over LATENCY_METRICS reads both objects by key).
    const q = s.metrics;
    addNumber(q.ttft, l.ttft);
    addNumber(q.tpot, l.tpot);
    addNumber(q.e2el, l.e2el);
    addNumber(q.ttfvt, l.ttfvt);
    addNumber(q.server_ttft, l.server_ttft);
    addNumber(q.queue, l.queue);
    s.requests++;
    s.preemptions += rec.preemptions;
    s.inputTokens += rec.input;
    s.cachedTokens += rec.cached;
    s.outputTokens += rec.output;
    s.reasoningTokens += rec.reasoning;
    addStages(s.stages, rec);
    const slo = this.o.slo[rec.cls];
    if (
      !slo ||
      ((slo.ttftSeconds === undefined || l.ttft <= slo.ttftSeconds) &&
        (slo.tpotSeconds === undefined || Number.isNaN(l.tpot) || l.tpot <= slo.tpotSeconds) &&
        (slo.e2eSeconds === undefined || l.e2el <= slo.e2eSeconds))
    ) {
      s.good++;
    }
    this.o.onRecord?.(rec);
  }

  onSessionBegin(session: SessionRecord): void {
    this.openSessions.set(session.id, session);
  }

  onSessionEnd(session: SessionRecord): void {
    this.openSessions.delete(session.id);
    if (!this.inWindow(session.start)) this.outside.sessions++;
    else {
      const s = this.stats(session.cls);
      s.sessions++;
      s.sessionStartup += session.startupSeconds;
      s.sessionGaps += session.gapSeconds;
      s.sessionRequests += session.requests;
      if (session.kind === 'agent') {
        s.jobs[session.outcome]++;
        if (session.outcome === 'completed') s.jobSeconds.add(session.end - session.start);
      }
    }
    this.o.onSession?.({ ...session, system: this.system });
  }

  /**
   * The run is over at `t` (the drain ended): every request still in flight and every session
   * still running becomes unfinished, counted and handed on like the others.
   */
  finishRun(t: number): void {
    for (const rec of this.open) {
      if (rec.outcome !== 'unfinished') continue;
      if (this.inWindow(rec.send)) this.stats(rec.cls).unfinished++;
      else this.outside.unfinished++;
      this.o.onRecord?.(rec);
    }
    this.open = [];
    this.openCount = 0;
    for (const session of [...this.openSessions.values()]) {
      session.end = t;
      session.outcome = 'unfinished';
      this.onSessionEnd(session);
    }
    // Each class's gaps, merged over replicas in name order (the same sums however steps interleave).
    for (const [cls, s] of this.classes) s.metrics.itl = this.replicas.gapsOf(cls);
  }

  get fingerprint(): string {
    let hash = this.hash;
    for (const i of this.replicas.stepped) hash = fold(hash, this.replicas.hashOf(i));
    return (hash >>> 0).toString(16).padStart(8, '0');
  }

  private fold(x: number): void {
    this.hash = fold(this.hash, x);
  }

  onStep(step: StepRecord): void {
    this.o.onStepRecord?.(step);
    this.replicas.step(this.replicas.indexOf(step.replica, step.replicaNumber), step);
  }

  onDecodeSteps(step: StepRecord, starts: Float64Array, costs: Float64Array, kvUsed: Float64Array, from: number, to: number): void {
    if (this.o.onStepRecord) {
      // Someone keeps every step (a timeline): hand them on one by one.
      for (let i = from; i < to; i++) {
        step.start = starts[i];
        step.seconds = costs[i];
        step.kvUsed = kvUsed[i];
        this.onStep(step);
      }
      return;
    }
    this.replicas.steps(this.replicas.indexOf(step.replica, step.replicaNumber), step, starts, costs, kvUsed, from, to);
  }

  /** A replica's time series: a point per interval up to its last (none if it never appeared). */
  seriesOf(replica: string): TimePoint[] {
    return this.replicas.seriesOf(replica);
  }
}
