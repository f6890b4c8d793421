/**
 * Step coalescing (serving/decode-run.ts) must give exactly the results of stepping one at a
 * time: every shipped scenario, at its golden size, is run both ways and every request record,
 * summary row and fingerprint must be identical (numbers compared as exact doubles).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation } from '../../src/kernel/index.js';
import { DEFAULT_ENGINE, Replica, type EngineConfig } from '../../src/serving/index.js';
import { perfModel } from '../../src/perf/index.js';
import { gpu, llm } from '../support/models.js';
import { recorder, request } from '../support/serving.js';
import { readScenario, resolveScenario } from '../../src/io/scenario.js';
import { runScenario, type ResolvedScenario } from '../../src/study/run.js';
import { applySets } from '../../src/cli/sets.js';
import { ROOT } from '../support/cli.js';
import { GOLDEN_SETS } from '../support/golden-sets.js';

function withCoalescing(s: ResolvedScenario, coalesceSteps: boolean): ResolvedScenario {
  return { ...s, systems: s.systems.map((sys) => ({ ...sys, pools: sys.pools.map((p) => ({ ...p, engine: { ...p.engine, coalesceSteps } })) })) };
}

/** With `countSteps`, every step record is handed out one by one; without, decode runs report theirs in one call. */
async function runAll(s: ResolvedScenario, countSteps = true) {
  const records: unknown[] = [];
  let steps = 0;
  const result = await runScenario(s, { records: 'all', onRecord: (r) => records.push(r), onStep: countSteps ? () => steps++ : undefined });
  return { records, runs: result.runs, timeseries: result.timeseries, fingerprints: result.fingerprints, steps };
}

describe('step coalescing gives the results of single-stepping', () => {
  it.each(Object.keys(GOLDEN_SETS))('%s: identical request records, summaries, time series and fingerprints', async (name) => {
    const loaded = readScenario(join(ROOT, 'scenarios', `${name}.yaml`));
    const { resolved } = resolveScenario(loaded, applySets(loaded.raw, GOLDEN_SETS[name]));
    const single = await runAll(withCoalescing(resolved, false));
    const coalesced = await runAll(withCoalescing(resolved, true));
    expect(single.records.length).toBeGreaterThan(0);
    expect(coalesced.records).toEqual(single.records);
    expect(coalesced.runs).toEqual(single.runs);
    expect(coalesced.timeseries).toEqual(single.timeseries);
    expect(coalesced.fingerprints).toEqual(single.fingerprints);
    expect(coalesced.steps).toBe(single.steps);
    const bulk = await runAll(withCoalescing(resolved, true), false);
    expect(bulk.records).toEqual(single.records);
    expect(bulk.runs).toEqual(single.runs);
    expect(bulk.timeseries).toEqual(single.timeseries);
    expect(bulk.fingerprints).toEqual(single.fingerprints);
  }, 120_000);
});

describe('step coalescing inside one replica', () => {
  interface Arrival { at: number; input: number; output: number; reasoning: number }

  function replay(arrivals: Arrival[], coalesceSteps: boolean, engine: Partial<EngineConfig> = {}, kvTokens?: number) {
    const sim = new Simulation();
    const rec = recorder();
    const steps: string[] = [];
    rec.onStep = (s) => void steps.push(`${s.start} ${s.seconds} ${s.decodeSeqs} ${s.prefillTokens} ${s.waiting} ${s.running} ${s.kvUsed}`);
    rec.onFirstVisibleToken = (r, t) => void steps.push(`request ${r.id} first visible token at ${t}`);
    const model = llm('llama-3.1-8b');
    const perf = perfModel(model, gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 });
    const small = kvTokens === undefined ? perf : { ...perf, fit: { ...perf.fit, kvCapacityTokens: kvTokens } };
    const replica = new Replica('r0', sim, small, { ...DEFAULT_ENGINE, ...engine, coalesceSteps }, model.contextTokens, rec);
    arrivals.forEach((a, i) => {
      // Two requests in three share a 256-token prefix (prefix cache hits, cached segments to evict).
      const shared = i % 3 !== 2 && a.input > 256 ? [{ key: 1, tokens: 256 }, { key: 1000 + i, tokens: a.input - 256 }] : [{ key: 1000 + i, tokens: a.input }];
      const req = request(a.input, a.output, { reasoningTokens: a.reasoning, id: i, segments: shared, outputKey: 5000 + i });
      sim.at(a.at, () => replica.submit(req, { onComplete: () => {} }));
    });
    sim.run();
    const lives = [...rec.lives.values()].map(({ req, ...life }) => ({ id: req.id, ...life }));
    return { lives, steps, events: sim.eventsRun, stats: { ...replica.stats } };
  }

  it('a lone long answer takes a handful of events instead of one per token, with the same times', () => {
    const arrivals = [{ at: 0, input: 1000, output: 2000, reasoning: 300 }];
    const single = replay(arrivals, false);
    const coalesced = replay(arrivals, true);
    expect(single.lives[0].done).toBeGreaterThan(0);
    expect(coalesced.lives).toEqual(single.lives);
    expect(coalesced.steps).toEqual(single.steps);
    expect(coalesced.stats).toEqual(single.stats);
    expect(single.events).toBeGreaterThan(2000);
    expect(coalesced.events).toBeLessThan(10); // arrival, prefill, run to the first visible token, run to the end
  });

  it('runs planned in pieces after arrivals cut runs short: the same times, steps and stats', () => {
    // Twelve arrivals 30 ms apart cut run after run, so the replica plans 8 steps at first and
    // extends; a later arrival lands in an extension of the long answer's run.
    const arrivals = Array.from({ length: 12 }, (_, i) => ({ at: 0.03 * i, input: 200 + 10 * i, output: 60, reasoning: 0 }));
    arrivals.push({ at: 1, input: 500, output: 3000, reasoning: 0 }, { at: 9.123, input: 300, output: 40, reasoning: 0 });
    const single = replay(arrivals, false);
    const coalesced = replay(arrivals, true);
    expect(coalesced.lives).toEqual(single.lives);
    expect(coalesced.steps).toEqual(single.steps);
    expect(coalesced.stats).toEqual(single.stats);
    expect(coalesced.events).toBeLessThan(single.events / 20);
  });

  it('random arrivals, small KV and tight batches: identical lives, steps and stats (property)', () => {
    const arrival = fc.record({
      at: fc.double({ min: 0, max: 5, noNaN: true }),
      input: fc.integer({ min: 1, max: 3000 }),
      output: fc.integer({ min: 1, max: 600 }),
      reasoning: fc.integer({ min: 0, max: 50 }),
    });
    const engine = fc.record({
      maxSeqs: fc.integer({ min: 1, max: 8 }),
      maxBatchTokens: fc.integer({ min: 64, max: 4096 }),
      policy: fc.constantFrom('decode-first' as const, 'prefill-first' as const),
      preemption: fc.constantFrom('recompute' as const, 'swap' as const),
      retention: fc.constantFrom({ kind: 'keep' as const }, { kind: 'ttl' as const, seconds: 0.5 }),
    });
    fc.assert(
      fc.property(fc.array(arrival, { minLength: 1, maxLength: 12 }), engine, fc.integer({ min: 2000, max: 20000 }), (arrivals, e, kvTokens) => {
        const single = replay(arrivals, false, e, kvTokens);
        const coalesced = replay(arrivals, true, e, kvTokens);
        expect(coalesced.lives).toEqual(single.lives);
        expect(coalesced.steps).toEqual(single.steps);
        expect(coalesced.stats).toEqual(single.stats);
      }),
      { numRuns: 150, seed: 17 },
    );
  });
});
