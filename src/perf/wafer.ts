/**
 * A wafer-scale replica (Cerebras WSE-3 / CS-3). Weights stay resident in on-wafer SRAM; a model
 * larger than one wafer is split layer-wise over several, and the KV cache of layer l lives on the
 * wafer that holds layer l, in the SRAM the weights leave free.
 *
 * Per-token latency is set by on-wafer communication, not bandwidth (REFERENCE.md §1): each layer
 * costs a fixed synchronisation, mesh reductions across its core region (WaferLLM's PLMR model:
 * α·hops + β·message), compute at the region's share of peak, and KV reads at the region's share
 * of SRAM bandwidth; each wafer boundary adds a hop over the system I/O. Layers form a spatial
 * pipeline: up to one micro-batch per layer is in flight, so per-user speed holds near its
 * single-stream value until the pipeline is full and falls only after.
 */
import type { BatchShape, StepCost } from '../domain/batch.js';
import type { Deployment, LlmSpec, PrecisionGroups, WaferSpec } from '../domain/specs.js';
import { BYTES_PER_ELEMENT } from '../domain/specs.js';
import { formatGB } from '../domain/units.js';
import { activationBytesPerToken, isMoeLayer, kvBytesPerToken, layerBytes, layerParams, resolvePrecision, tableBytes, weightBytes } from './llm.js';
import { boundOf, type Fit, type PerfModel, type Placement } from './model.js';

export interface WaferStage {
  firstLayer: number;
  /** One past the last layer. */
  endLayer: number;
  weightsBytes: number;
  kvBytesPerToken: number;
}

export function waferPerfModel(llm: LlmSpec, wafer: WaferSpec, deployment: Deployment): PerfModel {
  const precision = resolvePrecision(llm, deployment.precision);
  const cal = wafer.calibration;
  const fit = waferFit(llm, wafer, deployment, precision);
  const stages = splitLayers(llm, precision, fit.count);

  // Per-layer terms, summed once: a step is O(1) however many layers there are.
  let syncSeconds = 0; // fixed synchronisation
  let meshSeconds = 0; // reductions: hops and message length
  let denseComputePerToken = 0;
  let expertComputePerExpertToken = 0;
  let attentionPerPair = 0;
  let kvReadPerToken = 0;
  let lmHeadPerLogit = 0;
  const kvPerLayer = kvBytesPerToken(llm, precision) / llm.layers;
  stages.forEach((stage, w) => {
    const waferBytes = stage.weightsBytes;
    for (let l = stage.firstLayer; l < stage.endLayer; l++) {
      const share = layerBytes(llm, l, precision) / waferBytes;
      // Each part of a layer computes on the cores that hold its weights, at their share of peak,
      // and ends in row and column reductions across those cores (hops ∝ √cores of the region).
      const p = layerParams(llm, l);
      const denseBytes = p.attention * BYTES_PER_ELEMENT[precision.attention] + (p.mlp + p.shared) * BYTES_PER_ELEMENT[precision.mlp];
      const denseShare = denseBytes / waferBytes;
      const regionFlops = wafer.peakFlops * denseShare * cal.computeEfficiency;
      denseComputePerToken += (2 * (p.attention + p.mlp + p.shared)) / regionFlops;
      let hops = cal.reductionsPerLayer * 2 * Math.sqrt(wafer.cores * denseShare);
      if (isMoeLayer(llm, l)) {
        // Each routed expert sits on its own cores; the active ones work (and reduce) in parallel,
        // so the expert half of the layer's reductions spans one expert's region, not the layer's.
        const expertShare = (p.experts * BYTES_PER_ELEMENT[precision.experts]) / waferBytes / llm.moe!.experts;
        expertComputePerExpertToken += (2 * (p.experts / llm.moe!.experts)) / (wafer.peakFlops * expertShare * cal.computeEfficiency);
        hops = (cal.reductionsPerLayer / 2) * 2 * (Math.sqrt(wafer.cores * denseShare) + Math.sqrt(wafer.cores * expertShare));
      }
      syncSeconds += cal.layerSyncSeconds;
      meshSeconds += (cal.hopCycles * hops) / wafer.clockHz + cal.secondsPerHiddenElement * llm.hidden;
      attentionPerPair += (4 * llm.heads * llm.headDim) / regionFlops;
      kvReadPerToken += kvPerLayer / (wafer.sramBytesPerSecond * share);
    }
    if (w === stages.length - 1) {
      // The output head shares the last wafer.
      lmHeadPerLogit = (2 * llm.vocab * llm.hidden) / (wafer.peakFlops * (tableBytes(llm, precision) / waferBytes) * cal.computeEfficiency);
      syncSeconds += cal.layerSyncSeconds;
    }
  });
  const hopsBetweenWafers = stages.length - 1;
  const actBytes = activationBytesPerToken(llm, precision);
  const depth = fit.pipelineDepth;
  const moe = llm.moe;

  const step = (b: BatchShape): StepCost => {
    const tokens = b.decodeSeqs + b.prefillTokens;
    const micro = Math.max(1, Math.min(tokens, depth));
    const x = tokens / micro; // tokens per micro-batch: the cycle is one micro-batch through every layer
    const expertLoad = moe && x > 0 ? Math.max(1, (x * moe.activeExperts) / moe.experts) : 0;
    const compute =
      x * denseComputePerToken +
      expertLoad * expertComputePerExpertToken +
      ((b.decodeContextSum + b.prefillAttentionPairs) / micro) * attentionPerPair +
      ((b.decodeSeqs + b.prefillSeqs) / micro) * lmHeadPerLogit;
    const memory = ((b.decodeContextSum + b.prefillContextSum) / micro) * kvReadPerToken;
    const communication = meshSeconds + hopsBetweenWafers * (cal.interWaferLatencySeconds + (x * actBytes) / wafer.ioBytesPerSecond);
    const overhead = syncSeconds + cal.stepOverheadSeconds;
    return { seconds: compute + memory + communication + overhead, compute, memory, communication, overhead, bound: boundOf(compute, memory, communication, overhead) };
  };
  return { fit, step };
}

