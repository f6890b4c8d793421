/**
 * Routers choose a replica in a pool for each request.
 * - round-robin: in turn.
 * - least-outstanding: the fewest requests waiting or running (seeded draw among ties).
 * - session-affinity: a new session goes to the least-loaded replica (seeded draw among ties);
 *   its later turns stay there, so they find their context cached, unless that replica is
 *   overloaded or cannot hold the turn's KV now, in which case the session moves (counted).
 * - prefix-aware: the replica holding the longest cached prefix of the prompt, ties to the least loaded.
 * Least-loaded selection uses a bucketed load index: O(1) per decision at any pool size.
 */
import { assertNever } from '../domain/never.js';
import { ROUTER_NAMES, type RouterName } from '../domain/kinds.js';
import type { LlmRequest } from '../domain/request.js';
import type { Rng } from '../random/index.js';
import { LoadIndex } from './load-index.js';
import type { Replica } from './replica.js';

/** The router names are defined once, in domain/kinds.ts. */
export type RouterKind = RouterName;
export const ROUTER_KINDS = ROUTER_NAMES;

export interface Router {
  route(req: LlmRequest): Replica;
  /** Sessions moved off their home replica (overloaded, or its KV could not hold the turn). */
  readonly moves: number;
}

/**
 * A home replica is overloaded when it has more than twice the least-loaded replica's requests
 * and at least MOVE_MARGIN more: below that, the prefix cache it holds is worth more than the
 * short wait (a moved session re-prefills its whole context elsewhere).
 */
const MOVE_MARGIN = 4;

/** A least-loaded index kept up to date by the replicas' load changes. */
function indexOf(replicas: readonly Replica[], rng: Rng): LoadIndex {
  const index = new LoadIndex(replicas.length, rng);
  replicas.forEach((r, i) => {
    index.set(i, r.outstanding);
    r.loadIndex = index;
    r.loadSlot = i;
  });
  return index;
}

export function makeRouter(kind: RouterKind, replicas: readonly Replica[], rng: Rng): Router {
  if (replicas.length === 0) throw new Error('router: a pool needs at least one replica');
  switch (kind) {
    case 'round-robin': {
      let next = 0;
      return { moves: 0, route: () => replicas[next++ % replicas.length] };
    }
    case 'least-outstanding': {
      const index = indexOf(replicas, rng);
      return { moves: 0, route: () => replicas[index.leastLoaded()] };
    }
    case 'session-affinity': {
      const index = indexOf(replicas, rng);
      const home = new Map<number, number>();
      const router = {
        moves: 0,
        route(req: LlmRequest): Replica {
          if (req.sessionId < 0) return replicas[index.leastLoaded()];
          const h = home.get(req.sessionId);
          if (h !== undefined) {
            const load = index.loadOf(h);
            const min = index.minLoad;
            const overloaded = load > 2 * min && load >= min + MOVE_MARGIN;
            if (!overloaded && replicas[h].fitsNow(req)) return replicas[h];
          }
          const i = index.leastLoaded();
          if (h !== undefined && i !== h) router.moves++;
          home.set(req.sessionId, i);
          return replicas[i];
        },
      };
      return router;
    }
    case 'prefix-aware': {
      const route = (req: LlmRequest): Replica => {
        let best = replicas[0];
        let bestTokens = -1;
        for (const r of replicas) {
          const tokens = r.cachedPrefixTokens(req.segments, req.continues);
          if (tokens > bestTokens || (tokens === bestTokens && r.outstanding < best.outstanding)) {
            best = r;
            bestTokens = tokens;
          }
        }
        return best;
      };
      return { moves: 0, route };
    }
    default:
      return assertNever(kind);
  }
}
