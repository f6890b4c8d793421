/**
 * Deterministic ids, the same whichever system serves the workload: a session's id comes from
 * its source (developer d's k-th session), a request's id and segment keys from its session.
 */
export const REQUESTS_PER_SESSION = 100_000;

export function requestId(sessionId: number, index: number): number {
  return sessionId * REQUESTS_PER_SESSION + index;
}

/** Key of a session's turn n prompt part (`in`) or answer (`out`), in compaction epoch e. */
export function segmentKey(sessionId: number, turn: number, part: 'in' | 'out'): number {
  return (sessionId * REQUESTS_PER_SESSION + turn) * 2 + (part === 'out' ? 1 : 0);
}

/** Shared system prompts have negative keys, one per workload source. */
export function systemKey(source: number): number {
  return -1 - source;
}
