/**
 * The hardware models by kind. Keyed by HardwareKind (domain/kinds.ts): a kind without a model
 * here, or a model whose spec type does not match its kind, is a compile error. A new kind of
 * accelerator is one file exporting a HardwareModel plus its entry here (docs/extending.md).
 */
import type { HardwareDescription, HardwareWords } from '../domain/explanation.js';
import type { HardwareKind } from '../domain/kinds.js';
import type { HardwareSpec, HardwareSpecOf } from '../domain/specs.js';
import type { HardwareFormat, HardwareModel } from './model.js';
import { GPU_DESCRIPTION, WAFER_DESCRIPTION } from './descriptions.js';
import { GPU_FORMAT, WAFER_FORMAT } from './formats.js';
import { gpuHardware } from './gpu.js';
import { waferHardware } from './wafer.js';

export const HARDWARE_MODELS: { readonly [K in HardwareKind]: HardwareModel<HardwareSpecOf<K>> } = {
  gpu: gpuHardware,
  wafer: waferHardware,
};

/** The model of this hardware's kind. */
export function hardwareModel<H extends HardwareSpec>(hardware: H): HardwareModel<H> {
  // The map is keyed so that kind K holds HardwareModel<spec of K>; TypeScript cannot follow that through an index.
  return HARDWARE_MODELS[hardware.kind] as unknown as HardwareModel<H>;
}

/** How explain and the explorer describe each kind (perf/descriptions.ts): a kind without one does not compile. */
export const HARDWARE_DESCRIPTIONS: { readonly [K in HardwareKind]: HardwareDescription } = {
  gpu: GPU_DESCRIPTION,
  wafer: WAFER_DESCRIPTION,
};

/** What explain and the explorer say about a kind of hardware, with its device and memory names. */
export function hardwareWords(kind: HardwareKind): HardwareWords {
  const model = HARDWARE_MODELS[kind];
  return { ...HARDWARE_DESCRIPTIONS[kind], device: model.deviceLabel, memory: model.memoryLabel };
}

/** Each kind's hardware and calibration files and report wording (perf/formats.ts): io/ and report/ look them up. */
export const HARDWARE_FORMATS: { readonly [K in HardwareKind]: HardwareFormat<HardwareSpecOf<K>> } = {
  gpu: GPU_FORMAT,
  wafer: WAFER_FORMAT,
};

/** The format of this hardware's kind. */
export function hardwareFormat<H extends HardwareSpec>(hardware: H): HardwareFormat<H> {
  // As hardwareModel: the map holds kind K's format for the spec of K.
  return HARDWARE_FORMATS[hardware.kind] as unknown as HardwareFormat<H>;
}
