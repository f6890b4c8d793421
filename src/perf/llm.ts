/**
 * LLM arithmetic shared by every kind of hardware: how many parameters and bytes a model has,
 * how many FLOPs a token costs, how many bytes of KV cache it leaves behind.
 * A gated MLP has three matrices (gate, up, down); attention has Q, K, V and O projections.
 */
import { BYTES_PER_ELEMENT, type LlmSpec, type PrecisionGroups } from '../domain/specs.js';

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
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  return m.hidden * q + 2 * m.hidden * kv + q * m.hidden;
}

export function isMoeLayer(m: LlmSpec, layer: number): boolean {
  // Llama 4 interleaves from the second layer on (layers 1, 3, 5, … of 0-based indices).
  return m.moe !== undefined && (layer + 1) % m.moe.layerStep === 0;
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

/** KV cache bytes per token: K and V for every layer and KV head. */
export function kvBytesPerToken(m: LlmSpec, p: PrecisionGroups): number {
  return 2 * m.layers * m.kvHeads * m.headDim * BYTES_PER_ELEMENT[p.kvCache];
}

/**
 * FLOPs of the linear layers per token: 2 × active parameters, without the input embedding
 * (a table look-up) and with the output projection (the tied table when tied).
 */
export function linearFlopsPerToken(m: LlmSpec): number {
  const t = totals(m);
  return 2 * (t.activeLayerParams + m.vocab * m.hidden);
}

/** Attention score and value FLOPs per query–key pair, over all layers: 4 × layers × heads × head dim. */
export function attentionFlopsPerPair(m: LlmSpec): number {
  return 4 * m.layers * m.heads * m.headDim;
}

/** FLOPs of one token at `context` tokens of context (DESIGN.md §5). */
export function flopsPerToken(m: LlmSpec, context: number): number {
  return linearFlopsPerToken(m) + attentionFlopsPerPair(m) * context;
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
