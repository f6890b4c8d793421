/**
 * A GPU replica: TP × PP GPUs. A step costs two rooflines one after the other, each the larger of
 * compute and HBM traffic at calibrated efficiencies: the matmuls against the weights they stream,
 * then attention against the KV it reads. Plus tensor-parallel all-reduces and pipeline
 * hand-offs, plus the host overhead that measured serving stacks spend on scheduling, launches
 * and sampling, per step and per sequence in it (more per sequence when its token is streamed
 * out). Pipeline parallelism keeps up to PP micro-batches in flight: a step's cycle is the time
 * one micro-batch (batch / PP) takes through every stage.
 */
import { newStepCost, type BatchShape, type StepCost } from '../domain/batch.js';
import type { Deployment, GpuSpec, LlmSpec, Precision, PrecisionGroups } from '../domain/specs.js';
import { BYTES_PER_ELEMENT } from '../domain/specs.js';
import { formatGB } from '../domain/units.js';
import {
  activationBytesPerToken, attentionGroups, cappedKvReads, cappedPairs, expertsTouched, isMoeLayer, kvBytesPerSequence,
  kvBytesPerToken, kvReserveTokensPerSequence, layerParams, resolvePrecision, tableBytes, weightBytes,
} from './llm.js';
import { inputError, InputError } from '../domain/errors.js';
import { assertNever } from '../domain/never.js';
import { setStepCost, type DeploymentAsked, type DeploymentFieldNames, type Fit, type HardwareModel, type PerfModel } from './model.js';

