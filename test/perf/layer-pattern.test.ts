/** The layer-pattern format: dense-first MoE models, Llama 4's interleaving, MLA projections, every attention kind. */
import { describe, expect, it } from 'vitest';
import { attentionParams, isMoeLayer, kvBytesPerToken, layerParams } from '../../src/perf/index.js';
import { llm } from '../support/models.js';

describe('layer pattern', () => {
  it('DeepSeek-V3: layers 0–2 dense (first_k_dense_replace 3), 3–60 MoE', () => {
    const m = llm('deepseek-v3');
    const moe = Array.from({ length: m.layers }, (_, l) => isMoeLayer(m, l));
    expect(moe.slice(0, 3)).toEqual([false, false, false]);
    expect(moe.filter(Boolean).length).toBe(58);
    // A dense layer's MLP: 3 × 7168 × 18432 (gate, up, down).
    expect(layerParams(m, 0).mlp).toBe(3 * 7168 * 18432);
    expect(layerParams(m, 3).mlp).toBe(0);
  });
  it('Kimi-K2 keeps one dense layer, GLM-4.5 three', () => {
    const count = (id: string) => { const m = llm(id); return Array.from({ length: m.layers }, (_, l) => isMoeLayer(m, l)).filter(Boolean).length; };
    expect(count('kimi-k2')).toBe(60);
    expect(count('glm-4.5')).toBe(89);
  });
  it('Llama 4 Maverick interleaves dense and MoE layers (odd layers MoE) and chunked/full attention (every 4th full)', () => {
    const m = llm('llama-4-maverick');
    expect([0, 1, 2, 3].map((l) => isMoeLayer(m, l))).toEqual([false, true, false, true]);
    expect(m.attention.slice(0, 8).map((a) => a.kind)).toEqual(['chunked', 'chunked', 'chunked', 'full', 'chunked', 'chunked', 'chunked', 'full']);
  });
  it('MLA attention parameters of DeepSeek-V3, worked by hand from config.json', () => {
    // q_a 7168×1536 + q_b 1536×128×192 + kv_a 7168×(512+64) + kv_b 512×128×(128+128) + o 128×128×7168
    const hand = 7168 * 1536 + 1536 * 128 * 192 + 7168 * 576 + 512 * 128 * 256 + 128 * 128 * 7168;
    expect(attentionParams(llm('deepseek-v3'))).toBe(hand);
    expect(hand).toBe(187_105_280);
    // KV cache: one 576-element latent per layer and token, 16-bit: 61 × 576 × 2 bytes.
    const m = llm('deepseek-v3');
    expect(kvBytesPerToken(m, m.precision)).toBe(61 * 576 * 2);
  });
  it('Gemma 3: five sliding layers of 1,024 tokens then one full, repeated over 62 layers', () => {
    const m = llm('gemma-3-27b');
    expect(m.attention.filter((a) => a.kind === 'full').length).toBe(10);
    expect(m.attention[5]).toEqual({ kind: 'full' });
    expect(m.attention[0]).toEqual({ kind: 'sliding', window: 1024 });
  });
});
