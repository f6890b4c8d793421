/** A finished request's record, its latencies, and the per-class accumulators they go into. */
import { REJECT_REASONS, type LlmRequest, type NetworkLeg, type RejectReason, type RequestClass, type RequestOutcome } from '../domain/request.js';
import type { Quantiles } from './quantiles.js';

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

/** A record's object with every field of its shape (for sentRecord to fill). */
export function blankRecord(): RequestRecord {
  return {
    system: '', id: 0, session: 0, cls: 'interactive', replica: '', send: NaN, arrive: NaN, admit: NaN,
    serverFirst: NaN, serverDone: NaN, clientFirst: NaN, clientFirstVisible: NaN, clientDone: NaN,
    input: 0, cached: 0, output: 0, reasoning: 0, preemptions: 0,
    connect: NaN, upload: NaN, frontend: NaN, rtt: NaN, reloadSeconds: 0, outcome: 'unfinished', rejectReason: '',
  };
}

/** `rec` filled as the record of `r`, sent by `system`'s client at `t` over `leg`. */
export function sentRecord(rec: RequestRecord, system: string, r: LlmRequest, t: number, leg: NetworkLeg): void {
  rec.system = system;
  rec.id = r.id;
  rec.session = r.sessionId;
  rec.cls = r.cls;
  rec.replica = '';
  rec.send = t;
  rec.arrive = rec.admit = rec.serverFirst = rec.serverDone = rec.clientFirst = rec.clientFirstVisible = rec.clientDone = NaN;
  rec.input = r.inputTokens;
  rec.cached = 0;
  rec.output = r.outputTokens;
  rec.reasoning = r.reasoningTokens;
  rec.preemptions = 0;
  rec.connect = leg.connectSeconds;
  rec.upload = leg.uploadSeconds;
  rec.frontend = leg.frontendSeconds;
  rec.rtt = leg.rttSeconds;
  rec.reloadSeconds = 0;
  rec.outcome = 'unfinished';
  rec.rejectReason = '';
}

/** Per-request thresholds a request must meet to count towards goodput. */
export interface RequestSlo {
  ttftSeconds?: number;
  tpotSeconds?: number;
  e2eSeconds?: number;
}

/**
 * Per-request latencies, in seconds, named as vLLM's benchmark names them (without the unit: the
 * outputs add `_ms`). `itl` is the request's mean gap between tokens after the first (vLLM's
 * per-request value); a class's ITL distribution is not made of these but of every gap, from the
 * decode steps (metrics/replica-steps.ts), as vLLM's percentiles are.
 */
export const LATENCY_METRICS = ['ttft', 'tpot', 'itl', 'e2el', 'ttfvt', 'server_ttft', 'queue'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** A request's latencies in seconds, NaN where undefined (written into `into` when given: no object per request). */
export function latencies(r: RequestRecord, into = {} as Record<LatencyMetric, number>): Record<LatencyMetric, number> {
  const gap = r.output > 1 ? (r.clientDone - r.clientFirst) / (r.output - 1) : NaN;
  into.ttft = r.clientFirst - r.send;
  into.tpot = gap;
  into.itl = gap;
  into.e2el = r.clientDone - r.send;
  into.ttfvt = r.clientFirstVisible - r.send;
  into.server_ttft = r.serverFirst - r.arrive;
  into.queue = r.admit - r.arrive;
  return into;
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

/** Empty stats, each distribution made by `q`. */
export function newClassStats(q: () => Quantiles): ClassStats {
  return {
    metrics: Object.fromEntries(LATENCY_METRICS.map((m) => [m, q()])) as unknown as Record<LatencyMetric, Quantiles>,
    jobSeconds: q(),
    jobs: { completed: 0, failed: 0, unfinished: 0 },
    requests: 0, rejected: 0, unfinished: 0, gaveUp: 0, preemptions: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0,
    stages: { network: 0, queue: 0, prefill: 0, decode: 0 },
    sessions: 0, sessionStartup: 0, sessionGaps: 0, sessionRequests: 0, good: 0,
    rejectedBy: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>,
  };
}
