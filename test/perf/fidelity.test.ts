/**
 * The physics of issue 11, each against an independent reference: hand-worked arithmetic (shown
 * in the comments), the direction of a published measurement, or a second way of computing it.
 */
import { describe, expect, it } from 'vitest';
import { decodeBatch, prefillBatch } from '../../src/domain/batch.js';
import { flopsPerToken, kvBytesAt, kvBytesPerSequence, kvBytesPerToken, perfModel, resolvePrecision, speculativeDeployment } from '../../src/perf/index.js';
import { peakFor } from '../../src/perf/gpu.js';
import { gpu, llm, wafer } from '../support/models.js';

const dep = (count: number, extra: object = {}) => ({ count, tp: 1, pp: 1, ...extra });

describe('layer kinds', () => {
  it('gpt-oss-120b keeps whole-context KV in its 18 full layers only, 128 tokens in the 18 sliding ones', () => {
    const m = llm('gpt-oss-120b');
    const p = resolvePrecision(m);
    // 18 full layers × K and V × 8 KV heads × 64 dims × 2 bytes = 36,864 B per token.
    expect(kvBytesPerToken(m, p)).toBe(36_864);
    // 18 sliding layers × 2 × 8 × 64 × 2 B × 128-token window = 4,718,592 B per sequence.
    expect(kvBytesPerSequence(m, p)).toBe(4_718_592);
    // At 100K tokens: 36,864 × 100,000 + 4,718,592 = 3,691,118,592 B, about half of all-full (7,372,800,000).
    expect(kvBytesAt(m, p, 100_000)).toBe(3_691_118_592);
  });
  it('Llama 4 Maverick keeps whole-context KV in 12 of its 48 layers, 8,192 tokens in the other 36', () => {
    const m = llm('llama-4-maverick');
    const p = resolvePrecision(m);
    // 12 global layers × 2 × 8 × 128 × 2 B = 49,152 B per token; 36 chunked × 4,096 B × 8,192 = 1,207,959,552 B per sequence.
    expect(kvBytesPerToken(m, p)).toBe(49_152);
    expect(kvBytesPerSequence(m, p)).toBe(1_207_959_552);
    // At 100K tokens, 3.2× less than treating all 48 layers as full (196,608 × 100,000).
    expect((196_608 * 100_000) / kvBytesAt(m, p, 100_000)).toBeCloseTo(3.2, 1);
  });
  it('a sliding layer reads at most its window: attention FLOPs stop growing there', () => {
    const m = llm('gpt-oss-120b');
    // Per extra token of context beyond the window only the 18 full layers read one more key each:
    // 18 × 4 × 64 heads × 64 dims = 294,912 FLOPs.
    expect(flopsPerToken(m, 10_001) - flopsPerToken(m, 10_000)).toBe(294_912);
    // Below the window every layer does: 36 × 4 × 64 × 64 = 589,824.
    expect(flopsPerToken(m, 101) - flopsPerToken(m, 100)).toBe(589_824);
  });
  it('windowed KV doubles how many 100K-token users 6 × CS-3 hold for gpt-oss-120b', () => {
    const m = perfModel(llm('gpt-oss-120b'), wafer(), dep(6, { precision: { experts: 'bf16' } }));
    const users = Math.floor(m.fit.kvCapacityTokens / (100_000 + m.fit.kvReserveTokensPerSequence));
    // Second way: free SRAM of the tightest wafer / bytes of one 100K sequence on it (1/6 of the layers).
    const p = resolvePrecision(llm('gpt-oss-120b'), { experts: 'bf16' });
    const tightest = Math.min(...m.fit.placement.map((x) => x.freeBytes));
    const perWafer = kvBytesAt(llm('gpt-oss-120b'), p, 100_000) / 6;
    expect(Math.abs(users - Math.floor(tightest / perWafer))).toBeLessThanOrEqual(1);
  });
});

