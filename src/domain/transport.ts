/**
 * Default transports and network. Protocol facts from REFERENCE.md §4 (TCP 1 RTT + TLS 1.3 1 RTT
 * before the first byte, + 1 RTT for the WebSocket upgrade; frame sizes). The frontend, per-token
 * and session start-up costs are not published: they are chosen so that, on the default
 * interactive workload at a 60 ms round trip, a persistent stateful WebSocket reproduces OpenAI's
 * reported changes against HTTP (round-trip overhead −80%, per-token overhead −30%, TTFT −50%;
 * Codex-Spark launch, 2026-02). docs/network.md shows the arithmetic.
 *
 * Plain data: client/client.ts runs them.
 */
import type { DistributionSpec } from './distribution.js';
import { MBIT, MS } from './units.js';

export type TransportKind = 'http1' | 'http2' | 'websocket';

export interface TransportSpec {
  kind: TransportKind;
  /** Send only the new part of the context (a stateful session) instead of all of it. */
  stateful: boolean;
  /** Round trips to open a connection: TCP 1 + TLS 1.3 1 (+ 1 for the WebSocket upgrade). */
  handshakeRtts: number;
  /** http2: a connection idle longer than this is closed. */
  idleTimeoutSeconds: number;
  /** Frontend cost per request or message: authentication, routing, checks. */
  frontendSeconds: number;
  /** Server-side cost per streamed token: serialisation and framing. */
  perTokenSeconds: number;
  /** Bytes on the wire per streamed token (text plus the frame: SSE event or WebSocket frame). */
  frameBytesPerToken: number;
  /** Session start-up: authentication, loading session state, warming the prefix cache. */
  sessionStartSeconds: number;
}

export interface NetworkSpec {
  /** Round-trip time between client and frontend, seconds. */
  rtt: DistributionSpec;
  uplinkBytesPerSecond: number;
  downlinkBytesPerSecond: number;
  /** Bytes on the wire per prompt token (text plus JSON). */
  bytesPerToken: number;
}


export const TRANSPORTS: Record<TransportKind, TransportSpec> = {
  http1: {
    kind: 'http1',
    stateful: false,
    handshakeRtts: 2, // TCP + TLS 1.3
    idleTimeoutSeconds: 0,
    frontendSeconds: 40 * MS, // auth, routing and policy checks on every request (chosen, see above)
    perTokenSeconds: 0.5 * MS, // one SSE event of JSON per token (chosen)
    frameBytesPerToken: 60, // "data: {…}\n\n" around a token (≈ SSE chunk of an OpenAI-style stream)
    sessionStartSeconds: 300 * MS, // auth, load session state, warm the cache (chosen)
  },
  http2: {
    kind: 'http2',
    stateful: false,
    handshakeRtts: 2,
    idleTimeoutSeconds: 60, // a connection idle for a minute is closed (typical load balancer)
    frontendSeconds: 40 * MS,
    perTokenSeconds: 0.5 * MS,
    frameBytesPerToken: 69, // + 9-byte HTTP/2 frame header (RFC 7540)
    sessionStartSeconds: 300 * MS,
  },
  websocket: {
    kind: 'websocket',
    stateful: true,
    handshakeRtts: 3, // TCP + TLS 1.3 + HTTP upgrade, once per session
    idleTimeoutSeconds: Infinity,
    frontendSeconds: 24 * MS, // authenticated once per connection: routing and checks only (chosen)
    perTokenSeconds: 0.35 * MS, // lighter framing: −30% per token (chosen to match OpenAI's figure)
    frameBytesPerToken: 30, // 2–14-byte WebSocket frame header + compact payload (RFC 6455)
    sessionStartSeconds: 100 * MS, // the reworked, faster session start (chosen)
  },
};

export const DEFAULT_NETWORK: NetworkSpec = {
  // Across the US: 63–71 ms (REFERENCE.md §4); a lognormal with median 60 ms, p90 75 ms.
  rtt: { kind: 'lognormal', median: 0.06, p90: 0.075 },
  uplinkBytesPerSecond: 20 * MBIT,
  downlinkBytesPerSecond: 100 * MBIT,
  bytesPerToken: 4, // ≈ 4 bytes of text per token, JSON-escaped
};
