/**
 * A GPU model keeps the parts of a step's cost that depend on its counts only (sequences, chunks,
 * new tokens) for the last counts it saw, since a decode run's planned steps share them. A model
 * given a sequence of batches (runs of the same counts with growing contexts, the counts changing
 * between runs, back and forth) must cost every batch to the bit as a new model would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newStepCost, type BatchShape } from '../../src/domain/batch.js';
import { perfModel, type PerfModel } from '../../src/perf/index.js';
import { gpu, llm } from '../support/models.js';

const models: [string, () => PerfModel][] = [
  ['H100, Llama 3.1 8B', () => perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 })],
  ['8 × H100 TP 4 × PP 2, Llama 3.1 70B', () => perfModel(llm('llama-3.1-70b'), gpu('h100-sxm'), { count: 8, tp: 4, pp: 2 })],
  ['8 × H200, an MoE', () => perfModel(llm('qwen3-30b-a3b'), gpu('h200'), { count: 8, tp: 8, pp: 1 })],
  ['2 × H100, Gemma 3 27B (sliding-window layers)', () => perfModel(llm('gemma-3-27b'), gpu('h100-sxm'), { count: 2, tp: 2, pp: 1 })],
];

// A run: one batch's counts, then `steps` steps whose contexts grow (as DecodeRun plans them).
const run = fc.record({
  decodeSeqs: fc.integer({ min: 0, max: 64 }),
  context: fc.integer({ min: 0, max: 32_768 }),
  prefillTokens: fc.constantFrom(0, 0, 3, 512, 8192),
  prefillContext: fc.integer({ min: 0, max: 32_768 }),
  chunks: fc.integer({ min: 1, max: 3 }),
  steps: fc.integer({ min: 1, max: 6 }),
});

type Run = typeof run extends fc.Arbitrary<infer R> ? R : never;

function batchesOf(runs: Run[]): BatchShape[] {
  const batches: BatchShape[] = [];
  for (const r of runs) {
    for (let i = 0; i < r.steps; i++) {
      batches.push({
        decodeSeqs: r.decodeSeqs,
        decodeContextSum: r.decodeSeqs * (r.context + i),
        prefillSeqs: r.prefillTokens > 0 ? r.chunks : 0,
        prefillTokens: r.prefillTokens,
        prefillContextSum: r.prefillTokens > 0 ? r.prefillContext : 0,
        prefillAttentionPairs: r.prefillTokens * r.prefillContext + (r.prefillTokens * (r.prefillTokens + 1)) / 2,
      });
    }
  }
  return batches.filter((b) => b.decodeSeqs + b.prefillTokens > 0);
}

describe('GPU step cost over a sequence of batches', () => {
  it.each(models)('%s: every cost equals a new model\'s (property)', (_, make) => {
    fc.assert(fc.property(fc.array(run, { minLength: 1, maxLength: 12 }), (runs) => {
      const model = make();
      const into = newStepCost();
      for (const b of batchesOf(runs)) {
        const fresh = make().step(b);
        expect(model.step(b, into)).toEqual(fresh);
        expect(Object.is(into.seconds, fresh.seconds)).toBe(true);
      }
    }), { seed: 5, numRuns: 100 });
  });
});
