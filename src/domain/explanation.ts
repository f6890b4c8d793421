/** What `explain` finds out about one model on one kind of hardware (data only). */
import type { Bound, StepCost } from './batch.js';
import type { Deployment, HardwareSpec } from './specs.js';

/** What sits on one device or group of devices. */
export interface Placement {
  devices: string;
  layers: string;
  weightsBytes: number;
  kvBytes: number;
  freeBytes: number;
  capacityBytes: number;
}

export interface Fit {
  fits: boolean;
  /** Why it does not fit, with the numbers. */
  reason?: string;
  /** Devices (GPUs or wafers) in the replica. */
  count: number;
  /** The fewest devices of this kind that would hold the model at the requested context. */
  minCount: number;
  weightsBytes: number;
  /** KV bytes per token of context in the layers whose KV grows with the whole context. */
  kvBytesPerToken: number;
  /** KV bytes one sequence keeps in its capped layers (sliding window, chunked), at their caps. */
  kvBytesPerSequence: number;
  /** The same, in tokens of the uncapped layers: what the KV manager reserves per sequence. */
  kvReserveTokensPerSequence: number;
  /** Tokens of KV cache the whole replica holds. */
  kvCapacityTokens: number;
  /** Micro-batches in flight at once (pipeline stages: wafer layers, GPU pipeline stages). */
  pipelineDepth: number;
  /** One line per device group: what sits where. */
  placement: Placement[];
}

export type Breakdown = Pick<StepCost, 'compute' | 'memory' | 'communication' | 'overhead'>;

export interface DecodePoint {
  batch: number;
  stepSeconds: number;
  tokensPerSecondPerUser: number;
  tokensPerSecondTotal: number;
  bound: Bound;
}

export interface Explanation extends Omit<Fit, 'pipelineDepth'> {
  model: { id: string; name: string };
  hardware: { id: string; name: string; kind: HardwareSpec['kind']; validated: boolean };
  deployment: Deployment;
  context: number;
  /** Sequences of `context` tokens the replica holds at once. */
  usersAtContext: number;
  /** The longest context the model supports, and what it does to the replica. */
  longContext: { tokens: number; users: number; minCount: number };
  decode: (DecodePoint & { breakdown: Pick<StepCost, 'compute' | 'memory' | 'communication' | 'overhead'> }) | null;
  prefill: { tokens: number; seconds: number; tokensPerSecond: number } | null;
  maxThroughput: { batch: number; tokensPerSecondTotal: number; tokensPerSecondPerUser: number } | null;
  curve: DecodePoint[];
  /** Draft and verify costs of one speculative step, separately (the draft on its own region or co-located). */
  speculative: {
    draft: string;
    /** Where the draft runs. */
    placement: string;
    k: number;
    acceptance: number;
    tokensPerStep: number;
    /** k draft steps, and their breakdown. */
    draftSeconds: number;
    draftBreakdown: Breakdown;
    verifySeconds: number;
    verifyBreakdown: Breakdown;
  } | null;
}

/** Number formats a description's sentences use (report/format.ts supplies them). */
export interface ProseFormats {
  int(n: number): string;
  gb(bytes: number): string;
  /** "1 wafer", "4 GPUs". */
  devices(n: number): string;
}

/** How explain and the explorer describe one kind of hardware (perf/descriptions.ts; keyed by kind in perf/hardware.ts). */
export interface HardwareDescription {
  /** Where weights and KV live, in a sentence ('on-chip SRAM', 'HBM'). */
  memoryWhere: string;
  /** The deployment settings a user picks for this kind besides the device count. */
  settings: { tp: boolean; cores: boolean };
  /** Why each regime binds a decode step. */
  whyBound: Record<Bound, string>;
  /** explain's lines on what fits where. */
  fitLines(e: Explanation, f: ProseFormats): string[];
  /** The explorer's reason for the shape of a decode step. */
  stepWhy: string;
}

/** A description with the kind's device and memory names (perf/ HardwareModel labels). */
export interface HardwareWords extends HardwareDescription {
  /** What a deployment counts ('GPU', 'wafer'). */
  device: string;
  /** The memory that holds weights and KV ('HBM', 'SRAM'). */
  memory: string;
}
