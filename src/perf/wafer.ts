/**
 * A wafer-scale replica (Cerebras WSE-2/WSE-3), after WaferLLM's PLMR device model: a mesh of small
 * cores, each with its own SRAM; data moves between neighbours, one hop per cycle, a few bytes per
 * link per cycle. Weights stay resident in SRAM; a model larger than one wafer is split layer-wise.
 *
 * A layer pass of a micro-batch of x tokens over a region of n × n cores costs (docs/perf.md):
 *   sync                         fixed per layer (synchronisation, non-matmul kernels; fitted)
 * + hops      α · H · n          every matmul broadcasts its input along columns and reduces its
 *                                output along rows: n hops each (H traversals per layer)
 * + matmuls   max(stream, x·c)   each core streams its weight tile from its SRAM once per pass
 *                                (GEMV, decode) or computes x tokens on it (GEMM, prefill)
 * + bytes     β · x · Σ(d_in + d_out) · B / n
 *                                activations crossing the region, over its n links per side: they
 *                                grow with the tokens, so prefill and large batches are mesh-bound
 * + attention on the cores where the layer's KV lives (spread over the SRAM the weights leave free)
 * + gemm steps σ · n per matmul   in a step that prefills: a MeshGEMM shifts tiles n times across
 *                                the region, each shift a fixed σ cycles (synchronisation, tile
 *                                start), so a short prompt prefills at a lower rate than a long one
 * On a region every matrix is cut into n × n whole tiles, and a prefill's tokens into n whole rows
 * of tiles: dimensions and prompt are padded to multiples of n (WaferLLM's configurations pad a
 * 4,096 hidden size to 4,200 on 420² cores and 4,620 on 660²), which costs a short prompt most.
 * Layers either form a spatial pipeline, each on its own share of the wafer (Cerebras' service:
 * many micro-batches in flight), or all span one region (`cores`, WaferLLM: one at a time).
 */
import { newStepCost, type BatchShape, type StepCost } from '../domain/batch.js';
import type { Deployment, LlmSpec, WaferSpec } from '../domain/specs.js';
import { BYTES_PER_ELEMENT } from '../domain/specs.js';
import {
  activationBytesPerToken, attentionGroups, cappedKvReads, cappedPairs, expertsTouched, isMoeLayer, layerBytes, layerParams, resolvePrecision, tableBytes,
  kvBytesAt, weightBytes,
} from './llm.js';
import { inputError } from '../domain/errors.js';
import { setStepCost, type DeploymentAsked, type DeploymentFieldNames, type HardwareModel, type PerfModel } from './model.js';
import { PiecewiseMaxSum } from './piecewise.js';
import { splitLayers, waferFit } from './wafer-fit.js';

export { splitLayers, waferFit, type WaferStage } from './wafer-fit.js';

/** Mesh traversals per matmul group: its input broadcast along columns, its output reduced along rows. */
const TRAVERSALS_PER_MATMUL = 2;
/** Matmul groups of a routed expert (gate/up, down); attention has QKV and O, an MLP gate/up and down. */
const EXPERT_MATMULS = 2;

/** Σ (d_in + d_out) of a gated MLP's matmuls: gate/up (hidden → 2·ffn) and down (ffn → hidden). */
function mlpDims(hidden: number, ffn: number): number {
  return hidden + 2 * ffn + (ffn + hidden);
}
/** Attention's own traversals: scores gathered across the KV cores, values reduced back. */
const ATTENTION_TRAVERSALS = 2;

