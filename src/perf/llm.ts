/**
 * LLM arithmetic shared by every kind of hardware: how many parameters and bytes a model has,
 * how many FLOPs a token costs, how many bytes of KV cache it leaves behind.
 * A gated MLP has three matrices (gate, up, down); attention has Q, K, V and O projections.
 */
import type { BatchShape } from '../domain/batch.js';
import { assertNever } from '../domain/never.js';
import { BYTES_PER_ELEMENT, type AttentionLayer, type LatentProjections, type LlmSpec, type PrecisionGroups } from '../domain/specs.js';

export interface LayerParams {
  attention: number;
  /** Dense MLP (0 on MoE layers). */
  mlp: number;
  /** All routed experts of the layer (0 on dense layers). */
  experts: number;
  /** The routed experts one token uses. */
  activeExperts: number;
  /** Shared experts and router. */
  shared: number;
}

export function attentionParams(m: LlmSpec): number {
  if (m.latentProjections) return latentAttentionParams(m, m.latentProjections);
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  return m.hidden * q + 2 * m.hidden * kv + q * m.hidden;
}

/** MLA: Q (down + up, or one projection), KV down (latent + RoPE key), KV up (keys and values per head), O. */
function latentAttentionParams(m: LlmSpec, p: LatentProjections): number {
  const q = p.qRank > 0 ? m.hidden * p.qRank + p.qRank * m.heads * m.headDim : m.hidden * m.heads * m.headDim;
  const kvDown = m.hidden * (p.kvRank + p.ropeDim);
  const kvUp = p.kvRank * m.heads * (m.headDim - p.ropeDim + p.valueDim);
  return q + kvDown + kvUp + m.heads * p.valueDim * m.hidden;
}

export function isMoeLayer(m: LlmSpec, layer: number): boolean {
  // Llama 4 interleaves from the second layer on (layers 1, 3, 5, … of 0-based indices);
  // DeepSeek-V3, Kimi-K2 and GLM-4.5 keep their first layers dense.
  return m.moe !== undefined && layer >= m.moe.firstDenseLayers && (layer + 1) % m.moe.layerStep === 0;
}

export function layerParams(m: LlmSpec, layer: number): LayerParams {
  const attention = attentionParams(m);
  if (!isMoeLayer(m, layer)) return { attention, mlp: 3 * m.hidden * m.ffn, experts: 0, activeExperts: 0, shared: 0 };
  const moe = m.moe!;
  const expert = 3 * m.hidden * moe.expertFfn;
  return {
    attention,
    mlp: 0,
    experts: moe.experts * expert,
    activeExperts: moe.activeExperts * expert,
    shared: moe.sharedExperts * 3 * m.hidden * moe.sharedExpertFfn + m.hidden * moe.experts,
  };
}

export interface ModelTotals {
  /** Parameters in the transformer layers (attention, MLP, experts, shared). */
  layerParams: number;
  /** The same, counting only the experts a token uses. */
  activeLayerParams: number;
  embeddingParams: number;
  /** Output projection (0 when tied to the input embedding). */
  lmHeadParams: number;
  totalParams: number;
  activeParams: number;
}

export function totals(m: LlmSpec): ModelTotals {
  let layer = 0;
  let active = 0;
  for (let l = 0; l < m.layers; l++) {
    const p = layerParams(m, l);
    layer += p.attention + p.mlp + p.experts + p.shared;
    active += p.attention + p.mlp + p.activeExperts + p.shared;
  }
  const embeddingParams = m.vocab * m.hidden;
  const lmHeadParams = m.tiedEmbeddings ? 0 : m.vocab * m.hidden;
  return {
    layerParams: layer,
    activeLayerParams: active,
    embeddingParams,
    lmHeadParams,
    totalParams: layer + embeddingParams + lmHeadParams,
    activeParams: active + embeddingParams + lmHeadParams,
  };
}

export function resolvePrecision(m: LlmSpec, override?: Partial<PrecisionGroups>): PrecisionGroups {
  return { ...m.precision, ...override };
}

/** Weight bytes of one layer at the given precision. */
export function layerBytes(m: LlmSpec, layer: number, p: PrecisionGroups): number {
  const lp = layerParams(m, layer);
  const b = BYTES_PER_ELEMENT;
  return lp.attention * b[p.attention] + lp.mlp * b[p.mlp] + lp.experts * b[p.experts] + lp.shared * b[p.mlp];
}

/** Bytes of the embedding table plus the output projection. */
export function embeddingBytes(m: LlmSpec, p: PrecisionGroups): number {
  return tableBytes(m, p) * (m.tiedEmbeddings ? 1 : 2);
}

/** Bytes of one vocabulary × hidden table: the input embedding, or the output head. */
export function tableBytes(m: LlmSpec, p: PrecisionGroups): number {
  return m.vocab * m.hidden * BYTES_PER_ELEMENT[p.embeddings];
}

export function weightBytes(m: LlmSpec, p: PrecisionGroups): number {
  let bytes = embeddingBytes(m, p);
  for (let l = 0; l < m.layers; l++) bytes += layerBytes(m, l, p);
  return bytes;
}

/** KV elements one token leaves in a layer: K and V per KV head, or one compressed latent (MLA). */
export function kvElementsPerToken(m: LlmSpec, layer: AttentionLayer): number {
  switch (layer.kind) {
    case 'full':
    case 'sliding':
    case 'chunked':
      return 2 * m.kvHeads * m.headDim;
    case 'latent':
      return layer.latentDim;
    default:
      return assertNever(layer);
  }
}

/** Attention score and value FLOPs per query–key pair in one layer (latent: computed in the latent space). */
export function attentionFlopsPerPairOfLayer(m: LlmSpec, layer: AttentionLayer): number {
  return layer.kind === 'latent' ? 4 * m.heads * layer.latentDim : 4 * m.heads * m.headDim;
}