// The step's count-dependent parts, by offset (see gpuPerfModel's `part`).
const [DECODE_SEQS, PREFILL_SEQS, PREFILL_TOKENS, MICRO, LINEAR_COMPUTE, LINEAR_MEMORY, LINEAR_STEP, COMMUNICATION, OVERHEAD, PARTS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export function gpuPerfModel(llm: LlmSpec, gpu: GpuSpec, deployment: Deployment): PerfModel {
  const precision = resolvePrecision(llm, deployment.precision);
  const cal = gpu.calibration;
  const { tp, pp } = deployment;
  const fit = gpuFit(llm, gpu, deployment, precision);

  // Each matmul group runs at the peak of the precision its weights are stored in (DESIGN.md §5):
  // an FP8 or FP4 peak applies only to the matmuls stored in it. Seconds per token, per group.
  const rate = (p: Precision) => tp * peakFor(gpu, p) * cal.computeEfficiency;
  let linearSecondsPerToken = 0;
  for (let l = 0; l < llm.layers; l++) {
    const lp = layerParams(llm, l);
    linearSecondsPerToken += (2 * lp.attention) / rate(precision.attention) + (2 * (lp.mlp + lp.shared)) / rate(precision.mlp) + (2 * lp.activeExperts) / rate(precision.experts);
  }
  const lmHeadSecondsPerLogit = (2 * llm.vocab * llm.hidden) / rate(precision.embeddings);
  // Attention scores and values run in the KV cache's precision (FP8 attention with an FP8 cache).
  const groups = attentionGroups(llm, precision).map((g) => ({ cap: g.cap, secondsPerPair: g.flopsPerPair / rate(precision.kvCache), kvBytesPerToken: g.kvBytesPerToken }));
  const kvWriteBytesPerToken = groups.reduce((a, g) => a + g.kvBytesPerToken, 0);
  const bytesPerSecond = tp * gpu.hbmBytesPerSecond * cal.memoryEfficiency;

  // Weights read once per micro-batch: everything but the routed experts, plus the experts touched.
  // The input embedding is a look-up, not a stream; a tied table is streamed once as the output head.
  const moeLayers = Array.from({ length: llm.layers }, (_, l) => isMoeLayer(llm, l)).filter(Boolean).length;
  const expertBytes = llm.moe ? 3 * llm.hidden * llm.moe.expertFfn * BYTES_PER_ELEMENT[precision.experts] : 0;
  const streamedWeights = weightBytes(llm, precision) - (llm.tiedEmbeddings ? 0 : tableBytes(llm, precision));
  const denseWeightBytes = streamedWeights - moeLayers * expertBytes * (llm.moe?.experts ?? 0);

  // Communication: two all-reduces per layer over the TP group (a fixed latency plus the ring's
  // 2(TP−1)/TP × message over the link); PP hand-offs between stages.
  const crossNode = tp > gpu.gpusPerNode;
  const tpBandwidth = crossNode ? gpu.interNodeBytesPerSecond : gpu.nvlinkBytesPerSecondEachWay;
  const tpLatency = cal.allReduceLatencySeconds + (crossNode ? cal.interNodeLatencySeconds : 0);
  const actBytes = activationBytesPerToken(llm, precision);
  const allReduces = tp > 1 ? 2 * llm.layers : 0;
  const ringSteps = 2 * (tp - 1);
  const ppCrossNode = tp * pp > gpu.gpusPerNode;
  const ppBandwidth = ppCrossNode ? gpu.interNodeBytesPerSecond : gpu.nvlinkBytesPerSecondEachWay;
  const ppLatency = ppCrossNode ? cal.interNodeLatencySeconds : cal.linkLatencySeconds;

  const stepOverhead = cal.stepOverheadSeconds + llm.layers * cal.layerOverheadSeconds;
  const sequenceOverhead = cal.sequenceOverheadSeconds + (deployment.streaming === false ? 0 : cal.streamingOverheadSeconds);

  // A step's parts that depend on its counts only (sequences, chunks, new tokens), for the last
  // counts seen: a decode run's planned steps share them. Same expressions, same bits.
  const part = new Float64Array(PARTS);
  part[DECODE_SEQS] = NaN; // nothing seen yet
  const counts = (b: BatchShape): void => {
    const tokens = b.decodeSeqs + b.prefillTokens;
    const micro = Math.max(1, Math.min(pp, b.decodeSeqs + b.prefillSeqs));
    const x = tokens / micro; // tokens per micro-batch
    const message = x * actBytes;
    const linear = linearSecondsPerToken * tokens + lmHeadSecondsPerLogit * (b.decodeSeqs + b.prefillSeqs);
    const kvWrite = kvWriteBytesPerToken * tokens;
    const weights = denseWeightBytes + moeLayers * expertBytes * expertsTouched(llm, x);
    // The matmuls' roofline (their FLOPs against the weights they stream, KV writes included).
    // Without pipelining a step is one micro-batch: dividing by 1 is exact, so it is skipped.
    const linearCompute = micro === 1 ? linear : linear / micro;
    const linearMemory = (weights + (micro === 1 ? kvWrite : kvWrite / micro)) / bytesPerSecond;
    part[DECODE_SEQS] = b.decodeSeqs;
    part[PREFILL_SEQS] = b.prefillSeqs;
    part[PREFILL_TOKENS] = b.prefillTokens;
    part[MICRO] = micro;
    part[LINEAR_COMPUTE] = linearCompute;
    part[LINEAR_MEMORY] = linearMemory;
    part[LINEAR_STEP] = Math.max(linearCompute, linearMemory);
    part[COMMUNICATION] =
      allReduces * (tpLatency + ((ringSteps / tp) * message) / tpBandwidth) +
      (pp - 1) * (ppLatency + message / ppBandwidth);
    part[OVERHEAD] = stepOverhead + (b.decodeSeqs + b.prefillSeqs) * sequenceOverhead;
  };

  const step = (b: BatchShape, into: StepCost = newStepCost()): StepCost => {
    if (b.decodeSeqs !== part[DECODE_SEQS] || b.prefillSeqs !== part[PREFILL_SEQS] || b.prefillTokens !== part[PREFILL_TOKENS]) counts(b);
    let attention = 0;
    let kvRead = 0;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      attention += cappedPairs(b, g.cap) * g.secondsPerPair;
      kvRead += cappedKvReads(b, g.cap) * g.kvBytesPerToken;
    }
    const micro = part[MICRO];
    // Two rooflines, one after the other: the matmuls' (from `counts`) and attention's (its FLOPs
    // against the KV it reads). They are separate kernels, so attention's KV reads do not hide
    // under the matmuls' compute.
    const attentionCompute = micro === 1 ? attention : attention / micro;
    const attentionMemory = (micro === 1 ? kvRead : kvRead / micro) / bytesPerSecond;
    const compute = part[LINEAR_COMPUTE] + attentionCompute;
    const memory = part[LINEAR_MEMORY] + attentionMemory;
    const communication = part[COMMUNICATION];
    const overhead = part[OVERHEAD];
    return setStepCost(into, part[LINEAR_STEP] + Math.max(attentionCompute, attentionMemory) + communication + overhead, compute, memory, communication, overhead);
  };
  return { fit, step };
}

