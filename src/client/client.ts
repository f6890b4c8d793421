/**
 * The path between a user (or an agent's harness) and the serving cluster (DESIGN.md §7):
 * connection set-up when none is open, upload of the request body, the frontend, the server,
 * and tokens streamed back. Transports:
 * - http1: a new TCP + TLS connection per request;
 * - http2: one connection per session, kept while it is used within the idle timeout;
 * - websocket: one connection per session, opened with the session (handshake + upgrade), with a
 *   cheaper frontend per message (authenticated once) and cheaper per-token framing.
 * A stateless API re-sends the whole context each request; a stateful session sends only the new part.
 */
import type { Simulation } from '../kernel/index.js';
import type { LlmRequest, NetworkLeg, RejectReason, RequestListener, RequestSink, SessionChannel, SessionTransport, SimObserver } from '../domain/request.js';
import type { NetworkSpec, TransportKind, TransportSpec } from '../domain/transport.js';
import { sampler, type Rng, type Sampler } from '../random/index.js';

export type { NetworkSpec, TransportKind, TransportSpec };

export class Client implements SessionTransport {
  private rtt: Sampler;

  constructor(
    private readonly sim: Simulation,
    readonly network: NetworkSpec,
    readonly transport: TransportSpec,
    private readonly sink: RequestSink,
    private readonly observer: SimObserver = {},
  ) {
    this.rtt = sampler(network.rtt);
  }

  /**
   * Open a session (its start-up stage; a WebSocket's handshake belongs to it), then call `ready`.
   * `rng` is the session's own network stream, so every system sees the same round trips.
   */
  openSession(sessionId: number, rng: Rng, ready: (session: ClientSession) => void, withStartup = true): void {
    const t = this.transport;
    const rtt = this.rtt(rng);
    const connect = t.kind === 'websocket' ? t.handshakeRtts * rtt : 0;
    // A request outside any session (open-loop, trace replay) pays no session start-up.
    const startup = withStartup ? connect + t.sessionStartSeconds : 0;
    if (withStartup) this.observer.onSessionStart?.(sessionId, this.sim.now, startup);
    const session = new ClientSession(this.sim, this, this.sink, this.observer, rng, this.rtt, startup);
    if (startup > 0) this.sim.schedule(startup, () => ready(session));
    else ready(session); // no start-up stage: the request leaves now
  }
}

export class ClientSession implements SessionChannel {
  /** When the session's kept connection was last used (http2, websocket); -Infinity: none open. */
  private lastUsed: number;

  constructor(
    readonly sim: Simulation,
    private readonly client: Client,
    private readonly sink: RequestSink,
    readonly observer: SimObserver,
    private readonly rng: Rng,
    private readonly rttSampler: Sampler,
    readonly startupSeconds: number,
  ) {
    this.lastUsed = client.transport.kind === 'websocket' && startupSeconds > 0 ? sim.now : -Infinity;
  }

  /** The part of a request's path before the server, for `newTokens` new prompt tokens. */
  leg(req: LlmRequest, newTokens: number, rtt: number): NetworkLeg {
    const t = this.client.transport;
    const n = this.client.network;
    const now = this.sim.now;
    const open = t.kind !== 'http1' && now - this.lastUsed <= t.idleTimeoutSeconds;
    const connectSeconds = open ? 0 : t.handshakeRtts * rtt;
    const bytes = (t.stateful ? newTokens : req.inputTokens) * n.bytesPerToken;
    return { rttSeconds: rtt, connectSeconds, uploadSeconds: bytes / n.uplinkBytesPerSecond + rtt / 2, frontendSeconds: t.frontendSeconds };
  }

  giveUp(req: LlmRequest): void {
    this.observer.onGiveUp?.(req, this.sim.now);
  }

  /** Send a request; `listener` hears of it as the client sees it (after the trip back). */
  send(req: LlmRequest, newTokens: number, listener: RequestListener): void {
    const sim = this.sim;
    const t = this.client.transport;
    const n = this.client.network;
    const rtt = this.rttSampler(this.rng);
    const leg = this.leg(req, newTokens, rtt);
    this.observer.onSend?.(req, sim.now, leg);
    if (leg.connectSeconds > 0) this.lastUsed = sim.now; // the new connection is in use from now
    const frame = t.perTokenSeconds + t.frameBytesPerToken / n.downlinkBytesPerSecond;
    const inFlight = new InFlight(this, req, listener, rtt / 2, frame);
    sim.schedule(leg.connectSeconds + leg.uploadSeconds + leg.frontendSeconds, () => this.sink.submit(req, inFlight));
  }

  /** The kept connection was used now (a response finished on it). */
  touch(): void {
    this.lastUsed = this.sim.now;
  }
}

/**
 * One request between its arrival at the server and the client: hears the server (it is the
 * server's listener: methods, not a closure per callback, as it lives as long as the request)
 * and tells the client's listener after the trip back (`down`) and the token's frame.
 */
class InFlight implements RequestListener {
  /** When the server sent the first token. */
  private firstAt = 0;
  /** The first visible token is the first token: its delivery goes with the first token's. */
  private visibleWithFirst = false;

  constructor(
    private readonly session: ClientSession,
    private readonly req: LlmRequest,
    private readonly listener: RequestListener,
    private readonly down: number,
    private readonly frame: number,
  ) {}

  onFirstToken(): void {
    const sim = this.session.sim;
    this.firstAt = sim.now;
    sim.schedule(this.down + this.frame, () => {
      this.session.observer.onClientFirstToken?.(this.req, sim.now);
      this.listener.onFirstToken?.();
      if (this.visibleWithFirst) this.deliverVisible();
    });
  }

  onFirstVisibleToken(): void {
    const sim = this.session.sim;
    // Token k of the stream leaves no earlier than k frames after the first (the reasoning
    // tokens come first, as summaries or keep-alives): the first visible one is token r.
    const wait = Math.max(0, this.firstAt + this.frame * this.req.reasoningTokens - sim.now);
    // No reasoning: the first token's event, scheduled just before for the same time, delivers
    // this one next (one event, the same order).
    if (wait === 0 && sim.now === this.firstAt) this.visibleWithFirst = true;
    else sim.schedule(this.down + this.frame + wait, () => this.deliverVisible());
  }

  private deliverVisible(): void {
    this.session.observer.onClientFirstVisibleToken?.(this.req, this.session.sim.now);
    this.listener.onFirstVisibleToken?.();
  }

  onComplete(): void {
    const sim = this.session.sim;
    // Tokens leave no faster than one frame each: a slow stream can lag the server.
    const lastOut = Math.max(sim.now, this.firstAt + this.frame * (this.req.outputTokens - 1));
    sim.schedule(lastOut - sim.now + this.down + this.frame, () => {
      this.session.touch();
      this.session.observer.onClientComplete?.(this.req, sim.now);
      this.listener.onComplete();
    });
  }

  onReject(reason: RejectReason): void {
    this.session.sim.schedule(this.down, () => {
      this.session.touch();
      this.listener.onReject?.(reason);
    });
  }
}
