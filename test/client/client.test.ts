import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/index.js';
import type { LlmRequest, NetworkLeg, RequestListener, RequestSink } from '../../src/domain/request.js';
import { Client, DEFAULT_NETWORK, TRANSPORTS, type NetworkSpec } from '../../src/client/index.js';
import { stream } from '../../src/random/index.js';
import { request } from '../support/serving.js';

const fixedRtt: NetworkSpec = { ...DEFAULT_NETWORK, rtt: { kind: 'constant', value: 0.05 } };

/** A server that gives the first token `ttft` after arrival and finishes `tail` later. */
function server(sim: Simulation, ttft = 0.02, tail = 0.1): RequestSink & { arrivals: number[] } {
  const arrivals: number[] = [];
  return {
    arrivals,
    submit(_req: LlmRequest, l: RequestListener) {
      arrivals.push(sim.now);
      sim.schedule(ttft, () => {
        l.onFirstToken?.();
        l.onFirstVisibleToken?.();
        sim.schedule(tail, () => l.onComplete());
      });
    },
  };
}

function twoRequests(kind: keyof typeof TRANSPORTS, gap = 1) {
  const sim = new Simulation();
  const srv = server(sim);
  const legs: NetworkLeg[] = [];
  const client = new Client(sim, fixedRtt, TRANSPORTS[kind], srv, { onSend: (_r, _t, leg) => void legs.push(leg) });
  let sessionReady = 0;
  client.openSession(1, stream(1, 'net'), (s) => {
    sessionReady = sim.now;
    s.send(request(1000, 10), 1000, { onComplete: () => sim.schedule(gap, () => s.send(request(1500, 10), 500, { onComplete: () => {} })) });
  });
  sim.run();
  return { legs, arrivals: srv.arrivals, sessionReady };
}

describe('transport arithmetic (RTT 50 ms)', () => {
  it('a cold http1 request pays 2 RTT (TCP + TLS 1.3) before its bytes leave, and so does every later one', () => {
    const { legs } = twoRequests('http1');
    expect(legs.map((l) => l.connectSeconds)).toEqual([0.1, 0.1]);
  });
  it('http2 keeps the connection within the idle timeout and reopens after it', () => {
    expect(twoRequests('http2', 10).legs.map((l) => l.connectSeconds)).toEqual([0.1, 0]);
    expect(twoRequests('http2', 120).legs.map((l) => l.connectSeconds)).toEqual([0.1, 0.1]);
  });
  it('websocket pays its handshake (TCP + TLS + upgrade = 3 RTT) once, at session start', () => {
    const { legs, sessionReady } = twoRequests('websocket', 600);
    expect(sessionReady).toBeCloseTo(0.15 + TRANSPORTS.websocket.sessionStartSeconds, 12);
    expect(legs.map((l) => l.connectSeconds)).toEqual([0, 0]);
  });
  it('a stateless 100K-token context at a 20 Mbit/s uplink costs 100,000 × 4 B × 8 / 20 Mbit/s = 0.16 s (+ ½ RTT); stateful sends the new part', () => {
    const sim = new Simulation();
    const legs: Record<string, NetworkLeg> = {};
    for (const kind of ['http2', 'websocket'] as const) {
      const client = new Client(sim, fixedRtt, TRANSPORTS[kind], server(sim), { onSend: (_r, _t, leg) => void (legs[kind] = leg) });
      client.openSession(1, stream(1, kind), (s) => s.send(request(100_000, 10), 2_000, { onComplete: () => {} }));
    }
    sim.run();
    expect(legs.http2.uploadSeconds).toBeCloseTo(0.16 + 0.025, 12);
    expect(legs.websocket.uploadSeconds).toBeCloseTo((2000 * 4 * 8) / 20e6 + 0.025, 12);
  });
  it('reaches the server after connect + upload + frontend', () => {
    const { legs, arrivals } = twoRequests('http1');
    expect(arrivals[0]).toBeCloseTo(TRANSPORTS.http1.sessionStartSeconds + legs[0].connectSeconds + legs[0].uploadSeconds + legs[0].frontendSeconds, 12);
  });
});

describe('streamed tokens (RTT 50 ms, http2: one frame per token)', () => {
  /** Client times of one request whose server sends its first token at 0.02 s after arrival and its first visible one `visibleAfter` later. */
  function times(reasoning: number, visibleAfter: number) {
    const sim = new Simulation();
    const seen = { first: NaN, visible: NaN };
    let serverFirst = 0;
    const srv: RequestSink = {
      submit(_req, l) {
        sim.schedule(0.02, () => {
          serverFirst = sim.now;
          l.onFirstToken?.();
          if (visibleAfter === 0) l.onFirstVisibleToken?.();
          else sim.schedule(visibleAfter, () => l.onFirstVisibleToken?.());
          sim.schedule(1, () => l.onComplete());
        });
      },
    };
    const observer = { onClientFirstToken: (_r: LlmRequest, t: number) => void (seen.first = t), onClientFirstVisibleToken: (_r: LlmRequest, t: number) => void (seen.visible = t) };
    const client = new Client(sim, fixedRtt, TRANSPORTS.http2, srv, observer);
    client.openSession(1, stream(1, 'net'), (s) => s.send(request(100, 200, { reasoningTokens: reasoning }), 100, { onComplete: () => {} }), false);
    sim.run();
    const t = TRANSPORTS.http2;
    const frame = t.perTokenSeconds + t.frameBytesPerToken / DEFAULT_NETWORK.downlinkBytesPerSecond;
    return { ...seen, serverFirst, frame };
  }
  it('the first token reaches the client ½ RTT and one frame after it leaves the server', () => {
    const { first, serverFirst, frame } = times(0, 0);
    expect(first - serverFirst).toBeCloseTo(0.025 + frame, 12);
  });
  it('without reasoning the first visible token is the first token: the client sees both at once', () => {
    const { first, visible } = times(0, 0);
    expect(visible).toBe(first);
  });
  it('after r reasoning tokens the visible one is stream token r: r frames after the first, or when the server sends it if later', () => {
    const fast = times(10, 0.001); // the server is ahead of the stream: the frames set the pace
    expect(fast.visible - fast.first).toBeCloseTo(10 * fast.frame, 12);
    const slow = times(10, 0.1); // the stream waits for the server
    expect(slow.visible - slow.serverFirst).toBeCloseTo(0.1 + 0.025 + slow.frame, 12);
  });
});
