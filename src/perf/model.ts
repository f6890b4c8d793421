/** The one interface every kind of hardware implements (DESIGN.md §5). */
import type { BatchShape, StepCost } from '../domain/batch.js';
import type { Fit, Placement } from '../domain/explanation.js';
import type { Deployment, DeploymentAsked, DeploymentFieldNames, HardwareSpec, LlmSpec } from '../domain/specs.js';

export type { DeploymentAsked, DeploymentFieldNames, Fit, Placement };

export interface PerfModel {
  readonly fit: Fit;
  /** Tokens a decoding sequence gains per step on average (speculative decoding: > 1). */
  readonly tokensPerStep?: number;
  /** Cost of one batch step: every sequence in the batch advances (one token, or one prefill chunk). */
  step(batch: BatchShape): StepCost;
}

/** Which part binds: the largest of the named parts. */
export function boundOf(compute: number, memory: number, communication: number, overhead: number): StepCost['bound'] {
  let bound: StepCost['bound'] = 'compute';
  let max = compute;
  if (memory > max) [bound, max] = ['memory', memory];
  if (communication > max) [bound, max] = ['communication', communication];
  if (overhead > max) bound = 'overhead';
  return bound;
}

/** Where a speculative draft model runs, and what it takes from its target (perf/draft.ts). */
export interface DraftPlacement {
  /** The hardware the draft runs on: a GPU, or a region of a wafer described as a small wafer. */
  hardware: HardwareSpec;
  deployment: Deployment;
  /** Bytes of device memory the draft takes from the target. */
  bytes: number;
}

/**
 * Everything that differs by kind of hardware, in one object per kind (perf/hardware.ts keeps
 * them keyed by HardwareKind). Callers ask this instead of testing `hardware.kind`.
 */
export interface HardwareModel<H extends HardwareSpec> {
  /** What a deployment counts ('GPU', 'wafer'), for explanations. */
  readonly deviceLabel: string;
  /** The memory that holds weights and KV ('HBM', 'SRAM'). */
  readonly memoryLabel: string;
  perfModel(llm: LlmSpec, hardware: H, deployment: Deployment): PerfModel;
  /** The deployment asked for, checked, with defaults (the fewest devices that hold the model); InputError if impossible. */
  resolveDeployment(llm: LlmSpec, hardware: H, asked: DeploymentAsked, names: DeploymentFieldNames): Deployment;
  /** Place a draft model beside a target deployed on `target` (one context of `contextTokens`). */
  placeDraft(draft: LlmSpec, hardware: H, target: Deployment, contextTokens: number): DraftPlacement;
  /** The target's KV capacity (tokens) once a draft has taken `draftBytes`. */
  kvTokensBesideDraft(target: Fit, draftBytes: number): number;
  /** Where the draft runs, in words ("a 58,000-core region of a CS-3"). */
  draftWhere(placed: DraftPlacement): string;
  /** Tensor parallelism a device count means when none is given (validation rows). */
  defaultTp(count: number): number;
  /** Link that swaps or offloads KV to host memory, bytes/s. */
  hostLinkBytesPerSecond(hardware: H): number;
}
