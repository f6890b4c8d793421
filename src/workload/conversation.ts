/**
 * A growing conversation: the prompt segments of each request (shared system prompt, then each
 * earlier turn's input and output), so the serving layer's prefix cache can find what it holds.
 */
import { Signal, type EventId, type Simulation } from '../kernel/index.js';
import { NO_TIMEOUT, type ClientPolicy, type Continues, type LlmRequest, type RequestClass, type Segment, type SessionChannel, type SessionRecord, type SimObserver } from '../domain/request.js';
import { requestId, segmentKey, systemKey } from './ids.js';

/** A request that continues no earlier one (its own next turn may continue it). */
const FIRST_TURN: Continues = Object.freeze({ id: -1, segments: 0 });

export class Conversation {
  private segments: Segment[] = [];
  /** What the next request continues: the last answered turn, if nothing was added since. */
  private continues: Continues = FIRST_TURN;
  private turn = 0;
  /** Tokens of context so far (prompt segments). */
  context = 0;
  /** Compactions so far: each restarts the chain with a summary. */
  compactions = 0;
  requests = 0;

  constructor(
    readonly sessionId: number,
    readonly cls: RequestClass,
    private readonly source: number,
    systemPromptTokens: number,
  ) {
    if (systemPromptTokens > 0) this.push(systemKey(source), systemPromptTokens);
  }

  private push(key: number, tokens: number): void {
    if (tokens <= 0) return;
    this.segments.push({ key, tokens });
    this.context += tokens;
  }

  /** A fresh request id of this session (a retry's copy). */
  nextId(): number {
    return requestId(this.sessionId, this.requests++);
  }

  /** The next request: `newTokens` appended to the context, `output` (incl. `reasoning`) to generate. */
  next(newTokens: number, output: number, reasoning: number): LlmRequest {
    const n = this.turn++;
    const continues = this.continues;
    this.continues = FIRST_TURN;
    this.push(segmentKey(this.sessionId, n, 'in'), newTokens);
    return {
      id: requestId(this.sessionId, this.requests++),
      sessionId: this.sessionId,
      cls: this.cls,
      inputTokens: this.context,
      outputTokens: output,
      reasoningTokens: reasoning,
      segments: this.segments.slice(),
      outputKey: segmentKey(this.sessionId, n, 'out'),
      continues,
    };
  }

  /** The answer to `req` joins the context (the next request's prompt includes it). */
  answered(req: LlmRequest): void {
    this.push(req.outputKey!, req.outputTokens);
    // The context is now exactly req's prompt and output (an empty output is not in it).
    this.continues = req.outputTokens > 0 ? { id: req.id, segments: this.segments.length } : FIRST_TURN;
  }

  /** Replace the context by a summary of `tokens` (keeps the shared system prompt). */
  compact(tokens: number): void {
    const system = this.segments[0]?.key === systemKey(this.source) ? this.segments[0] : undefined;
    this.segments = [];
    this.continues = FIRST_TURN;
    this.context = 0;
    if (system) this.push(system.key, system.tokens);
    this.push(segmentKey(this.sessionId, this.turn++, 'in'), tokens);
    this.compactions++;
  }
}

/**
 * Send `req` on `channel`; the Signal fires with true when it is answered, false when it is
 * rejected or the client gave up on it. With a timeout, the client stops waiting after
 * `policy.timeoutSeconds` and sends a copy under a new id (`nextId`) up to `policy.retries` times;
 * the server goes on with the abandoned one (its work is not undone), unheard.
 */
export function ask(sim: Simulation, channel: SessionChannel, req: LlmRequest, newTokens: number, policy: ClientPolicy = NO_TIMEOUT, nextId?: () => number): Signal<boolean> {
  const answered = new Signal<boolean>();
  const attempt = (r: LlmRequest, retriesLeft: number): void => {
    let settled = false;
    let timer: EventId | undefined;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) sim.cancel(timer);
      answered.fire(sim, ok);
    };
    channel.send(r, newTokens, { onComplete: () => settle(true), onReject: () => settle(false) });
    if (!Number.isFinite(policy.timeoutSeconds)) return;
    timer = sim.schedule(policy.timeoutSeconds, () => {
      if (settled) return;
      settled = true;
      channel.giveUp?.(r);
      if (retriesLeft > 0 && nextId) attempt({ ...r, id: nextId() }, retriesLeft - 1);
      else answered.fire(sim, false);
    });
  };
  attempt(req, policy.retries);
  return answered;
}

/** A new session's record (told to the observer, which keeps it until it ends). */
export function beginSession(observer: SimObserver, id: number, kind: SessionRecord['kind'], cls: RequestClass, start: number): SessionRecord {
  const record: SessionRecord = { id, kind, cls, start, end: start, requests: 0, inputTokens: 0, outputTokens: 0, startupSeconds: 0, gapSeconds: 0, subagents: 0, compactions: 0, outcome: 'unfinished' };
  observer.onSessionBegin?.(record);
  return record;
}

/** The session ended at `end`, completed or failed (a rejected request). */
export function endSession(observer: SimObserver, record: SessionRecord, end: number, completed: boolean): void {
  record.end = end;
  record.outcome = completed ? 'completed' : 'failed';
  observer.onSessionEnd?.(record);
}

/** Count an answered request into its session's record. */
export function tally(record: SessionRecord, req: LlmRequest): void {
  record.requests++;
  record.inputTokens += req.inputTokens;
  record.outputTokens += req.outputTokens;
}
