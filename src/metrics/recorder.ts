/**
 * The observer that records the life of each request and session (DESIGN.md §9). Each finished
 * request becomes a RequestRecord, handed to `onRecord` (requests.csv streams them) and folded
 * into per-class accumulators; nothing per request is kept after it finishes, so memory stays
 * bounded whatever the run's length (with `exact: false` the accumulators are histograms too).
 */
import { REJECT_REASONS, type LlmRequest, type NetworkLeg, type RejectReason, type RequestClass, type RequestOutcome, type SessionRecord, type SimObserver, type StepRecord } from '../domain/request.js';
import { Exact, LogHistogram, type Quantiles } from './quantiles.js';

export interface RequestRecord {
  system: string;
  id: number;
  session: number;
  cls: RequestClass;
  replica: string;
  send: number;
  arrive: number;
  admit: number;
  serverFirst: number;
  serverDone: number;
  clientFirst: number;
  clientFirstVisible: number;
  clientDone: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  preemptions: number;
  connect: number;
  upload: number;
  frontend: number;
  rtt: number;
  reloadSeconds: number;
  outcome: RequestOutcome;
  /** Set when the outcome is 'rejected'. */
  rejectReason: RejectReason | '';
}

/** Per-request thresholds a request must meet to count towards goodput. */
export interface RequestSlo {
  ttftSeconds?: number;
  tpotSeconds?: number;
  e2eSeconds?: number;
}

/**
 * Per-request latencies, in seconds, named as vLLM's benchmark names them (without the unit: the
 * outputs add `_ms`). `itl` is the request's mean gap between tokens after the first; the class's
 * ITL distribution weighs it by the request's gaps (output − 1), so its percentiles are over
 * gaps, as vLLM's are, with each request's gaps taken at their mean (the simulator computes a
 * decode run's tokens, not each token's arrival at the client).
 */
