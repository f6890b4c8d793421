/** Behaviour of the GPU and wafer models that the published rows do not pin. */
import { describe, expect, it } from 'vitest';
import { decodeBatch, prefillBatch } from '../../src/domain/batch.js';
import { perfModel, speculativeStep, tokensPerStep } from '../../src/perf/index.js';
import { stream } from '../../src/random/index.js';
import type { GpuSpec } from '../../src/domain/specs.js';
import { gpu, llm, wafer } from '../support/models.js';

const dep = (count: number, extra: object = {}) => ({ count, tp: 1, pp: 1, ...extra });

describe('wafer-scale model', () => {
  it('splits Llama 3.1 70B over the fewest wafers that hold it: four CS-3 (141 GB of 16-bit weights, 41.8 GB usable each)', () => {
    const m = perfModel(llm('llama-3.1-70b'), wafer(), dep(1, { contextTokens: 4096 }));
    expect(m.fit.fits).toBe(false);
    expect(m.fit.minCount).toBe(4);
    expect(m.fit.reason).toMatch(/weights/);
    const four = perfModel(llm('llama-3.1-70b'), wafer(), dep(4, { contextTokens: 4096 }));
    expect(four.fit.fits).toBe(true);
    expect(four.fit.placement).toHaveLength(4);
    expect(four.fit.placement.map((p) => p.layers).join(' ')).toMatch(/layers 0–\d+ \+ embedding .* \+ output head$/);
  });
  it('holds 20B-class models on one wafer (Cerebras: "20B models fit on a single CS-3")', () => {
    expect(perfModel(llm('llama-3.1-8b'), wafer(), dep(1)).fit.minCount).toBe(1);
    expect(perfModel(llm('qwen3-32b'), wafer(), dep(1)).fit.minCount).toBe(2);
  });
  it('a 128K context is the SRAM cliff: 4 × CS-3 cannot hold one 128K Llama 70B sequence; 5 can', () => {
    const m70 = llm('llama-3.1-70b');
    const four = perfModel(m70, wafer(), dep(4));
    expect(Math.floor(four.fit.kvCapacityTokens / 131_072)).toBe(0);
    expect(perfModel(m70, wafer(), dep(4, { contextTokens: 131_072 })).fit.minCount).toBe(5);
    // Users a wafer of 8B holds fall 16× from 8K to 128K contexts.
    const eight = perfModel(llm('llama-3.1-8b'), wafer(), dep(1));
    const users = (ctx: number) => Math.floor(eight.fit.kvCapacityTokens / ctx);
    expect(users(8192)).toBeGreaterThanOrEqual(16 * users(131_072));
    expect(users(131_072)).toBe(1);
  });
  it('keeps per-user speed flat while the layer pipeline fills, then lets it fall', () => {
    const m = perfModel(llm('llama-3.1-8b'), wafer(), dep(1));
    const perUser = (b: number) => 1 / m.step(decodeBatch(b, 1024)).seconds;
    expect(perUser(32) / perUser(1)).toBeGreaterThan(0.95); // 32 layers: 32 sequences in flight
    expect(perUser(128) / perUser(1)).toBeLessThan(perUser(32) / perUser(1));
  });
  it('is latency-bound in decode: per-user speed holds up to the pipeline depth, using < 0.5% of SRAM bandwidth', () => {
    // REFERENCE.md §1: decode on the wafer runs far below what SRAM bandwidth allows (< 0.5%).
    const m = perfModel(llm('llama-3.1-70b'), wafer(), dep(4));
    const one = m.step(decodeBatch(1, 4096));
    const bytesPerSecond = m.fit.weightsBytes / one.seconds;
    expect(bytesPerSecond / (4 * wafer().sramBytesPerSecond)).toBeLessThan(0.005);
    // 80 layers in flight: 64 users cost no more per step than one.
    expect(m.step(decodeBatch(64, 4096)).seconds).toBeCloseTo(one.seconds, 12);
  });
  it('verifies k + 1 speculative tokens in about one decode step', () => {
    const m = perfModel(llm('llama-3.1-70b'), wafer(), dep(4));
    const one = m.step(decodeBatch(1, 1024)).seconds;
    const verify = m.step(decodeBatch(9, 1024)).seconds;
    expect(verify / one).toBeLessThan(1.1);
  });
});

