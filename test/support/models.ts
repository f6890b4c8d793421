import { loadHardware, loadLlm } from '../../src/io/models.js';
import type { GpuSpec, WaferSpec } from '../../src/domain/specs.js';

export const llm = (id: string) => loadLlm(id);
export const gpu = (id: string) => loadHardware(id) as GpuSpec;
export const wafer = (id = 'cs-3') => loadHardware(id) as WaferSpec;
