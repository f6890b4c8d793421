/**
 * A request to an LLM, as the serving layer sees it, and the interfaces that connect the layers:
 * workloads and clients submit requests to a RequestSink; the serving engine tells each request's
 * listener what happened to it, and tells a SimObserver everything (metrics implements it).
 */

export type RequestClass = 'interactive' | 'background';
export const REQUEST_CLASSES: readonly RequestClass[] = ['interactive', 'background'];

/**
 * A run of prompt tokens with a content identity. The key identifies the content *and* its
 * position (everything before it), like a hash chain, so equal keys in the same place mean the
 * same KV cache: a session's turn n, a shared system prompt, a Mooncake block hash.
 */
/**
 * Why a request was rejected (a code for CSV columns and counts; `describeRejectReason` says it
 * in words). The same on every replica of a pool, so a rejected request is not retried elsewhere.
 */
export const REJECT_REASONS = ['exceeds_context_limit', 'exceeds_kv_capacity'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export function describeRejectReason(r: RejectReason): string {
  switch (r) {
    case 'exceeds_context_limit':
      return "context exceeds the model's limit";
    case 'exceeds_kv_capacity':
      return 'context exceeds KV capacity';
  }
}

/**
 * How a request ended: completed, rejected (with a reason), unfinished (still in flight when the
 * run's drain ended), or gave_up (the client's timeout passed first; a retry is a new request).
 */
export const REQUEST_OUTCOMES = ['completed', 'rejected', 'unfinished', 'gave_up'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** What a client does when an answer is slow: give up after `timeoutSeconds`, then retry up to `retries` times. */
export interface ClientPolicy {
  timeoutSeconds: number;
  retries: number;
}

export const NO_TIMEOUT: ClientPolicy = { timeoutSeconds: Infinity, retries: 0 };

/** How a session or job ended: a job with a rejected (or given-up) request fails (it is never shortened). */
export const SESSION_OUTCOMES = ['completed', 'failed', 'unfinished'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

export interface Segment {
  key: number;
  tokens: number;
}

/**
 * A conversation's statement about a request's prompt: its first `segments` segments are, key and
 * tokens alike, the prompt segments and then the output of request `id` (its previous turn).
 * `id` -1 and `segments` 0: a first turn (or one after a compaction or an unanswered turn), which
 * states nothing but that a later turn may continue it.
 */
export interface Continues {
  id: number;
  segments: number;
}

export interface LlmRequest {
  id: number;
  /** The session or agent job the request belongs to (-1: none). */
  sessionId: number;
  cls: RequestClass;
  /** Prompt tokens: the whole context the model reads. */
  inputTokens: number;
  /** Tokens to generate, hidden reasoning included. */
  outputTokens: number;
  /** Of the output, the hidden reasoning tokens that come before the visible answer. */
  reasoningTokens: number;
  /** The prompt as content-identified segments (their tokens sum to inputTokens); empty: no reuse. */
  segments: readonly Segment[];
  /** Key under which the output's KV is cached for the next turn (undefined: not cached). */
  outputKey?: number;
  /** Set by a conversation: the previous turn this prompt extends (serving/kv-cache.ts takes it as one unit). */
  continues?: Continues;
  /** Tokens whose KV arrives with the request (disaggregated decode): no prefill for them. */
  kvReadyTokens?: number;
  /** Disaggregated serving: this is the prefill half or the decode half of a request. */
  phase?: 'prefill' | 'decode';
  /**
   * The metrics recorder's record of this request, set when it is sent (copies made after that
   * share it): each later event finds it here instead of by id in a map.
   */
  record?: object;
}

/** What a request's submitter is told, at the simulated time it happens. */
export interface RequestListener {
  /** The first output token left the server. */
  onFirstToken?(): void;
  /** The first visible (non-reasoning) token left the server. */
  onFirstVisibleToken?(): void;
  onComplete(): void;
  onReject?(reason: RejectReason): void;
}

export interface RequestSink {
  submit(request: LlmRequest, listener: RequestListener): void;
}

/** A session's channel to the service (the client layer implements it). */
export interface SessionChannel {
  /** Send a request of which `newTokens` prompt tokens are new since the session's last one. */
  send(request: LlmRequest, newTokens: number, listener: RequestListener): void;
  /** The client stops waiting for `request` (its timeout passed); what the server does next is not heard. */
  giveUp?(request: LlmRequest): void;
  readonly startupSeconds: number;
}

/** Opens sessions; workloads use it without knowing what transport lies beneath. */
export interface SessionTransport {
  /** Open a session (paying its start-up unless `startup` is false), then call `ready`. */
  openSession(sessionId: number, rng: { next(): number }, ready: (channel: SessionChannel) => void, startup?: boolean): void;
}

export interface StepRecord {
  replica: string;
  /** The replica's number in its system (0, 1, … over its pools, as built), -1 if it has none: observers may index tables by it. */
  replicaNumber: number;
  start: number;
  seconds: number;
  decodeSeqs: number;
  /** Of decodeSeqs, sequences of background requests (ITL is reported per class). */
  backgroundDecodeSeqs: number;
  prefillTokens: number;
  /** Sequences waiting to be admitted, after this step was formed. */
  waiting: number;
  running: number;
  /** Fraction of KV blocks in use (running sequences and cached prefixes). */
  kvUsed: number;
}
// The engine hands observers one StepRecord object, refilled every step: copy what you keep.

/** Where a request's time went before it reached the server. */
export interface NetworkLeg {
  /** The round trip this request saw. */
  rttSeconds: number;
  /** TCP/TLS/WebSocket handshakes paid by this request (0 on a kept connection). */
  connectSeconds: number;
  /** Request body upload and half a round trip. */
  uploadSeconds: number;
  /** Frontend: authentication, routing, per-request checks. */
  frontendSeconds: number;
}

/** One developer session or agent job, when it ends. */
export interface SessionRecord {
  id: number;
  kind: 'interactive' | 'agent';
  cls: RequestClass;
  start: number;
  end: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  startupSeconds: number;
  /** Time in tool calls (agents) or thinking (developers) between requests. */
  gapSeconds: number;
  subagents: number;
  compactions: number;
  /** Set when the session ends; 'unfinished' for one still running when the drain ended. */
  outcome: SessionOutcome;
}

/** Everything that happens to requests in the serving layer. Every method is optional. */
export interface SimObserver {
  /** The client sends the request (the user pressed enter, the agent's tool returned). */
  onSend?(r: LlmRequest, t: number, leg: NetworkLeg): void;
  onClientFirstToken?(r: LlmRequest, t: number): void;
  onClientFirstVisibleToken?(r: LlmRequest, t: number): void;
  onClientComplete?(r: LlmRequest, t: number): void;
  onSessionStart?(sessionId: number, t: number, startupSeconds: number): void;
  /** A session or job began; `s` is updated as it runs and handed to onSessionEnd when it ends. */
  onSessionBegin?(s: SessionRecord): void;
  onSessionEnd?(s: SessionRecord): void;
  /** `replicaNumber`: as StepRecord's (-1: none). */
  onArrive?(r: LlmRequest, replica: string, t: number, replicaNumber: number): void;
  /** Admitted to a replica's running set: queueing ends, prefill (after any reload) begins. */
  onAdmit?(r: LlmRequest, replica: string, t: number, cachedTokens: number, reloadSeconds: number): void;
  onFirstToken?(r: LlmRequest, t: number): void;
  onFirstVisibleToken?(r: LlmRequest, t: number): void;
  onComplete?(r: LlmRequest, t: number): void;
  onReject?(r: LlmRequest, t: number, reason: RejectReason): void;
  /** The client gave up waiting for `r` (timeout). */
  onGiveUp?(r: LlmRequest, t: number): void;
  onPreempt?(r: LlmRequest, t: number): void;
  onStep?(s: StepRecord): void;
  /**
   * Steps [from, to) of a decode run, in step order, in one call instead of one onStep each
   * (when defined): `s` holds what the steps share (replica, decode sequences, queue), step i
   * starts at starts[i], takes costs[i] and sees KV occupancy kvUsed[i].
   */
  onDecodeSteps?(s: StepRecord, starts: Float64Array, costs: Float64Array, kvUsed: Float64Array, from: number, to: number): void;
}
