/**
 * The kernel against queueing theory. Each case's tolerance is the run's own 99.9% confidence
 * half-width from 20 batch means (t = 3.883), not a loose constant: a kernel that reorders or
 * drops events shifts the mean wait by far more than that.
 */
import { describe, expect, it } from 'vitest';
import { runQueue } from '../../bench/queueing.js';
import { constant, exponential, stream } from '../../src/random/index.js';
import { batchMeans, erlangC, T_999_19 } from '../support/stats.js';

const theory = {
  'M/M/1': (rho: number) => rho / (1 - rho), // μ = 1: Wq = ρ/(μ − λ)
  'M/M/3': (rho: number) => erlangC(3, 3 * rho) / (3 - 3 * rho), // Wq = C(c, a)/(cμ − λ)
  'M/D/1': (rho: number) => rho / (2 * (1 - rho)), // Pollaczek–Khinchine with service variance 0
};

const cases = (['M/M/1', 'M/M/3', 'M/D/1'] as const).flatMap((model) =>
  [0.5, 0.8, 0.95].map((rho) => ({ model, rho })),
);

describe('kernel against queueing theory (service rate 1 per server)', () => {
  it.each(cases)('$model at ρ = $rho: mean wait within the 99.9% batch-means interval', ({ model, rho }) => {
    const servers = model === 'M/M/3' ? 3 : 1;
    // Near saturation the queue forgets its past slowly: longer runs keep batches independent.
    const customers = rho === 0.95 ? 4_000_000 : 1_000_000;
    const run = runQueue({
      customers,
      servers,
      interarrival: exponential(1 / (rho * servers)),
      service: model === 'M/D/1' ? constant(1) : exponential(1),
      arrivalRng: stream(2024, model, rho, 'arrivals'),
      serviceRng: stream(2024, model, rho, 'service'),
    });
    expect(run.events).toBe(2 * customers);
    const { mean, se } = batchMeans(run.waits, 20, customers / 20);
    const expected = theory[model](rho);
    const halfWidth = T_999_19 * se;
    console.log(`${model} ρ=${rho}: simulated Wq ${mean.toFixed(4)} ± ${halfWidth.toFixed(4)}, theory ${expected.toFixed(4)}`);
    expect(Math.abs(mean - expected)).toBeLessThan(halfWidth);
    // The interval must be informative: narrower than 10% of the value it checks.
    expect(halfWidth).toBeLessThan(0.1 * expected);
  }, 60_000);
});