/** Weight bytes resident on a wafer for layers [first, end), with the embedding and head at the ends. */
function stageBytes(llm: LlmSpec, p: PrecisionGroups, first: number, end: number, wafers: number, index: number): number {
  let bytes = 0;
  for (let l = first; l < end; l++) bytes += layerBytes(llm, l, p);
  const table = tableBytes(llm, p);
  if (index === 0 && !llm.tiedEmbeddings) bytes += table; // input embedding
  if (index === wafers - 1) bytes += table; // output head (the tied table lives here)
  return bytes;
}

/** Contiguous layer ranges over `wafers` wafers, balanced by weight bytes. */
export function splitLayers(llm: LlmSpec, p: PrecisionGroups, wafers: number): WaferStage[] {
  const total = weightBytes(llm, p);
  const kvPerLayer = kvBytesPerToken(llm, p) / llm.layers;
  const stages: WaferStage[] = [];
  let first = 0;
  let cumulative = 0;
  for (let w = 0; w < wafers; w++) {
    let end = first;
    if (w === wafers - 1) end = llm.layers;
    else {
      const target = (total * (w + 1)) / wafers;
      const minEnd = first + 1;
      const maxEnd = llm.layers - (wafers - 1 - w); // leave at least one layer per later wafer
      let acc = cumulative + (w === 0 && !llm.tiedEmbeddings ? tableBytes(llm, p) : 0);
      end = first;
      while (end < maxEnd) {
        const next = acc + layerBytes(llm, end, p);
        // Stop at the boundary nearer the target.
        if (end >= minEnd && Math.abs(next - target) > Math.abs(acc - target)) break;
        acc = next;
        end++;
      }
      cumulative = acc;
    }
    stages.push({ firstLayer: first, endLayer: end, weightsBytes: stageBytes(llm, p, first, end, wafers, w), kvBytesPerToken: kvPerLayer * (end - first) });
    first = end;
  }
  return stages;
}

export function waferFit(llm: LlmSpec, wafer: WaferSpec, d: Deployment, precision: PrecisionGroups): Fit {
  const usable = wafer.sramBytes * (1 - wafer.calibration.reserveFraction);
  const needed = d.contextTokens ?? 1;
  const kvPerToken = kvBytesPerToken(llm, precision);
  const capacityOf = (stages: WaferStage[]) =>
    Math.min(...stages.map((s) => Math.max(0, Math.floor((usable - s.weightsBytes) / s.kvBytesPerToken))));
  let minCount = 0;
  for (let n = 1; n <= llm.layers && minCount === 0; n++) {
    if (capacityOf(splitLayers(llm, precision, n)) >= needed) minCount = n;
  }
  const count = d.count;
  if (count > llm.layers) {
    return { ...base(), fits: false, reason: `${count} wafers for ${llm.layers} layers: at most one wafer per layer`, kvCapacityTokens: 0, placement: [] };
  }
  const stages = splitLayers(llm, precision, count);
  const tokens = capacityOf(stages);
  const placement: Placement[] = stages.map((s, i) => ({
    devices: `wafer ${i + 1}`,
    layers: `layers ${s.firstLayer}–${s.endLayer - 1}${i === 0 && !llm.tiedEmbeddings ? ' + embedding' : ''}${i === stages.length - 1 ? ' + output head' : ''}`,
    weightsBytes: s.weightsBytes,
    kvBytes: Math.min(tokens * s.kvBytesPerToken, Math.max(0, usable - s.weightsBytes)),
    freeBytes: Math.max(0, usable - s.weightsBytes),
    capacityBytes: wafer.sramBytes,
  }));
  const tightest = stages.reduce((a, s) => (s.weightsBytes > a.weightsBytes ? s : a));
  const fits = tokens >= needed;
  const reason = fits
    ? undefined
    : tightest.weightsBytes > usable
      ? `${count} wafer${count > 1 ? 's' : ''}: the heaviest holds ${formatGB(tightest.weightsBytes)} of weights but only ${formatGB(usable)} of its ${formatGB(wafer.sramBytes, 0)} SRAM is usable`
      : `${count} wafer${count > 1 ? 's' : ''} hold KV for ${tokens.toLocaleString('en-US')} tokens, fewer than the ${needed.toLocaleString('en-US')}-token context`;
  return { ...base(), fits, reason, kvCapacityTokens: tokens, placement };

  function base() {
    return { count, minCount, weightsBytes: weightBytes(llm, precision), kvBytesPerToken: kvPerToken, pipelineDepth: llm.layers };
  }
}