export function waferPerfModel(llm: LlmSpec, wafer: WaferSpec, deployment: Deployment): PerfModel {
  const precision = resolvePrecision(llm, deployment.precision);
  const cal = wafer.calibration;
  const fit = waferFit(llm, wafer, deployment, precision);
  const stages = splitLayers(llm, precision, fit.count);
  const region = deployment.cores;
  // Whole tiles on a region of n × n cores: a dimension d takes ceil(d / n) · n (1 off a region,
  // where a layer's share of a wafer has no published shape).
  const side = region === undefined ? 0 : Math.round(Math.sqrt(region));
  const padded = (d: number) => (side > 0 ? Math.ceil(d / side) * side : d);
  const tileShare = (dIn: number, dOut: number) => (dIn > 0 && dOut > 0 ? (padded(dIn) * padded(dOut)) / (dIn * dOut) : 1);

  const cycle = 1 / wafer.clockHz;
  const coreFlops = (wafer.peakFlops / wafer.cores) * cal.computeEfficiency;
  const coreStream = (wafer.sramBytesPerSecond / wafer.cores) * cal.sramEfficiency;
  const linkBytes = wafer.linkBytesPerCycle * wafer.clockHz * cal.meshEfficiency; // bytes/s per link
  const act = BYTES_PER_ELEMENT[precision.activations];
  const b = BYTES_PER_ELEMENT;
  const hopSeconds = (n: number, traversals: number) => wafer.hopCycles * traversals * n * cycle;

  let syncSeconds = 0; // per pass, whatever it carries
  let hopsSeconds = 0; // per pass: latency of the mesh traversals
  let gemmStepsSeconds = 0; // per pass that prefills: the MeshGEMM shift steps of every matmul
  let bytesPerToken = 0; // Σ over layers of dense activation bytes crossing / (n · link)
  let bytesPerExpertToken = 0;
  const dense = new PiecewiseMaxSum(); // Σ max(stream, x · c) over the dense matmuls of every layer
  const expertParts: { streamPerExpert: number; perExpertToken: number }[] = []; // one per MoE layer
  const kvCores: number[] = new Array(llm.layers); // cores holding each layer's KV
  let head = { stream: 0, perLogit: 0 };

  stages.forEach((stage, w) => {
    const waferBytes = stage.weightsBytes;
    const coresOf = (bytes: number) => (region ?? wafer.cores * (bytes / waferBytes));
    for (let l = stage.firstLayer; l < stage.endLayer; l++) {
      const p = layerParams(llm, l);
      const lb = layerBytes(llm, l, precision);
      // A layer holds its share of the wafer (pipelined) or the whole region; every matrix of the
      // layer is striped over all of its cores, so a pass streams only the slices it uses.
      const cores = coresOf(lb);
      const n = Math.sqrt(cores);
      const q = llm.heads * llm.headDim;
      const kv = llm.kvHeads * llm.headDim;
      // Padded parameters: attention's Q, K, V and O, and the MLP's gate, up and down (hidden × ffn each).
      const attentionTiles = llm.latentProjections ? 1 : (2 * q * tileShare(llm.hidden, q) + 2 * kv * tileShare(llm.hidden, kv)) / (2 * q + 2 * kv);
      const moe = isMoeLayer(llm, l) ? llm.moe! : undefined;
      const ffn = moe ? moe.sharedExpertFfn * moe.sharedExperts : llm.ffn;
      const attention = p.attention * attentionTiles;
      const mlp = (p.mlp + p.shared) * tileShare(llm.hidden, ffn);
      const denseBytes = attention * b[precision.attention] + mlp * b[precision.mlp];
      // Σ (d_in + d_out) of the dense matmuls, in whole tiles: QKV, O, and (dense or shared) gate/up, down.
      const [h, qp, kvp] = [padded(llm.hidden), padded(q), padded(kv)];
      let denseDims = h + qp + 2 * kvp + (qp + h);
      if (ffn > 0) denseDims += mlpDims(h, padded(ffn));
      const matmuls = 2 + (ffn > 0 ? 2 : 0) + (moe ? EXPERT_MATMULS : 0);
      syncSeconds += cal.layerSyncSeconds;
      hopsSeconds += hopSeconds(n, TRAVERSALS_PER_MATMUL * matmuls + ATTENTION_TRAVERSALS);
      gemmStepsSeconds += matmuls * n * cal.gemmStepCycles * cycle;
      bytesPerToken += (denseDims * act) / (n * linkBytes);
      dense.add(denseBytes / cores / coreStream, (2 * (attention + mlp)) / (cores * coreFlops));
      if (moe) {
        // Each token's k experts: their inputs and outputs cross the region too.
        bytesPerExpertToken += (mlpDims(llm.hidden, moe.expertFfn) * act) / (n * linkBytes);
        expertParts.push({
          streamPerExpert: (p.experts / moe.experts) * b[precision.experts] / cores / coreStream,
          perExpertToken: (2 * (p.experts / moe.experts)) / (cores * coreFlops),
        });
      }
      // The layer's KV is spread over the SRAM its weights leave free: over all of its cores.
      kvCores[l] = cores;
    }
    if (w === stages.length - 1) {
      // The output head shares the last wafer.
      const tb = tableBytes(llm, precision);
      const cores = coresOf(tb);
      head = { stream: tb / cores / coreStream, perLogit: (2 * llm.vocab * llm.hidden) / (cores * coreFlops) };
      gemmStepsSeconds += Math.sqrt(cores) * cal.gemmStepCycles * cycle;
      syncSeconds += cal.layerSyncSeconds;
    }
  });

  // Attention per group of alike layers: FLOPs and KV reads on each layer's KV cores.
  const groups = attentionGroups(llm, precision).map((g) => {
    let perPair = 0;
    let perKvToken = 0;
    for (const l of g.layers) {
      perPair += g.flopsPerPair / g.layers.length / (kvCores[l] * coreFlops);
      perKvToken += g.kvBytesPerToken / g.layers.length / (kvCores[l] * coreStream);
    }
    return { cap: g.cap, perPair, perKvToken };
  });

  const hopsBetweenWafers = stages.length - 1;
  const actBytes = activationBytesPerToken(llm, precision);
  const depth = fit.pipelineDepth;
  const moe = llm.moe;

  const overhead = syncSeconds + cal.stepOverheadSeconds;

  const step = (batch: BatchShape, into: StepCost = newStepCost()): StepCost => {
    const tokens = batch.decodeSeqs + batch.prefillTokens;
    const micro = Math.max(1, Math.min(tokens, depth));
    // Tokens per micro-batch: the cycle is one micro-batch through every layer. A step that
    // prefills runs MeshGEMMs, whose token rows are whole tiles on a region.
    const x = batch.prefillTokens > 0 ? padded(tokens / micro) : tokens / micro;
    // Each token uses k experts: x·k expert-tokens over the experts the micro-batch touches.
    const expertTokens = moe ? x * moe.activeExperts : 0;
    const touched = expertsTouched(llm, x);
    let expertStream = 0;
    let expertMatmuls = 0;
    for (const e of expertParts) {
      const stream = touched * e.streamPerExpert;
      const work = expertTokens * e.perExpertToken;
      expertMatmuls += Math.max(stream, work);
      if (stream >= work) expertStream += stream;
    }
    const logits = (batch.decodeSeqs + batch.prefillSeqs) / micro;
    let attention = 0;
    let kvReads = 0;
    for (const g of groups) {
      attention += (cappedPairs(batch, g.cap) / micro) * g.perPair;
      kvReads += (cappedKvReads(batch, g.cap) / micro) * g.perKvToken;
    }
    const matmuls = dense.at(x) + expertMatmuls + Math.max(head.stream, logits * head.perLogit);
    const streaming = dense.streamShare(x) + expertStream;
    const compute = matmuls - streaming + attention;
    const memory = streaming + kvReads;
    const communication =
      hopsSeconds + (batch.prefillTokens > 0 ? gemmStepsSeconds : 0) + x * bytesPerToken + expertTokens * bytesPerExpertToken +
      hopsBetweenWafers * (cal.interWaferLatencySeconds + (x * actBytes) / wafer.ioBytesPerSecond);
    return setStepCost(into, compute + memory + communication + overhead, compute, memory, communication, overhead);
  };
  return { fit, step };
}

