import type { Deployment, HardwareSpec, LlmSpec } from '../domain/specs.js';
import { gpuPerfModel } from './gpu.js';
import type { PerfModel } from './model.js';
import { waferPerfModel } from './wafer.js';

export * from './llm.js';
export * from './model.js';
export * from './speculative.js';
export { splitLayers } from './wafer.js';

/** The performance model for a model deployed on one kind of hardware. */
export function perfModel(llm: LlmSpec, hardware: HardwareSpec, deployment: Deployment): PerfModel {
  switch (hardware.kind) {
    case 'gpu':
      return gpuPerfModel(llm, hardware, deployment);
    case 'wafer':
      return waferPerfModel(llm, hardware, deployment);
  }
}