describe('precision per matmul group', () => {
  it('an FP8 peak applies only to the matmuls stored in FP8', () => {
    const h = gpu('h100-sxm');
    const m = llm('llama-3.1-8b');
    const bf16 = perfModel(m, h, dep(1)).step(prefillBatch(8192)).compute;
    const mlpFp8 = perfModel(m, h, dep(1, { precision: { mlp: 'fp8' } })).step(prefillBatch(8192)).compute;
    const allFp8 = perfModel(m, h, dep(1, { precision: { attention: 'fp8', mlp: 'fp8', embeddings: 'fp8', kvCache: 'fp8' } })).step(prefillBatch(8192)).compute;
    // FP8 everywhere halves compute exactly (1,979 vs 989 TFLOPS); FP8 MLP alone saves half of the
    // MLP's share: 3 × 4096 × 14336 × 32 = 5.64 G of the 7.5 G linear params per token.
    expect(bf16 / allFp8).toBeCloseTo(1979 / 989, 2);
    expect(mlpFp8).toBeGreaterThan(allFp8);
    expect(mlpFp8).toBeLessThan(bf16);
  });
  it('MXFP4 runs at the FP4 peak only where the GPU has FP4 units', () => {
    expect(peakFor(gpu('h100-sxm'), 'mxfp4')).toBe(gpu('h100-sxm').peakFlops.bf16);
    const b200 = gpu('b200');
    expect(peakFor(b200, 'mxfp4')).toBe(b200.peakFlops.fp4 ?? b200.peakFlops.bf16);
  });
});

describe('wafer mesh (PLMR)', () => {
  it('charges the bytes a step moves: communication grows with the tokens of a prefill', () => {
    const m = perfModel(llm('llama-3.1-70b'), wafer(), dep(4));
    const comm = (n: number) => m.step(prefillBatch(n)).communication;
    // Beyond the fixed part (hops, and the MeshGEMM shift steps every prefilling step pays):
    expect(comm(10_000)).toBeGreaterThan(2 * comm(1));
    // Linear in the tokens per micro-batch beyond the fixed hops: the 80-layer pipeline splits a
    // prefill into 80 micro-batches, so 10,000 tokens carry 125 each and 800 carry 10 (one: 1).
    expect((comm(10_000) - comm(1)) / (comm(800) - comm(1))).toBeCloseTo((125 - 1) / (10 - 1), 6);
  });
  it('bounds saturated throughput: a large batch runs slower than its compute alone would', () => {
    const m = perfModel(llm('llama-3.1-8b'), wafer(), dep(1));
    const big = m.step(decodeBatch(4096, 1024));
    expect(big.communication).toBeGreaterThan(big.compute);
  });
  it('WaferLLM on CS-2: decode slows and prefill speeds up as the region grows (REFERENCE §5b)', () => {
    const m = llm('llama-3.1-8b');
    const at = (side: number) => perfModel(m, wafer('cs-2'), dep(1, { cores: side * side }));
    const decode = (side: number) => 1 / at(side).step(decodeBatch(1, 4096)).seconds;
    const prefill = (side: number) => 4096 / at(side).step(prefillBatch(4096)).seconds;
    // Published: decode 2,699.9 / 2,501.5 / 2,243.3 at 420² / 540² / 660²; prefill 20,321 / 25,037 / 27,687 at 480² / 600² / 720².
    expect(decode(420)).toBeGreaterThan(decode(540));
    expect(decode(540)).toBeGreaterThan(decode(660));
    expect(prefill(480)).toBeLessThan(prefill(600));
    expect(prefill(600)).toBeLessThan(prefill(720));
  });
  it('a step that prefills pays each MeshGEMM its n shift steps, so short prompts prefill at a lower rate', () => {
    const cs2 = wafer('cs-2');
    const m = perfModel(llm('llama-3.1-8b'), cs2, dep(1, { cores: 600 * 600 }));
    // 32 layers × 4 matmul groups (QKV, O, gate/up, down) + the output head = 129 MeshGEMMs, each
    // 600 shift steps of σ cycles at 1.1 GHz; a decode step (MeshGEMV) does not pay them.
    // (600 tokens: a whole row of tiles, so the prefill and the decode batch move the same bytes.)
    const steps = m.step(prefillBatch(600)).communication - m.step(decodeBatch(600, 1)).communication;
    expect(cs2.calibration.gemmStepCycles).toBeGreaterThan(0);
    expect(steps / ((129 * 600 * cs2.calibration.gemmStepCycles) / 1.1e9)).toBeCloseTo(1, 9);
    // WaferLLM's end-to-end rows imply ~18K tok/s for a 2,048-token prompt and ~25K for 4,096.
    const rate = (t: number) => t / m.step(prefillBatch(t)).seconds;
    expect(rate(2048)).toBeLessThan(0.85 * rate(4096));
  });
  it('cuts a prefill on a region into whole tiles: 2,048 tokens on 600² cores move the bytes of 2,400', () => {
    // WaferLLM's configurations pad every dimension to a multiple of the region's side (hidden
    // 4,096 -> 4,200 on 420² cores, 4,620 on 660²).
    const onRegion = perfModel(llm('llama-3.1-8b'), wafer('cs-2'), dep(1, { cores: 600 * 600 }));
    const comm = (m: typeof onRegion, t: number) => m.step(prefillBatch(t)).communication;
    expect(comm(onRegion, 2048)).toBe(comm(onRegion, 2400));
    expect(comm(onRegion, 2401)).toBeGreaterThan(comm(onRegion, 2400));
    // Off a region (a layer's share of the wafer has no published shape) nothing is padded.
    const service = perfModel(llm('llama-3.1-8b'), wafer(), dep(1));
    expect(comm(service, 2400)).toBeGreaterThan(comm(service, 2048));
  });
  it('a region larger than the wafer does not fit', () => {
    const m = perfModel(llm('llama-3.1-8b'), wafer('cs-2'), dep(1, { cores: 1000 * 1000 }));
    expect(m.fit.fits).toBe(false);
    expect(m.fit.reason).toMatch(/region of 1,000,000 cores/);
  });
  it('runs attention on every core of a layer, so MoE long contexts do not collapse per-user speed', () => {
    const m = perfModel(llm('gpt-oss-120b'), wafer(), dep(6, { precision: { experts: 'bf16' } }));
    const perUser = (ctx: number) => 1 / m.step(decodeBatch(1, ctx)).seconds;
    // Attention and KV reads at 100K on the layer's ~150K cores add little to a ~0.5 ms token.
    expect(perUser(100_000) / perUser(1000)).toBeGreaterThan(0.8);
  });
});

