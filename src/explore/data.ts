/**
 * The model and hardware library, resolved to SI specs by io/models.ts when `wafersim explore`
 * builds the page and bundled in as JSON (esbuild `define`): the page makes no request at run time.
 */
import type { HardwareSpec, LlmSpec } from '../domain/specs.js';

export interface ExploreData {
  llms: LlmSpec[];
  hardware: HardwareSpec[];
  version: string;
}

declare const __WAFERSIM_DATA__: ExploreData;

export const DATA: ExploreData = __WAFERSIM_DATA__;

export function llmById(id: string): LlmSpec | undefined {
  return DATA.llms.find((l) => l.id === id);
}

export function hardwareById(id: string): HardwareSpec | undefined {
  return DATA.hardware.find((h) => h.id === id);
}