describe('GPU model', () => {
  it('is bandwidth-bound in single-stream decode and compute-bound in a long prefill', () => {
    const m = perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), dep(1));
    expect(m.step(decodeBatch(1, 1024)).bound).toBe('memory');
    expect(m.step(prefillBatch(8192)).bound).toBe('compute');
  });
  it('grows step time with batch and context, and total throughput with batch', () => {
    const m = perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), dep(1));
    const t = (b: number, c: number) => m.step(decodeBatch(b, c)).seconds;
    expect(t(2, 1024)).toBeGreaterThan(t(1, 1024));
    expect(t(8, 8192)).toBeGreaterThan(t(8, 1024));
    expect(64 / t(64, 1024)).toBeGreaterThan(8 / t(8, 1024));
  });
  it('adds all-reduce time with tensor parallelism, and no all-reduce without it', () => {
    const m = llm('llama-3.1-70b');
    expect(perfModel(m, gpu('h100-sxm'), dep(2, { tp: 2 })).step(decodeBatch(1, 1024)).communication).toBeGreaterThan(0);
    expect(perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), dep(1)).step(decodeBatch(1, 1024)).communication).toBe(0);
  });
  it('gives the KV cache its share of the memory weights and reserves leave (TensorRT-LLM), or of the whole HBM (vLLM)', () => {
    const m = llm('llama-3.1-8b');
    const h100 = gpu('h100-sxm');
    const tokens = (kvMemory: GpuSpec['calibration']['kvMemory']) => perfModel(m, { ...h100, calibration: { ...h100.calibration, kvMemory } }, dep(1)).fit.kvCapacityTokens;
    // 85.52 GB (the driver's memory.total) − 16.06 GB of weights − 2 GB reserve, at 131,072 bytes per token
    expect(h100.calibration.kvMemory).toEqual({ of: 'free', fraction: 0.9 });
    expect(tokens({ of: 'free', fraction: 0.9 })).toBe(Math.floor(((85.52e9 - 16_059_990_016 - 2e9) * 0.9) / 131_072));
    expect(tokens({ of: 'hbm', fraction: 0.9 })).toBe(Math.floor((85.52e9 * 0.9 - 16_059_990_016 - 2e9) / 131_072));
  });
  it('charges host time per sequence for streaming its token out, which an offline run does not pay', () => {
    const m = llm('llama-3.1-8b');
    const h100 = gpu('h100-sxm');
    const cal = { ...h100.calibration, streamingOverheadSeconds: 30e-6 };
    const step = (streaming?: boolean) => perfModel(m, { ...h100, calibration: cal }, dep(1, { streaming })).step(decodeBatch(100, 1024));
    expect(step().overhead - step(false).overhead).toBeCloseTo(100 * 30e-6, 12);
    expect(step(true).seconds).toBe(step().seconds);
  });
  it('says a model does not fit, why, and how many GPUs would', () => {
    const fit = perfModel(llm('llama-3.1-405b'), gpu('h100-sxm'), dep(4, { tp: 4 })).fit;
    expect(fit.fits).toBe(false);
    expect(fit.reason).toMatch(/per GPU/);
    expect(fit.minCount).toBe(16);
  });
});

describe('speculative decoding', () => {
  it('yields the expected accepted run plus one: k = 4, a = 0.8 by hand', () => {
    // Token i + 1 of a step exists only if the first i drafts were accepted: 1 + a + a² + a³ + a⁴
    // = 1 + 0.8 + 0.64 + 0.512 + 0.4096 = 3.3616.
    expect(tokensPerStep(4, 0.8)).toBeCloseTo(3.3616, 12);
    expect(tokensPerStep(4, 0)).toBe(1);
    expect(tokensPerStep(4, 1)).toBe(5);
  });
  it('agrees with drawing acceptances one by one (second implementation; 200,000 seeded steps, ±4 standard errors)', () => {
    const rng = stream(7, 'test', 'speculative');
    const k = 3;
    const a = 0.6;
    const steps = 200_000;
    let tokens = 0;
    let squares = 0;
    for (let s = 0; s < steps; s++) {
      let accepted = 0;
      while (accepted < k && rng.next() < a) accepted++;
      tokens += accepted + 1; // the verify step always yields one token of its own
      squares += (accepted + 1) ** 2;
    }
    const mean = tokens / steps;
    const se = Math.sqrt((squares / steps - mean ** 2) / steps);
    expect(Math.abs(tokensPerStep(k, a) - mean)).toBeLessThan(4 * se);
  });
  it('costs k draft steps plus one verify step, and pays more on a wafer than on a GPU', () => {
    const cfg = { draftId: 'llama-3.2-1b', k: 4, acceptance: 0.8 };
    const gain = (target: ReturnType<typeof perfModel>, draft: ReturnType<typeof perfModel>) => {
      const s = speculativeStep(target, draft, cfg, 1, 1024);
      expect(s.seconds).toBeCloseTo(4 * s.draft.seconds + s.verify.seconds, 12);
      return (s.tokensPerStep / s.seconds) * target.step(decodeBatch(1, 1024)).seconds;
    };
    const onWafer = gain(perfModel(llm('llama-3.1-70b'), wafer(), dep(4)), perfModel(llm('llama-3.2-1b'), wafer(), dep(4)));
    const onGpu = gain(perfModel(llm('llama-3.1-70b'), gpu('h100-sxm'), dep(4, { tp: 4 })), perfModel(llm('llama-3.2-1b'), gpu('h100-sxm'), dep(4, { tp: 4 })));
    expect(onWafer).toBeGreaterThan(onGpu);
    expect(onWafer).toBeGreaterThan(2);
  });
});