export const LATENCY_METRICS = ['ttft', 'tpot', 'itl', 'e2el', 'ttfvt', 'server_ttft', 'queue'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** A request's latencies in seconds, NaN where undefined. */
export function latencies(r: RequestRecord): Record<LatencyMetric, number> {
  const gap = r.output > 1 ? (r.clientDone - r.clientFirst) / (r.output - 1) : NaN;
  return {
    ttft: r.clientFirst - r.send,
    tpot: gap,
    itl: gap,
    e2el: r.clientDone - r.send,
    ttfvt: r.clientFirstVisible - r.send,
    server_ttft: r.serverFirst - r.arrive,
    queue: r.admit - r.arrive,
  };
}

/** How many observations a request's value of `m` stands for: its token gaps for ITL, else one. */
export function weightOf(m: LatencyMetric, r: RequestRecord): number {
  return m === 'itl' ? r.output - 1 : 1;
}

export type Stages = ClassStats['stages'];

/** Add where one finished request's time went (client ↔ server, queue, prefill, decode) to `into`. */
export function addStages(into: Stages, rec: RequestRecord): void {
  into.network += rec.arrive - rec.send + (rec.clientDone - rec.serverDone);
  into.queue += rec.admit - rec.arrive;
  into.prefill += rec.serverFirst - rec.admit;
  into.decode += rec.serverDone - rec.serverFirst;
}

/**
 * Per class, over the measured window: requests sent in [window.start, window.end) and jobs
 * started in it. Latencies are of completed requests; rejected and unfinished ones are counted.
 */
export interface ClassStats {
  metrics: Record<LatencyMetric, Quantiles>;
  /** Completion times of completed jobs; failed and unfinished jobs are counted in `jobs`. */
  jobSeconds: Quantiles;
  jobs: { completed: number; failed: number; unfinished: number };
  /** Completed requests. */
  requests: number;
  rejected: number;
  rejectedBy: Record<RejectReason, number>;
  unfinished: number;
  /** Attempts the client gave up on (timeout); a retry that completes is counted as completed. */
  gaveUp: number;
  preemptions: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  /** Of outputTokens: hidden reasoning tokens. */
  reasoningTokens: number;
  /** Seconds summed over requests, by stage. */
  stages: { network: number; queue: number; prefill: number; decode: number };
  sessions: number;
  sessionStartup: number;
  sessionGaps: number;
  sessionRequests: number;
  /** Requests meeting every per-request SLO threshold. */
  good: number;
}

export interface TimePoint {
  /** Requests that arrived at the replica in the bucket. */
  requests: number;
  /** Highest KV occupancy seen in the bucket. */
  kvPeak: number;
  busy: number;
  decodeSeqsTime: number;
  waitingTime: number;
  kvTime: number;
  steps: number;
}

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/** FNV-1a step over a double's exact bits (two 32-bit words). */
function fold(hash: number, x: number): number {
  BITS[0] = x;
  return Math.imul(Math.imul(hash ^ WORDS[0], 0x01000193) ^ WORDS[1], 0x01000193);
}

export class MetricsRecorder implements SimObserver {
  readonly classes = new Map<RequestClass, ClassStats>();
  /** Per replica, per time bucket. */
  readonly timeseries = new Map<string, TimePoint[]>();
  private open = new Map<number, RequestRecord>();
  /**
   * FNV-1a over every finished request (in completion order) and, per replica, over its steps
   * (in step order): a fingerprint of the run's event sequence. Steps are hashed per replica
   * because a replica may report a run of decode steps after other replicas' later steps.
   */
  private hash = 0x811c9dc5;
  private stepHashes: number[] = [];
  private stepSlots = new Map<string, number>();
  // The replica of the last step (a decode run reports many steps of one replica in a row).
  private lastReplica = '';
  private lastSeries: TimePoint[] = [];
  private lastSlot = 0;

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
  ) {}

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
      const q = () => (this.o.exact ? new Exact() : new LogHistogram());
      s = {
        metrics: Object.fromEntries(LATENCY_METRICS.map((m) => [m, q()])) as unknown as Record<LatencyMetric, Quantiles>,
        jobSeconds: q(),
        jobs: { completed: 0, failed: 0, unfinished: 0 },
        requests: 0, rejected: 0, unfinished: 0, gaveUp: 0, preemptions: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0,
        stages: { network: 0, queue: 0, prefill: 0, decode: 0 },
        sessions: 0, sessionStartup: 0, sessionGaps: 0, sessionRequests: 0, good: 0,
        rejectedBy: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>,
      };
      this.classes.set(cls, s);
    }
    return s;
  }

  onSend(r: LlmRequest, t: number, leg: NetworkLeg): void {
    this.o.onSent?.(t);
    this.open.set(r.id, {
      system: this.system, id: r.id, session: r.sessionId, cls: r.cls, replica: '', send: t, arrive: NaN, admit: NaN,
      serverFirst: NaN, serverDone: NaN, clientFirst: NaN, clientFirstVisible: NaN, clientDone: NaN,
      input: r.inputTokens, cached: 0, output: r.outputTokens, reasoning: r.reasoningTokens, preemptions: 0,
      connect: leg.connectSeconds, upload: leg.uploadSeconds, frontend: leg.frontendSeconds, rtt: leg.rttSeconds, reloadSeconds: 0, outcome: 'unfinished', rejectReason: '',
    });
  }
  onArrive(r: LlmRequest, replica: string, t: number): void {
    const rec = this.open.get(r.id);
    if (rec) {
      rec.arrive = t;
      rec.replica = replica;
    }
    this.bucket(this.seriesOf(replica), t).requests++;
  }
  onAdmit(r: LlmRequest, _replica: string, t: number, cached: number, reload: number): void {
    const rec = this.open.get(r.id);
    if (rec && Number.isNaN(rec.admit)) {
      if (this.inWindow(t)) this.inputTokensAdmittedInWindow += r.inputTokens;
      rec.admit = t;
      rec.cached = cached;
      rec.reloadSeconds = reload;
    }
  }
  onFirstToken(r: LlmRequest, t: number): void {
    const rec = this.open.get(r.id);
    if (rec) rec.serverFirst = t;
  }
  onComplete(r: LlmRequest, t: number): void {
    const rec = this.open.get(r.id);
    if (rec) rec.serverDone = t;
  }
  onPreempt(r: LlmRequest): void {
    const rec = this.open.get(r.id);
    if (rec) rec.preemptions++;
  }
  onClientFirstToken(r: LlmRequest, t: number): void {
    const rec = this.open.get(r.id);
    if (rec) rec.clientFirst = t;
  }
  onClientFirstVisibleToken(r: LlmRequest, t: number): void {
    const rec = this.open.get(r.id);
    if (rec) rec.clientFirstVisible = t;
  }
  onReject(r: LlmRequest, _t: number, reason: RejectReason): void {
    const rec = this.open.get(r.id);
    if (!rec) return;
    rec.outcome = 'rejected';
    rec.rejectReason = reason;
    this.open.delete(r.id);
    if (this.inWindow(rec.send)) {
      const s = this.stats(r.cls);
      s.rejected++;
      s.rejectedBy[reason]++;
    } else this.outside.rejected++;
    this.o.onRecord?.(rec);
  }
  onGiveUp(r: LlmRequest): void {
    const rec = this.open.get(r.id);
    if (!rec) return;
    rec.outcome = 'gave_up';
    this.open.delete(r.id);
    if (this.inWindow(rec.send)) this.stats(r.cls).gaveUp++;
    else this.outside.gave_up++;
    this.o.onRecord?.(rec);
  }

  onClientComplete(r: LlmRequest, t: number): void {
    const rec = this.open.get(r.id);
    if (!rec) return;
    rec.clientDone = t;
    this.open.delete(r.id);
    this.finish(rec);
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
    const l = latencies(rec);
    for (const m of LATENCY_METRICS) if (!Number.isNaN(l[m])) s.metrics[m].add(l[m], weightOf(m, rec));
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
    for (const rec of this.open.values()) {
      if (this.inWindow(rec.send)) this.stats(rec.cls).unfinished++;
      else this.outside.unfinished++;
      this.o.onRecord?.(rec);
    }
    this.open.clear();
    for (const session of [...this.openSessions.values()]) {
      session.end = t;
      session.outcome = 'unfinished';
      this.onSessionEnd(session);
    }
  }

  get fingerprint(): string {
    let hash = this.hash;
    for (const h of this.stepHashes) hash = fold(hash, h);
    return (hash >>> 0).toString(16).padStart(8, '0');
  }

  private fold(x: number): void {
    this.hash = fold(this.hash, x);
  }

  onStep(step: StepRecord): void {
    this.o.onStepRecord?.(step);
    if (step.replica !== this.lastReplica) this.switchReplica(step.replica);
    const slot = this.lastSlot;
    this.stepHashes[slot] = fold(fold(fold(fold(this.stepHashes[slot], step.start), step.seconds), step.decodeSeqs), step.prefillTokens);
    const p = this.bucket(this.lastSeries, step.start);
    p.kvPeak = Math.max(p.kvPeak, step.kvUsed);
    p.busy += step.seconds;
    p.decodeSeqsTime += step.decodeSeqs * step.seconds;
    p.waitingTime += step.waiting * step.seconds;
    p.kvTime += step.kvUsed * step.seconds;
    p.steps++;
  }

  private switchReplica(replica: string): void {
    let slot = this.stepSlots.get(replica);
    if (slot === undefined) {
      slot = this.stepHashes.push(0x811c9dc5) - 1;
      this.stepSlots.set(replica, slot);
    }
    this.lastReplica = replica;
    this.lastSlot = slot;
    this.lastSeries = this.seriesOf(replica);
  }

  /** A replica's time series (made on first use: an arrival or a step). */
  private seriesOf(replica: string): TimePoint[] {
    let series = this.timeseries.get(replica);
    if (!series) this.timeseries.set(replica, (series = []));
    return series;
  }

  /** The point of `series` at time `t`. */
  private bucket(series: TimePoint[], t: number): TimePoint {
    const b = Math.floor(t / this.o.bucketSeconds);
    while (series.length <= b) series.push({ requests: 0, kvPeak: 0, busy: 0, decodeSeqsTime: 0, waitingTime: 0, kvTime: 0, steps: 0 });
    return series[b];
  }
}