/** Most keys a query of this layer reads, and most tokens of KV it keeps per sequence. */
export function attentionCap(layer: AttentionLayer): number {
  switch (layer.kind) {
    case 'full':
    case 'latent':
      return Infinity;
    case 'sliding':
      return layer.window;
    case 'chunked':
      return layer.chunk;
    default:
      return assertNever(layer);
  }
}

/** Layers that attend alike (same cap), summed: what a step's attention costs needs. */
export interface AttentionGroup {
  /** Keys per query at most (Infinity: the whole context). */
  cap: number;
  /** Which layers (0-based). */
  layers: number[];
  /** Σ over the group's layers of FLOPs per query–key pair. */
  flopsPerPair: number;
  /** Σ over the group's layers of KV bytes per token. */
  kvBytesPerToken: number;
}

export function attentionGroups(m: LlmSpec, p: PrecisionGroups): AttentionGroup[] {
  const groups = new Map<number, AttentionGroup>();
  m.attention.forEach((layer, l) => {
    const cap = attentionCap(layer);
    const g = groups.get(cap) ?? { cap, layers: [], flopsPerPair: 0, kvBytesPerToken: 0 };
    g.layers.push(l);
    g.flopsPerPair += attentionFlopsPerPairOfLayer(m, layer);
    g.kvBytesPerToken += kvElementsPerToken(m, layer) * BYTES_PER_ELEMENT[p.kvCache];
    groups.set(cap, g);
  });
  return [...groups.values()].sort((a, b) => a.cap - b.cap);
}

/**
 * KV bytes per token of context in the layers whose KV grows with the whole context (full and
 * latent attention). The capped layers' KV is `kvBytesPerSequence`, a fixed amount per sequence.
 */
export function kvBytesPerToken(m: LlmSpec, p: PrecisionGroups): number {
  return attentionGroups(m, p).filter((g) => g.cap === Infinity).reduce((a, g) => a + g.kvBytesPerToken, 0);
}

/** KV bytes one sequence keeps in its capped layers (sliding window, chunked) once its context passes their caps. */
export function kvBytesPerSequence(m: LlmSpec, p: PrecisionGroups): number {
  return attentionGroups(m, p).filter((g) => g.cap !== Infinity).reduce((a, g) => a + g.cap * g.kvBytesPerToken, 0);
}

/** KV bytes of one sequence at `context` tokens. */
export function kvBytesAt(m: LlmSpec, p: PrecisionGroups, context: number): number {
  return attentionGroups(m, p).reduce((a, g) => a + Math.min(context, g.cap) * g.kvBytesPerToken, 0);
}

/**
 * The capped layers' per-sequence KV, counted in tokens of the uncapped layers (rounded up): the
 * KV manager counts tokens, so it reserves this many extra tokens for every sequence it admits.
 * A model with no uncapped layer counts its capped KV per token instead (0 here).
 */
export function kvReserveTokensPerSequence(m: LlmSpec, p: PrecisionGroups): number {
  const perToken = kvBytesPerToken(m, p);
  return perToken > 0 ? Math.ceil(kvBytesPerSequence(m, p) / perToken) : 0;
}

/**
 * Query–key pairs a batch step reads in layers capped at `cap`. The batch carries sums, not
 * lists, so a cap is applied to the sums: exact when every sequence is on the same side of the
 * cap (the common case: windows of 128 tokens, contexts of thousands), an upper bound otherwise.
 */
export function cappedPairs(b: BatchShape, cap: number): number {
  if (cap === Infinity) return b.decodeContextSum + b.prefillAttentionPairs;
  return Math.min(b.decodeContextSum, b.decodeSeqs * cap) + Math.min(b.prefillAttentionPairs, b.prefillTokens * cap);
}

/** KV tokens a batch step reads in layers capped at `cap` (each chunk reads its cached context once). */
export function cappedKvReads(b: BatchShape, cap: number): number {
  if (cap === Infinity) return b.decodeContextSum + b.prefillContextSum;
  return Math.min(b.decodeContextSum, b.decodeSeqs * cap) + Math.min(b.prefillContextSum, b.prefillSeqs * cap);
}

/**
 * FLOPs of the linear layers per token: 2 × active parameters, without the input embedding
 * (a table look-up) and with the output projection (the tied table when tied).
 */
export function linearFlopsPerToken(m: LlmSpec): number {
  const t = totals(m);
  return 2 * (t.activeLayerParams + m.vocab * m.hidden);
}

/** FLOPs of one token at `context` tokens of context (DESIGN.md §5), each layer capped at its window or chunk. */
export function flopsPerToken(m: LlmSpec, context: number): number {
  let attention = 0;
  for (const layer of m.attention) attention += attentionFlopsPerPairOfLayer(m, layer) * Math.min(context, attentionCap(layer));
  return linearFlopsPerToken(m) + attention;
}

/** Bytes of one token's hidden state crossing a tensor-parallel all-reduce or a pipeline boundary. */
export function activationBytesPerToken(m: LlmSpec, p: PrecisionGroups): number {
  return m.hidden * BYTES_PER_ELEMENT[p.activations];
}

/**
 * Expected number of distinct routed experts a batch of `tokens` touches in one MoE layer, with
 * uniform routing: E × (1 − (1 − k/E)^tokens). Decides how much expert weight a step reads.
 */
export function expertsTouched(m: LlmSpec, tokens: number): number {
  if (!m.moe) return 0;
  const { experts, activeExperts } = m.moe;
  return experts * (1 - Math.pow(1 - activeExperts / experts, tokens));
}
