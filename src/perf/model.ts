/** The one interface every kind of hardware implements (DESIGN.md §5). */
import type { BatchShape, StepCost } from '../domain/batch.js';
import type { Fit, Placement } from '../domain/explanation.js';
import type { Deployment, DeploymentAsked, DeploymentFieldNames, HardwareSpec, LlmSpec } from '../domain/specs.js';

export type { DeploymentAsked, DeploymentFieldNames, Fit, Placement };

export interface PerfModel {
  readonly fit: Fit;
  /** Tokens a decoding sequence gains per step on average (speculative decoding: > 1). */
  readonly tokensPerStep?: number;
  /**
   * Cost of one batch step: every sequence in the batch advances (one token, or one prefill chunk).
   * Written into `into` when given, and returned (the engine's hot path: no object per step);
   * a new object otherwise.
   */
  step(batch: BatchShape, into?: StepCost): StepCost;
}

/** Write a step's cost into `into` (the engine's reused object); the binding part defaults to the largest. */
export function setStepCost(into: StepCost, seconds: number, compute: number, memory: number, communication: number, overhead: number, bound = boundOf(compute, memory, communication, overhead)): StepCost {
  into.seconds = seconds;
  into.compute = compute;
  into.memory = memory;
  into.communication = communication;
  into.overhead = overhead;
  into.bound = bound;
  return into;
}

/** Which part binds: the largest of the named parts. */
export function boundOf(compute: number, memory: number, communication: number, overhead: number): StepCost['bound'] {
  let bound: StepCost['bound'] = 'compute';
  let max = compute;
  if (memory > max) {
    bound = 'memory';
    max = memory;
  }
  if (communication > max) {
    bound = 'communication';
    max = communication;
  }
  if (overhead > max) bound = 'overhead';
  return bound;
}

/** Where a speculative draft model runs, and what it takes from its target (perf/draft.ts). */
export interface DraftPlacement {
  /** The hardware the draft runs on: the target's GPUs, or one of the target's wafers (time-shared). */
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
  /** Where the draft runs, in words ("one CS-3 (WSE-3) of the target's, time-shared"). */
  draftWhere(placed: DraftPlacement): string;
  /** Tensor parallelism a device count means when none is given (validation rows). */
  defaultTp(count: number): number;
  /** Link that swaps or offloads KV to host memory, bytes/s. */
  hostLinkBytesPerSecond(hardware: H): number;
}

/**
 * How io/ checks one number of a hardware or calibration file (plain data, so perf/ needs no
 * schema library; io/file-fields.ts turns these into its zod schemas). `count`: a positive
 * integer; `efficiency`: 0 < x ≤ 1; `fraction`: 0 ≤ x < 1. A trailing `?` makes the field optional.
 */
export type FieldCheck = 'positive' | 'nonnegative' | 'count' | 'efficiency' | 'fraction';
export interface FileFields { readonly [name: string]: FieldCheck | `${FieldCheck}?` | FileFields }
/** The checked values of a file with these fields, in file units. */
export type FileValues<F> = { -readonly [K in keyof F]: F[K] extends `${string}?` ? number | undefined : F[K] extends string ? number : FileValues<F[K]> };

/** A hardware file's fields every kind has, converted (the calibration from its serving stack). */
export interface HardwareFileCommon<H extends HardwareSpec> {
  id: string;
  name: string;
  source: string;
  validated: boolean;
  pricePerHourUsd: number;
  calibration: H['calibration'];
}

/**
 * What io/ and the run report need of a kind, kept beside its model (perf/hardware.ts keys them
 * by HardwareKind): its hardware-file fields and their conversion to SI, its serving-stack
 * (calibration) fields and theirs, how a deployment is named, and the shortest validation loop.
 */
export interface HardwareFormat<H extends HardwareSpec, F = FileFields, C = FileFields> {
  /** Fields of models/hardware/<id>.yaml beyond id, name, source, price and calibration. */
  readonly fileFields: F & FileFields;
  spec(file: FileValues<F>, common: HardwareFileCommon<H>): H;
  /** Parameters of a serving-stack file (models/calibration/<stack>.yaml) for this kind. */
  readonly calibrationFields: C & FileFields;
  calibration(values: FileValues<C>, source: string): H['calibration'];
  /** The run report's parallelism column ("TP 8 × PP 1 (8 GPUs)"). */
  describeDeployment(deployment: Deployment): string;
  /** Floor of a validation's closed loop, seconds (a GPU at high concurrency may take seconds per request). */
  readonly minValidationLoopSeconds: number;
}
