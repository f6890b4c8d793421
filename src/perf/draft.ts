/**
 * Where a speculative draft model runs, and what it takes from its target (DESIGN.md §5). The
 * draft is placed and fitted like any model, by one code path for every caller; each kind of
 * hardware says where (perf/gpu.ts: co-located on the target's GPUs, its weights taking HBM from
 * the KV cache; perf/wafer.ts: its own region of the wafer with the most free SRAM).
 */
import type { Deployment, HardwareSpec, LlmSpec } from '../domain/specs.js';
import type { DraftPlacement, Fit } from './model.js';
import { hardwareModel } from './hardware.js';

export type { DraftPlacement };

export function placeDraft(draft: LlmSpec, hardware: HardwareSpec, target: Deployment, contextTokens = 8192): DraftPlacement {
  return hardwareModel(hardware).placeDraft(draft, hardware, target, contextTokens);
}

/** The target's fit once the draft has taken its memory: fewer KV tokens. */
export function fitWithDraft(target: Fit, hardware: HardwareSpec, draftBytes: number): Fit {
  const tokens = hardwareModel(hardware).kvTokensBesideDraft(target, draftBytes);
  const fits = target.fits && tokens > 0;
  return { ...target, kvCapacityTokens: tokens, fits, reason: fits ? target.reason : target.reason ?? `the draft model's ${(draftBytes / 1e9).toFixed(1)} GB leave no room for KV` };
}
