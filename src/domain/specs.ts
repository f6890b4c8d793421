/** What a model is, what hardware is, and how one is deployed on the other. All SI units. */
import type { Assert, HardwareKind, SameKinds } from './kinds.js';

/** Bytes per element of a tensor group. MXFP4: 4-bit values plus one 8-bit scale per 32. */
export type Precision = 'bf16' | 'fp16' | 'fp8' | 'mxfp4';
export const BYTES_PER_ELEMENT: Record<Precision, number> = { bf16: 2, fp16: 2, fp8: 1, mxfp4: 4.25 / 8 };

export interface MoeSpec {
  /** Routed experts per MoE layer, and how many each token uses. */
  experts: number;
  activeExperts: number;
  expertFfn: number;
  /** Shared experts every token uses, each of `sharedExpertFfn`. */
  sharedExperts: number;
  sharedExpertFfn: number;
  /** Every n-th layer is MoE (1 = all); the others have a dense MLP of `ffn`. */
  layerStep: number;
  /** The first k layers are dense (MLP of `ffn`) whatever `layerStep` says (DeepSeek-V3: 3, Kimi-K2: 1, GLM-4.5: 3). */
  firstDenseLayers: number;
}

/**
 * The projections of multi-head latent attention (DeepSeek-V3 MLA), which decide its parameter
 * count: queries through a rank-`qRank` bottleneck (0: a full projection), keys and values from
 * one latent of `kvRank` elements plus a shared `ropeDim` positional part; `headDim` is the
 * query/key head size (non-positional + `ropeDim`), `valueDim` the value head size.
 */
export interface LatentProjections {
  qRank: number;
  kvRank: number;
  ropeDim: number;
  valueDim: number;
}

/**
 * How one layer attends, from the model's published configuration. The kind sets how much KV the
 * layer keeps per sequence and how many keys a query reads:
 * - full: every earlier token;
 * - sliding: the last `window` tokens (gpt-oss, Gemma, Mistral);
 * - chunked: tokens of the current `chunk`-token block only (Llama 4's local layers);
 * - latent: every earlier token, but K and V are one compressed latent of `latentDim` elements
 *   per token (DeepSeek-V3's multi-head latent attention, MLA).
 */
export const ATTENTION_KINDS = ['full', 'sliding', 'chunked', 'latent'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];
export type AttentionLayer =
  | { kind: 'full' }
  | { kind: 'sliding'; window: number }
  | { kind: 'chunked'; chunk: number }
  | { kind: 'latent'; latentDim: number };

export interface LlmSpec {
  id: string;
  name: string;
  source: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Dense MLP intermediate size (gated: 3 matrices). 0 when every layer is MoE. */
  ffn: number;
  vocab: number;
  tiedEmbeddings: boolean;
  moe?: MoeSpec;
  /** One entry per layer: how it attends. */
  attention: AttentionLayer[];
  /** Set when the latent layers' projections are MLA's (their parameters differ from Q, K, V, O). */
  latentProjections?: LatentProjections;
  /** Longest context the model supports, in tokens. */
  contextTokens: number;
  /** Published parameter counts, to check the arithmetic against. */
  publishedParams: number;
  publishedActiveParams: number;
  precision: PrecisionGroups;
}

/** Precision per tensor group; a deployment may override any of them. */
export interface PrecisionGroups {
  attention: Precision;
  mlp: Precision;
  experts: Precision;
  embeddings: Precision;
  kvCache: Precision;
  /** Activations crossing tensor-parallel and pipeline boundaries. */
  activations: Precision;
}

interface HardwareCommon {
  id: string;
  name: string;
  source: string;
  /** False when no validation rows of its own back its calibration: its results are labelled "uncalibrated". */
  validated: boolean;
  powerBusyWatts: number;
  powerIdleWatts: number;
  pricePerHourUsd: number;
}

/** One GPU, and the node it sits in. */
export interface GpuSpec extends HardwareCommon {
  kind: 'gpu';
  hbmBytes: number;
  hbmBytesPerSecond: number;
  /** Dense peak FLOP/s by compute precision. */
  peakFlops: { bf16: number; fp8: number; fp4?: number };
  /** Scale-up link bandwidth each way per GPU: half the datasheet's NVLink figure, which adds both directions. */
  nvlinkBytesPerSecondEachWay: number;
  gpusPerNode: number;
  /** Per-GPU bandwidth to other nodes (InfiniBand / RoCE), each way. */
  interNodeBytesPerSecond: number;
  /** GPU ↔ host memory (swapped or offloaded KV): PCIe, or NVLink-C2C on Grace systems. */
  hostLinkBytesPerSecond: number;
  calibration: GpuCalibration;
}

