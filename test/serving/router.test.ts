import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation } from '../../src/kernel/index.js';
import { Cluster, DEFAULT_ENGINE, LoadIndex, Replica } from '../../src/serving/index.js';
import { perfModel } from '../../src/perf/index.js';
import { stream } from '../../src/random/index.js';
import { gpu, llm } from '../support/models.js';
import { request } from '../support/serving.js';

describe('LoadIndex', () => {
  it('always returns a replica of the minimum load, as a linear scan finds it (random load changes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 12 })), { maxLength: 300 }), (n, changes) => {
        const index = new LoadIndex(n, stream(1, 'test'));
        const loads = new Array<number>(n).fill(0);
        for (const [i, load] of changes) {
          index.set(i % n, load);
          loads[i % n] = load;
          const min = Math.min(...loads);
          expect(index.minLoad).toBe(min);
          expect(loads[index.leastLoaded()]).toBe(min);
        }
      }),
    );
  });

  it('draws uniformly among tied replicas (10 tied, 10,000 draws: each 10% ± 1.5 points)', () => {
    const index = new LoadIndex(20, stream(7, 'test'));
    for (let i = 10; i < 20; i++) index.set(i, 1);
    const counts = new Array<number>(20).fill(0);
    for (let k = 0; k < 10_000; k++) counts[index.leastLoaded()]++;
    expect(counts.slice(10).every((c) => c === 0)).toBe(true);
    // Binomial(10,000, 0.1): sd 30, so ±150 is 5 sd.
    for (const c of counts.slice(0, 10)) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

function pool(sim: Simulation, n: number) {
  const m = llm('llama-3.1-8b');
  return Array.from({ length: n }, (_, i) => new Replica(`r${i}`, sim, perfModel(m, gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 }), DEFAULT_ENGINE, m.contextTokens));
}

describe('session-affinity', () => {
  it('spreads new sessions over idle replicas (64 replicas, 640 sessions that each send one short request at a time)', () => {
    const sim = new Simulation();
    const replicas = pool(sim, 64);
    const cluster = new Cluster(sim, { pools: [{ name: 'p', replicas, router: 'session-affinity' }], seed: 5 });
    // Sessions start 1 s apart and their requests finish long before the next starts: every
    // decision sees all replicas idle. Ties to replica 0 would put all 640 there.
    for (let s = 0; s < 640; s++) sim.schedule(s, () => cluster.submit(request(200, 4, { sessionId: s }), { onComplete: () => {} }));
    sim.run();
    const used = replicas.filter((r) => r.stats.completed > 0).length;
    const most = Math.max(...replicas.map((r) => r.stats.completed));
    // 640 balls in 64 bins: all bins used with probability ≈ 1 − 64·(63/64)^640 ≈ 0.9987, max load ≈ 20.
    expect(used).toBeGreaterThanOrEqual(62);
    expect(most).toBeLessThan(30);
  });

  it('keeps a session on its replica while it is not overloaded, and moves it (counted) when it is', () => {
    const sim = new Simulation();
    const replicas = pool(sim, 2);
    const cluster = new Cluster(sim, { pools: [{ name: 'p', replicas, router: 'session-affinity' }], seed: 1 });
    const send = (sessionId: number) => cluster.submit(request(500, 2000, { sessionId }), { onComplete: () => {} });
    // Session 1 sends 10 turns at once (none finishes): its home takes 4; the 5th finds the home
    // at 4 requests, more than twice the other's 0 and 4 more, so the session moves; the new home
    // (min then 4) takes the remaining 6, staying below twice 4.
    for (let k = 0; k < 10; k++) send(1);
    expect(replicas.map((r) => r.outstanding).sort()).toEqual([4, 6]);
    const router = (cluster as unknown as { routers: Map<string, { moves: number }> }).routers.get('p')!;
    expect(router.moves).toBe(1);
    expect(cluster.sessionMoves).toBe(router.moves);
  });
});
