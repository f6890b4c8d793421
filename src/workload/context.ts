import type { Simulation } from '../kernel/index.js';
import type { ClientPolicy, RequestListener, Segment, SessionTransport, SimObserver } from '../domain/request.js';

/** What a workload source needs from the run that hosts it. */
export interface WorkloadContext {
  sim: Simulation;
  seed: number;
  transport: SessionTransport;
  observer: SimObserver;
  /** The model's context limit, tokens. */
  contextLimit: number;
  /** No new session, job or arrival starts after this time. */
  horizon: number;
  /** Which source this is in the scenario (keeps ids and streams apart). */
  source: number;
  /** Clients' timeout and retries (default: wait for ever). */
  client?: ClientPolicy;
}

/** A request with no prompt segments to reuse (open-loop and most trace rows): one empty list for all of them. */
export const NO_SEGMENTS: readonly Segment[] = Object.freeze([]);
/** Nobody waits on an open-loop or replayed arrival: the next one comes whatever happens to this one. */
export const NOBODY_WAITS: RequestListener = { onComplete: () => {} };

/** Owners (developers, job slots) per source; the last one is reserved for open-loop arrivals. */
export const OWNERS = 100_000;

/**
 * A session id unique across sources: source s, owner (developer or slot) o, k-th session.
 * Ids stay below 2^31 × 10 so that request ids and segment keys derived from them (× 10^5 × 2)
 * remain exact in a float64.
 */
export function sessionIdOf(source: number, owner: number, k: number): number {
  return ((source + 1) * OWNERS + owner) * 1000 + (k % 1000);
}