/**
 * Peak FLOP/s of a matmul whose weights are stored in `p`. MXFP4 runs on FP4 tensor cores where
 * the GPU has them (Blackwell); elsewhere it is dequantised and multiplied in 16-bit (as vLLM's
 * and TensorRT-LLM's MXFP4 paths do on Hopper and Ampere).
 */
export function peakFor(gpu: GpuSpec, p: Precision): number {
  switch (p) {
    case 'bf16':
    case 'fp16':
      return gpu.peakFlops.bf16;
    case 'fp8':
      return gpu.peakFlops.fp8 || gpu.peakFlops.bf16;
    case 'mxfp4':
      return gpu.peakFlops.fp4 ?? gpu.peakFlops.bf16;
  }
}

/** Bytes per GPU the KV cache gets beside `weightsPerGpu` (negative: the weights do not fit). */
function kvBytesPerGpu(gpu: GpuSpec, weightsPerGpu: number): number {
  const { kvMemory, activationReserveBytes } = gpu.calibration;
  switch (kvMemory.of) {
    case 'hbm':
      return gpu.hbmBytes * kvMemory.fraction - weightsPerGpu - activationReserveBytes;
    case 'free': {
      const free = gpu.hbmBytes - weightsPerGpu - activationReserveBytes;
      return free > 0 ? free * kvMemory.fraction : free;
    }
    default:
      return assertNever(kvMemory);
  }
}

export function gpuFit(llm: LlmSpec, gpu: GpuSpec, d: Deployment, precision: PrecisionGroups): Fit {
  const weights = weightBytes(llm, precision);
  const kvPerToken = kvBytesPerToken(llm, precision);
  const reserve = kvReserveTokensPerSequence(llm, precision);
  const capacity = (count: number, tp: number) => {
    // KV heads are split over TP (replicated beyond the number of KV heads), layers over PP.
    const kvPerTokenPerGpu = kvPerToken / (Math.min(tp, llm.kvHeads) * (count / tp));
    const perGpuFree = kvBytesPerGpu(gpu, weights / count);
    return { perGpuFree, tokens: perGpuFree > 0 ? Math.floor(perGpuFree / kvPerTokenPerGpu) : 0 };
  };
  const count = d.tp * d.pp;
  const { perGpuFree, tokens } = capacity(count, d.tp);
  // One sequence takes its context plus the capped layers' reserve, in tokens of the uncapped layers.
  const needed = (d.contextTokens ?? 1) + reserve;
  // Fewest GPUs (powers of two, TP within heads) that hold the weights and one full context.
  let minCount = 0;
  for (let n = 1; n <= 1024 && minCount === 0; n *= 2) {
    const tp = Math.min(n, gpu.gpusPerNode);
    if (llm.heads % tp !== 0) continue;
    if (capacity(n, tp).tokens >= needed) minCount = n;
  }
  const fits = tokens >= needed;
  const reason = fits
    ? undefined
    : perGpuFree <= 0
      ? `weights need ${formatGB(weights / count)} per GPU but ${formatGB(weights / count + perGpuFree)} is usable on a ${gpu.name}`
      : `KV cache holds ${tokens} tokens, fewer than one ${d.contextTokens ?? 1}-token context needs (${needed} with its windowed layers)`;
  return {
    fits,
    reason,
    count,
    minCount,
    weightsBytes: weights,
    kvBytesPerToken: kvPerToken,
    kvBytesPerSequence: kvBytesPerSequence(llm, precision),
    kvReserveTokensPerSequence: reserve,
    kvCapacityTokens: tokens,
    pipelineDepth: d.pp,
    placement: [{
      devices: `${count} × ${gpu.name} (TP ${d.tp}${d.pp > 1 ? `, PP ${d.pp}` : ''})`,
      layers: `${llm.layers} layers${d.pp > 1 ? `, ${Math.ceil(llm.layers / d.pp)} per stage` : ''}`,
      weightsBytes: weights,
      kvBytes: tokens * kvPerToken,
      freeBytes: Math.max(0, perGpuFree) * count,
      capacityBytes: gpu.hbmBytes * count,
    }],
  };
}


