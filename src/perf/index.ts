import type { Deployment, HardwareSpec, LlmSpec } from '../domain/specs.js';
import { fitWithDraft, placeDraft } from './draft.js';
import { hardwareModel } from './hardware.js';
import type { PerfModel } from './model.js';
import { speculativePerfModel, type SpeculativeConfig } from './speculative.js';

export * from './llm.js';
export * from './model.js';
export * from './speculative.js';
export { splitLayers } from './wafer.js';
export { placeDraft } from './draft.js';
export { HARDWARE_DESCRIPTIONS, HARDWARE_FORMATS, HARDWARE_MODELS, hardwareFormat, hardwareModel, hardwareWords } from './hardware.js';
export { scaledPerfModel } from './scaled.js';

/** The performance model for a model deployed on one kind of hardware. */
export function perfModel(llm: LlmSpec, hardware: HardwareSpec, deployment: Deployment): PerfModel {
  return hardwareModel(hardware).perfModel(llm, hardware, deployment);
}

/** The draft of a speculative deployment, placed beside its target (perf/draft.ts). */
export function draftPerfModel(draft: LlmSpec, hardware: HardwareSpec, target: Deployment): PerfModel {
  const placed = placeDraft(draft, hardware, target);
  return perfModel(draft, placed.hardware, placed.deployment);
}

/**
 * A target that decodes speculatively with `draft`: one code path for runs, `explain` and
 * validation. The target keeps the KV room the draft leaves.
 */
export function speculativeDeployment(llm: LlmSpec, hardware: HardwareSpec, deployment: Deployment, draft: LlmSpec, cfg: Omit<SpeculativeConfig, 'draftId'>): { target: PerfModel; draft: PerfModel; model: PerfModel; where: string } {
  const placed = placeDraft(draft, hardware, deployment);
  const plain = perfModel(llm, hardware, deployment);
  const target: PerfModel = { ...plain, fit: fitWithDraft(plain.fit, hardware, placed.bytes), step: plain.step };
  const draftModel = perfModel(draft, placed.hardware, placed.deployment);
  const where = hardwareModel(hardware).draftWhere(placed);
  return { target, draft: draftModel, model: speculativePerfModel(target, draftModel, { draftId: draft.id, ...cfg }), where };
}
