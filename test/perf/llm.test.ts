/** LLM arithmetic against hand-computed values and the models' published parameter counts. */
import { describe, expect, it } from 'vitest';
import { llmIds } from '../../src/io/models.js';
import {
  activationBytesPerToken, attentionParams, expertsTouched, flopsPerToken, kvBytesPerToken, resolvePrecision, totals, weightBytes,
} from '../../src/perf/index.js';
import { llm } from '../support/models.js';

describe('LLM arithmetic', () => {
  it('Llama 3.1 70B: 327,680 KV bytes per token in 16-bit (2 × 80 layers × 8 KV heads × 128 × 2 B)', () => {
    const m = llm('llama-3.1-70b');
    expect(kvBytesPerToken(m, m.precision)).toBe(327_680);
    // A 128K context holds ~43 GB of KV: a whole wafer's SRAM (REFERENCE.md §3).
    expect(kvBytesPerToken(m, m.precision) * 131_072).toBeCloseTo(42.95e9, -8);
  });
  it('Llama 3.1 8B: 131,072 KV bytes per token; half in FP8', () => {
    const m = llm('llama-3.1-8b');
    expect(kvBytesPerToken(m, m.precision)).toBe(131_072);
    expect(kvBytesPerToken(m, resolvePrecision(m, { kvCache: 'fp8' }))).toBe(65_536);
  });
  it('Llama 3.1 8B: attention 41.9 M parameters per layer, 8.03 B in all, 16.06 GB in 16-bit', () => {
    const m = llm('llama-3.1-8b');
    // Q 4096×4096 + K,V 2×4096×1024 + O 4096×4096
    expect(attentionParams(m)).toBe(4096 * 4096 * 2 + 2 * 4096 * 1024);
    const t = totals(m);
    // 32 × (41,943,040 + 3 × 4096 × 14336) + 2 × 128256 × 4096
    expect(t.totalParams).toBe(32 * (41_943_040 + 3 * 4096 * 14336) + 2 * 128256 * 4096);
    expect(weightBytes(m, m.precision)).toBe(2 * t.totalParams);
  });
  it('FLOPs per token: 2 × active parameters (with the output head) + 4 × layers × heads × head dim × context', () => {
    const m = llm('llama-3.1-8b');
    const t = totals(m);
    const linear = 2 * (t.activeLayerParams + 128256 * 4096);
    expect(flopsPerToken(m, 0)).toBe(linear);
    expect(flopsPerToken(m, 1000) - flopsPerToken(m, 0)).toBe(4 * 32 * 32 * 128 * 1000);
  });
  it('activations crossing a TP or PP boundary: hidden × 2 bytes per token', () => {
    const m = llm('llama-3.1-70b');
    expect(activationBytesPerToken(m, m.precision)).toBe(8192 * 2);
  });
  it('MXFP4 experts: gpt-oss-120b weighs ~65 GB (4.25 bits per expert weight), not 234 GB', () => {
    const m = llm('gpt-oss-120b');
    const bytes = weightBytes(m, m.precision);
    expect(bytes / 1e9).toBeGreaterThan(60);
    expect(bytes / 1e9).toBeLessThan(70);
    expect(weightBytes(m, resolvePrecision(m, { experts: 'bf16' })) / 1e9).toBeCloseTo(234, -1);
  });
  it('experts touched by a batch: E × (1 − (1 − k/E)^n)', () => {
    const m = llm('qwen3-235b-a22b'); // 128 experts, 8 active
    expect(expertsTouched(m, 1)).toBeCloseTo(8, 10);
    expect(expertsTouched(m, 1000)).toBeCloseTo(128, 6);
    expect(expertsTouched(m, 16)).toBeCloseTo(128 * (1 - (120 / 128) ** 16), 10);
    expect(expertsTouched(llm('llama-3.1-8b'), 10)).toBe(0);
  });

  // Published parameter counts (model cards; REFERENCE.md §3) against the arithmetic: within 3%.
  // Publishers differ on whether "active" counts the input embedding (a look-up, no FLOPs):
  // OpenAI's 5.1 B for gpt-oss-120b leaves it out, Meta's and Qwen's counts keep it. The check
  // takes whichever convention the publisher used.
  it.each(llmIds())('%s: total and active parameters within 3% of the published counts', (id) => {
    const m = llm(id);
    const t = totals(m);
    const totalError = t.totalParams / m.publishedParams - 1;
    const activeErrors = [t.activeParams, t.activeParams - t.embeddingParams].map((a) => a / m.publishedActiveParams - 1);
    const activeError = activeErrors.reduce((a, b) => (Math.abs(a) < Math.abs(b) ? a : b));
    console.log(`${id}: total ${(t.totalParams / 1e9).toFixed(2)} B vs ${m.publishedParams / 1e9} B (${(100 * totalError).toFixed(1)}%), active ${(t.activeParams / 1e9).toFixed(2)} B vs ${m.publishedActiveParams / 1e9} B (${(100 * activeError).toFixed(1)}%)`);
    expect(Math.abs(totalError)).toBeLessThan(0.03);
    expect(Math.abs(activeError)).toBeLessThan(0.03);
  });
});
