/**
 * Routing cost at fleet scale: least-loaded decisions among 1,000 replicas through the shipped
 * router (bucketed load index), against a plain linear scan of the same replicas in this process.
 * Each decision is followed by its load change and one completion elsewhere, keeping ~5 requests
 * per replica in flight, as in a loaded pool (an idle fleet would flatter both).
 */
import { performance } from 'node:perf_hooks';
import { makeRouter, type Replica } from '../src/serving/index.js';
import { stream } from '../src/random/index.js';
import type { LlmRequest } from '../src/domain/request.js';
import type { Row } from './rows.js';

const REPLICAS = 1000;
const DECISIONS = 1_000_000;
const IN_FLIGHT = 5 * REPLICAS;

/** What the router reads and writes on a replica. */
interface LoadOnly {
  outstanding: number;
  loadIndex?: { set(slot: number, load: number): void };
  loadSlot: number;
}

/** What a replica does when its load changes. */
function changed(r: LoadOnly): void {
  r.loadIndex?.set(r.loadSlot, r.outstanding);
}

const request: LlmRequest = { id: 0, sessionId: -1, cls: 'interactive', inputTokens: 100, outputTokens: 10, reasoningTokens: 0, segments: [] };

/** Microseconds per decision (with its load changes) for `route` over `replicas`. */
function drive(route: () => LoadOnly): number {
  const rng = stream(1, 'bench', 'routing');
  const inFlight: LoadOnly[] = [];
  const step = () => {
    const r = route();
    r.outstanding++;
    changed(r);
    inFlight.push(r);
    if (inFlight.length > IN_FLIGHT) {
      const k = Math.floor(rng.next() * inFlight.length);
      const done = inFlight[k];
      inFlight[k] = inFlight[inFlight.length - 1];
      inFlight.pop();
      done.outstanding--;
      changed(done);
    }
  };
  for (let i = 0; i < 2 * IN_FLIGHT; i++) step(); // fill the pool, warm up the JIT
  const t0 = performance.now();
  for (let i = 0; i < DECISIONS; i++) step();
  return ((performance.now() - t0) * 1e3) / DECISIONS;
}

export function routingRows(): Row[] {
  const indexed = Array.from({ length: REPLICAS }, (): LoadOnly => ({ outstanding: 0, loadSlot: 0 }));
  const router = makeRouter('least-outstanding', indexed as unknown as Replica[], stream(1, 'bench', 'ties'));
  const fast = drive(() => router.route(request) as unknown as LoadOnly);
  const scanned = Array.from({ length: REPLICAS }, (): LoadOnly => ({ outstanding: 0, loadSlot: 0 }));
  const linear = drive(() => {
    let best = scanned[0];
    for (const r of scanned) if (r.outstanding < best.outstanding) best = r;
    return best;
  });
  return [{
    name: `routing at ${REPLICAS} replicas (least-loaded decision, ~5 requests per replica in flight)`,
    value: fast,
    unit: 'us/req',
    higherIsBetter: false,
    goal: '<= 2 us',
    baseline: { name: 'linear scan of the same replicas', value: linear },
  }];
}