/** Layers split over `count` wafers (no TP or PP), or all on one region of `cores`. */
export function waferDeployment(llm: LlmSpec, hw: WaferSpec, o: DeploymentAsked, names: DeploymentFieldNames): Deployment {
  const precision = o.precision;
  const given = o.tp !== undefined ? 'tp' : o.pp !== undefined ? 'pp' : undefined;
  if (given) throw inputError(names[given], `no ${given} on a wafer (layers are split over wafers by ${names.count})`, o[given]);
  const region = o.cores !== undefined ? { cores: o.cores } : {};
  const count = o.count ?? Math.max(1, waferPerfModel(llm, hw, { count: 1, tp: 1, pp: 1, precision, contextTokens: o.context, ...region }).fit.minCount);
  return { count, tp: 1, pp: 1, precision, contextTokens: o.context, ...region };
}

export const waferHardware: HardwareModel<WaferSpec> = {
  deviceLabel: 'wafer',
  memoryLabel: 'SRAM',
  perfModel: waferPerfModel,
  resolveDeployment: waferDeployment,
  // Spread over one of the target's wafers, sharing its cores: draft steps and the verify step run
  // one after the other, so while the draft runs the target's cores are idle and the draft streams
  // its weights from every core's SRAM. Packed into the fewest cores that hold it instead, each
  // core would hold as many bytes as a target layer's and a draft layer would cost as much as a
  // target layer (the per-layer stream, not the model's size, sets a wafer's per-token time).
  // Its weights and one context's KV take that much SRAM from the KV of the wafer it shares. A
  // target on a region of `cores` shares that region with its draft, not the rest of the wafer.
  placeDraft(draft, hardware, target, contextTokens) {
    const precision = resolvePrecision(draft);
    const bytes = weightBytes(draft, precision) + kvBytesAt(draft, precision, contextTokens);
    const region = target.cores === undefined ? {} : { cores: target.cores };
    return { hardware, deployment: { count: 1, tp: 1, pp: 1, contextTokens, ...region }, bytes };
  },
  // The draft's bytes come from the wafer with the most free SRAM; the replica holds what its tightest wafer holds.
  kvTokensBesideDraft(target, draftBytes) {
    const perDeviceKv = target.kvBytesPerToken / target.count;
    const free = target.placement.map((p) => p.freeBytes);
    const host = free.indexOf(Math.max(...free));
    free[host] -= draftBytes;
    return Math.max(0, Math.min(target.kvCapacityTokens, Math.floor(Math.min(...free) / perDeviceKv)));
  },
  draftWhere: (placed) => `one ${placed.hardware.name} of the target's, time-shared`,
  defaultTp: () => 1,
  hostLinkBytesPerSecond: (wafer) => wafer.ioBytesPerSecond,
};
