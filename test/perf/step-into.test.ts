/**
 * The engine asks for a step's cost with a StepCost of its own (`step(batch, into)`, no object per
 * step); reports ask without one. Both must give the same cost to the bit, for every kind of
 * model the engine runs (GPU with TP and PP, MoE, capped attention layers, wafer, speculative, scaled), and the first
 * must write into the object it was given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newStepCost, type BatchShape } from '../../src/domain/batch.js';
import { perfModel, scaledPerfModel, speculativeDeployment, type PerfModel } from '../../src/perf/index.js';
import { gpu, llm, wafer } from '../support/models.js';

const models: [string, () => PerfModel][] = [
  ['H100, Llama 3.1 8B', () => perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 })],
  ['8 × H100 TP 4 × PP 2, Llama 3.1 70B', () => perfModel(llm('llama-3.1-70b'), gpu('h100-sxm'), { count: 8, tp: 4, pp: 2 })],
  ['8 × H200, an MoE', () => perfModel(llm('qwen3-30b-a3b'), gpu('h200'), { count: 8, tp: 8, pp: 1 })],
  ['2 × H100, Gemma 3 27B (sliding-window layers)', () => perfModel(llm('gemma-3-27b'), gpu('h100-sxm'), { count: 2, tp: 2, pp: 1 })],
  ['CS-3, gpt-oss-20b (MoE, sliding window)', () => perfModel(llm('gpt-oss-20b'), wafer(), { count: 1, tp: 1, pp: 1 })],
  ['CS-3, Llama 3.1 8B', () => perfModel(llm('llama-3.1-8b'), wafer(), { count: 1, tp: 1, pp: 1 })],
  ['speculative on CS-3', () => speculativeDeployment(llm('llama-3.1-8b'), wafer(), { count: 1, tp: 1, pp: 1 }, llm('llama-3.2-1b'), { k: 4, acceptance: 0.7 }).model],
  ['scaled × 1.3', () => scaledPerfModel(perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 }), 1.3)],
];

const shape = fc.record({
  decodeSeqs: fc.integer({ min: 0, max: 256 }),
  contextPerSeq: fc.integer({ min: 0, max: 32_768 }),
  prefillTokens: fc.integer({ min: 0, max: 8192 }),
  prefillContext: fc.integer({ min: 0, max: 32_768 }),
}).map(({ decodeSeqs, contextPerSeq, prefillTokens, prefillContext }): BatchShape => ({
  decodeSeqs,
  decodeContextSum: decodeSeqs * contextPerSeq,
  prefillSeqs: prefillTokens > 0 ? 1 : 0,
  prefillTokens,
  prefillContextSum: prefillTokens > 0 ? prefillContext : 0,
  prefillAttentionPairs: prefillTokens * prefillContext + (prefillTokens * (prefillTokens + 1)) / 2,
})).filter((b) => b.decodeSeqs + b.prefillTokens > 0);

describe('PerfModel.step into a caller-owned StepCost', () => {
  it.each(models)('%s: the same cost as a new object, written into the one given', (_, make) => {
    const model = make();
    const into = newStepCost();
    fc.assert(fc.property(shape, (b) => {
      const fresh = model.step(b);
      const written = model.step(b, into);
      expect(written).toBe(into);
      expect(written).toEqual(fresh);
    }), { seed: 3, numRuns: 200 });
  });
});
