/**
 * OpenAI's reported changes from persistent WebSocket connections (REFERENCE.md §4, Codex-Spark
 * launch 2026-02, self-reported): per client/server round trip overhead −80%, per-token overhead
 * −30%, time to first token −50%. Same interactive workload (60 developers, one hour, common
 * random numbers), same CS-3 fleet; HTTP/2 stateless vs persistent stateful WebSocket.
 * Tolerance ±10 percentage points. Parameters: docs/network.md.
 */
import { describe, expect, it } from 'vitest';
import type { LlmRequest, SimObserver } from '../../src/domain/request.js';
import { DEFAULT_NETWORK, TRANSPORTS, type TransportKind } from '../../src/client/index.js';
import { DEFAULT_ENGINE } from '../../src/serving/index.js';
import { buildWorld, startSources } from '../../src/study/world.js';
import { INTERACTIVE_DEFAULTS } from '../../src/workload/index.js';
import { llm, wafer } from '../support/models.js';

function measure(kind: TransportKind) {
  const send = new Map<number, { at: number; rtt: number; overhead: number }>();
  const serverFirst = new Map<number, number>();
  const overheads: number[] = [];
  const perToken: number[] = [];
  const ttft: number[] = [];
  const observer: SimObserver = {
    onSend: (r, t, leg) => {
      const overhead = leg.connectSeconds + leg.uploadSeconds - leg.rttSeconds / 2 + leg.frontendSeconds;
      send.set(r.id, { at: t, rtt: leg.rttSeconds, overhead });
      overheads.push(overhead);
    },
    onFirstToken: (r: LlmRequest, t) => void serverFirst.set(r.id, t),
    onClientFirstToken: (r, t) => void perToken.push(t - serverFirst.get(r.id)! - send.get(r.id)!.rtt / 2),
    onClientFirstVisibleToken: (r, t) => void ttft.push(t - send.get(r.id)!.at),
  };
  const world = buildWorld({
    name: kind,
    pools: [{ name: 'cs3', llm: llm('llama-3.1-8b'), hardware: wafer(), deployment: { count: 1, tp: 1, pp: 1 }, replicas: 2, router: 'session-affinity', engine: DEFAULT_ENGINE }],
    transport: TRANSPORTS[kind],
    network: DEFAULT_NETWORK,
  }, 42, 3600, observer);
  startSources(world, [{ ...INTERACTIVE_DEFAULTS, developers: 60, sessionGap: { kind: 'exponential', mean: 300 } }]);
  world.sim.run({ until: 3600 });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { overhead: mean(overheads), perToken: mean(perToken), ttft: mean(ttft), requests: ttft.length };
}

describe('HTTP vs persistent WebSocket (OpenAI, 2026-02)', () => {
  it('reproduces −80% round-trip overhead, −30% per-token overhead and −50% TTFT within ±10 points', () => {
    const http = measure('http2');
    const ws = measure('websocket');
    const change = (a: number, b: number) => b / a - 1;
    const rows = {
      'round-trip overhead': [http.overhead, ws.overhead, change(http.overhead, ws.overhead), -0.8],
      'per-token overhead': [http.perToken, ws.perToken, change(http.perToken, ws.perToken), -0.3],
      'time to first token': [http.ttft, ws.ttft, change(http.ttft, ws.ttft), -0.5],
    } as const;
    for (const [name, [a, b, c, target]] of Object.entries(rows)) {
      console.log(`${name}: HTTP ${(a * 1000).toFixed(1)} ms → WebSocket ${(b * 1000).toFixed(1)} ms: ${(100 * c).toFixed(1)}% (OpenAI ${100 * target}%)`);
    }
    console.log(`requests: ${http.requests} (HTTP), ${ws.requests} (WebSocket)`);
    expect(http.requests).toBeGreaterThan(200);
    for (const [, , c, target] of Object.values(rows)) expect(Math.abs(c - target)).toBeLessThanOrEqual(0.1);
  });
});