/** TP × PP GPUs: TP up to a node, heads and KV heads divisible, PP at most the layers. */
export function gpuDeployment(llm: LlmSpec, hw: GpuSpec, o: DeploymentAsked, names: DeploymentFieldNames): Deployment {
  const precision = o.precision;
  if (o.cores !== undefined) throw inputError(names.cores ?? '--cores', 'no region on GPUs (a region of cores is a wafer deployment)', o.cores);
  let count = o.count;
  if (count === undefined) {
    if (o.tp !== undefined) count = o.tp * (o.pp ?? 1);
    else count = gpuPerfModel(llm, hw, { count: 1, tp: 1, pp: 1, precision, contextTokens: o.context }).fit.minCount || hw.gpusPerNode;
  }
  const tp = o.tp ?? Math.min(count, hw.gpusPerNode);
  const pp = o.pp ?? Math.max(1, Math.floor(count / tp));
  const problems = [];
  if (tp * pp !== count) problems.push({ where: names.count, expected: `TP × PP GPUs (${tp} × ${pp} = ${tp * pp})`, found: String(count) });
  if (llm.heads % tp !== 0) problems.push({ where: names.tp, expected: `a divisor of the ${llm.heads} attention heads of ${llm.id}`, found: String(tp) });
  if (tp > llm.kvHeads && tp % llm.kvHeads !== 0) problems.push({ where: names.tp, expected: `a multiple of the ${llm.kvHeads} KV heads when larger than them`, found: String(tp) });
  if (pp > llm.layers) problems.push({ where: names.pp, expected: `at most the ${llm.layers} layers of ${llm.id}`, found: String(pp) });
  if (problems.length > 0) throw new InputError(problems);
  return { count, tp, pp, precision, contextTokens: o.context };
}

export const gpuHardware: HardwareModel<GpuSpec> = {
  deviceLabel: 'GPU',
  memoryLabel: 'HBM',
  perfModel: gpuPerfModel,
  resolveDeployment: gpuDeployment,
  // Co-located on the target's GPUs with the same tensor parallelism: its weights take HBM from the KV cache.
  placeDraft: (draft, hardware, target) => ({ hardware, deployment: { count: target.tp, tp: target.tp, pp: 1 }, bytes: weightBytes(draft, resolvePrecision(draft)) }),
  kvTokensBesideDraft: (target, draftBytes) => Math.max(0, target.kvCapacityTokens - Math.ceil(draftBytes / target.kvBytesPerToken)),
  draftWhere: (placed) => `the target's ${placed.deployment.count} GPU${placed.deployment.count > 1 ? 's' : ''}`,
  defaultTp: (count) => count,
  hostLinkBytesPerSecond: (gpu) => gpu.hostLinkBytesPerSecond,
};