export interface GpuCalibration {
  source: string;
  /** Fraction of peak FLOP/s reached by the matrix units. */
  computeEfficiency: number;
  /** Fraction of HBM bandwidth reached in streaming weights and KV. */
  memoryEfficiency: number;
  /** Host-side cost of every step (scheduling, sampling). */
  stepOverheadSeconds: number;
  /** Cost per layer a step passes through that bandwidth does not hide (kernel launches, syncs). */
  layerOverheadSeconds: number;
  /**
   * Host-side cost per sequence in a step (preparing its inputs, sampling): the replica's CPU
   * work, paid once per replica whatever its TP, and growing with the batch.
   */
  sequenceOverheadSeconds: number;
  /**
   * Host-side cost per sequence per step of sending its new token to the client, when tokens are
   * streamed (a callback, a response message): NVIDIA's MLPerf harness streams in Server and not in
   * Offline, which is what makes its Server steps slower per token than its Offline ones.
   */
  streamingOverheadSeconds: number;
  /** Latency of one small all-reduce across the tensor-parallel group (NCCL on NVLink). */
  allReduceLatencySeconds: number;
  /** Latency of one point-to-point hand-off over NVLink (pipeline stages). */
  linkLatencySeconds: number;
  /** Latency of one hop between nodes. */
  interNodeLatencySeconds: number;
  /** How much memory the KV cache gets: a share of the whole HBM or of what weights and activations leave free. */
  kvMemory: KvMemoryShare;
  /** Activations and workspace kept free per GPU. */
  activationReserveBytes: number;
}

/**
 * The KV cache's memory, as serving stacks size it: vLLM's gpu_memory_utilization is a fraction of
 * the whole HBM (weights, activations and KV inside it); TensorRT-LLM's kv_cache_free_gpu_mem_fraction
 * is a fraction of the memory left free once weights and activations are loaded.
 */
export type KvMemoryShare = { of: 'hbm'; fraction: number } | { of: 'free'; fraction: number };

/** One wafer-scale system (a CS-3 holds one WSE-3). */
export interface WaferSpec extends HardwareCommon {
  kind: 'wafer';
  cores: number;
  /** Fabric dimensions in cores (width × height). */
  fabricWidth: number;
  fabricHeight: number;
  sramBytes: number;
  sramBytesPerSecond: number;
  /** Dense 16-bit peak FLOP/s. */
  peakFlops: number;
  clockHz: number;
  /** Bytes one mesh link carries per cycle (WSE: one 32-bit message per link per cycle). */
  linkBytesPerCycle: number;
  /** Fabric cycles per hop of a message through the mesh (PLMR α). */
  hopCycles: number;
  /** System I/O: the link to other wafers and to host memory. */
  ioBytesPerSecond: number;
  calibration: WaferCalibration;
}

export interface WaferCalibration {
  source: string;
  /** Fixed cost of one layer for one pass of a micro-batch (synchronisation, non-matmul kernels). */
  layerSyncSeconds: number;
  /** Fraction of a core's SRAM bandwidth reached when it streams its weight tile (GEMV, decode). */
  sramEfficiency: number;
  /** Fraction of a region's dense peak reached by its matmuls (GEMM, prefill and large batches). */
  computeEfficiency: number;
  /** Fraction of the region's link bandwidth reached by the bytes that cross it (PLMR β). */
  meshEfficiency: number;
  /**
   * Fixed cost of one shift step of a prefill matmul (MeshGEMM, Cannon-style: n steps on an n × n
   * region, each synchronising the cores and starting their tile product), whatever the tokens.
   * In fabric cycles, as the hop latency is.
   */
  gemmStepCycles: number;
  /** Latency of a hop from one wafer to the next. */
  interWaferLatencySeconds: number;
  /** Host and I/O cost per step (token sampling, streaming out). */
  stepOverheadSeconds: number;
  /** SRAM kept free of weights and KV on each wafer (activations, buffers, code). */
  reserveFraction: number;
}

/** One member per kind in HARDWARE_KINDS (domain/kinds.ts); the check below fails if they differ. */
export type HardwareSpec = GpuSpec | WaferSpec;
export type HardwareSpecOf<K extends HardwareKind> = Extract<HardwareSpec, { kind: K }>;
export type HardwareKindsAgree = Assert<SameKinds<HardwareSpec['kind'], HardwareKind>>;

/** How a model is placed on hardware. */
export interface Deployment {
  /** GPUs (for a GPU replica) or wafers. */
  count: number;
  /** Tensor and pipeline parallelism (GPU); a wafer deployment splits layers over `count` wafers. */
  tp: number;
  pp: number;
  /** Overrides of the model's precision groups. */
  precision?: Partial<PrecisionGroups>;
  /** Longest context to reserve room for, per sequence, when checking the fit. */
  contextTokens?: number;
  /**
   * Wafer only: cores of the region every layer's matmuls span, layers run one after another
   * on it (WaferLLM). Unset: layers form a spatial pipeline, each on its own share of the wafer.
   */
  cores?: number;
  /**
   * Whether each token is streamed out as it is made (a chat or coding client, MLPerf Server) or
   * handed over when the request is done (MLPerf Offline, batch jobs). Unset: streamed.
   */
  streaming?: boolean;
}

/** Energy bought for a fleet: price per kWh at the meter, and the facility's power usage effectiveness (cooling, power conversion; ≥ 1). */
export interface EnergyPrice {
  usdPerKwh: number;
  pue: number;
}

/** A deployment as a user asked for it (flags or scenario keys); unset fields get the kind's defaults (perf/). */
export interface DeploymentAsked {
  count?: number;
  tp?: number;
  pp?: number;
  /** Wafer only: the cores of the region the layers run on, one after another (unset: whole wafers). */
  cores?: number;
  precision?: Partial<PrecisionGroups>;
  /** Longest context to reserve room for. */
  context: number;
}

/** How the fields are named where the user wrote them (flags, or scenario keys), for messages. */
export interface DeploymentFieldNames {
  count: string;
  tp: string;
  pp: string;
  cores?: string;
}
