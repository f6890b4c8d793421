/**
 * Routers choose a replica in a pool for each request.
 * - round-robin: in turn.
 * - least-outstanding: the fewest requests waiting or running.
 * - session-affinity: a session sticks to the replica its first request went to (chosen least-outstanding),
 *   so its next turn finds its context cached there.
 * - prefix-aware: the replica holding the longest cached prefix of the prompt, ties to the least loaded.
 */
import type { LlmRequest } from '../domain/request.js';
import type { Replica } from './replica.js';

export type RouterKind = 'round-robin' | 'least-outstanding' | 'session-affinity' | 'prefix-aware';
export const ROUTER_KINDS: readonly RouterKind[] = ['round-robin', 'least-outstanding', 'session-affinity', 'prefix-aware'];

export type Router = (req: LlmRequest) => Replica;

function leastOutstanding(replicas: readonly Replica[]): Replica {
  let best = replicas[0];
  for (const r of replicas) if (r.outstanding < best.outstanding) best = r;
  return best;
}

export function makeRouter(kind: RouterKind, replicas: readonly Replica[]): Router {
  if (replicas.length === 0) throw new Error('router: a pool needs at least one replica');
  switch (kind) {
    case 'round-robin': {
      let next = 0;
      return () => replicas[next++ % replicas.length];
    }
    case 'least-outstanding':
      return () => leastOutstanding(replicas);
    case 'session-affinity': {
      const home = new Map<number, Replica>();
      return (req) => {
        if (req.sessionId < 0) return leastOutstanding(replicas);
        let r = home.get(req.sessionId);
        if (!r) home.set(req.sessionId, (r = leastOutstanding(replicas)));
        return r;
      };
    }
    case 'prefix-aware':
      return (req) => {
        let best = replicas[0];
        let bestTokens = -1;
        for (const r of replicas) {
          const tokens = r.cachedPrefixTokens(req.segments);
          if (tokens > bestTokens || (tokens === bestTokens && r.outstanding < best.outstanding)) {
            best = r;
            bestTokens = tokens;
          }
        }
        return best;
      };
  }
}
