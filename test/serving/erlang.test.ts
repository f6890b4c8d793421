/**
 * The replica engine against queueing theory (a second implementation: Erlang C). A replica
 * with a sequence cap of c, a step that always costs δ, one-token prompts and geometric output
 * lengths (mean 1/p steps: service ≈ exponential with mean δ/p, CV² = 1 − p) is an M/M/c queue
 * with discrete service. Its mean queue wait (arrival → admission) must match
 * Wq = C(c, a) / (cμ − λ) within the run's 99.9% batch-means interval, widened by one step δ:
 * an arrival into a busy replica with a free slot waits for the step in progress to end (≤ δ).
 * Seed 11; ρ = 0.8, c = 4, δ = 5 ms, mean service 1 s, 240,000 requests.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/index.js';
import { perfModel, type PerfModel } from '../../src/perf/index.js';
import { stream } from '../../src/random/index.js';
import { DEFAULT_ENGINE, Replica } from '../../src/serving/index.js';
import { gpu, llm } from '../support/models.js';
import { request } from '../support/serving.js';
import { batchMeans, erlangC, T_999_19 } from '../support/stats.js';

describe('replica as an M/M/c queue', () => {
  it('mean queue wait matches Erlang C (c = 4, ρ = 0.8) within the 99.9% interval + one step', () => {
    const c = 4;
    const rho = 0.8;
    const stepSeconds = 0.005;
    const p = 0.005; // mean output 200 tokens → mean service 1 s
    const lambda = rho * c; // μ = 1 per second
    const customers = 240_000;
    const base = perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 });
    const perf: PerfModel = { fit: base.fit, step: () => ({ seconds: stepSeconds, compute: 0, memory: 0, communication: 0, overhead: stepSeconds, bound: 'overhead' }) };
    const sim = new Simulation();
    const arrived = new Map<number, number>();
    const waits = new Float64Array(customers);
    let admitted = 0;
    const replica = new Replica('mmc', sim, perf, { ...DEFAULT_ENGINE, maxSeqs: c, prefixCaching: false }, 1e9, {
      onArrive: (r, _rep, t) => void arrived.set(r.id, t),
      onAdmit: (r, _rep, t) => {
        waits[admitted++] = t - arrived.get(r.id)!;
        arrived.delete(r.id);
      },
    });
    const arrivals = stream(11, 'erlang', 'arrivals');
    const lengths = stream(11, 'erlang', 'lengths');
    let sent = 0;
    const arrive = (): void => {
      // Geometric number of steps ≥ 1 with success probability p (inverse transform).
      const steps = 1 + Math.floor(Math.log(1 - lengths.next()) / Math.log(1 - p));
      replica.submit(request(1, steps), { onComplete: () => {} });
      if (++sent < customers) sim.schedule(-Math.log(1 - arrivals.next()) / lambda, arrive);
    };
    sim.schedule(0, arrive);
    sim.run();
    expect(admitted).toBe(customers);
    const { mean, se } = batchMeans(waits, 20, customers / 20);
    const expected = erlangC(c, lambda) / (c - lambda); // Wq = C(c, a)/(cμ − λ) = 0.7455 s
    const halfWidth = T_999_19 * se;
    console.log(`replica M/M/${c} ρ=${rho}: simulated Wq ${mean.toFixed(4)} ± ${halfWidth.toFixed(4)} s, Erlang C ${expected.toFixed(4)} s`);
    expect(mean).toBeGreaterThan(expected - halfWidth);
    expect(mean).toBeLessThan(expected + halfWidth + stepSeconds);
    // Informative: the interval is narrower than 15% of the value it checks.
    expect(halfWidth).toBeLessThan(0.15 * expected);
  }, 120_000);
});