describe('speculative draft as its own deployment', () => {
  it('spreads the draft over one of the target wafers, time-shared, which leaves the target less KV room', () => {
    const target = perfModel(llm('llama-3.3-70b'), wafer(), dep(4));
    const s = speculativeDeployment(llm('llama-3.3-70b'), wafer(), dep(4), llm('llama-3.2-1b'), { k: 8, acceptance: 0.8 });
    expect(s.where).toMatch(/one CS-3 .*of the target's, time-shared/);
    expect(s.draft.fit.fits).toBe(true);
    expect(s.target.fit.kvCapacityTokens).toBeLessThan(target.fit.kvCapacityTokens);
    // The draft's 16 layers on one wafer, not spread over all 4.
    expect(s.draft.fit.count).toBe(1);
    // Streaming from a whole wafer's SRAM, a draft step is its 16 layers' sync and hops (~10 µs
    // each) plus the step overhead: ~0.2 ms, not the ~0.46 ms of the fewest cores that hold it.
    expect(s.draft.step(decodeBatch(1, 1024)).seconds).toBeLessThan(0.25e-3);
  });
  it('co-locates the draft on the target GPUs, taking HBM from the KV cache', () => {
    const h = gpu('h200');
    const d = { count: 4, tp: 4, pp: 1 };
    const plain = perfModel(llm('llama-3.3-70b'), h, d);
    const s = speculativeDeployment(llm('llama-3.3-70b'), h, d, llm('llama-3.2-1b'), { k: 8, acceptance: 0.8 });
    // 1B draft ≈ 2.47 GB of 16-bit weights ÷ 327,680 B per target token ≈ 7,5xx tokens fewer.
    const lost = plain.fit.kvCapacityTokens - s.target.fit.kvCapacityTokens;
    expect(lost).toBeGreaterThan(7000);
    expect(lost).toBeLessThan(8000);
  });
});
