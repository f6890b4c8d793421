/**
 * Where a speculative draft model runs, and what it takes from its target (DESIGN.md §5). The
 * draft is placed and fitted like any model, by one code path for every caller:
 * - on wafers, on its own region of the target's wafer with the most free SRAM: a region just large
 *   enough for its weights and one context's KV, its layers pipelined over it; that SRAM no longer
 *   holds the target's KV;
 * - on GPUs, co-located on the target's GPUs with the same tensor parallelism; its weights take
 *   HBM from the target's KV cache.
 */
import type { Deployment, HardwareSpec, LlmSpec, WaferSpec } from '../domain/specs.js';
import { kvBytesAt, resolvePrecision, weightBytes } from './llm.js';
import type { Fit } from './model.js';

export interface DraftPlacement {
  /** The hardware the draft runs on: a GPU, or a region of a wafer described as a small wafer. */
  hardware: HardwareSpec;
  deployment: Deployment;
  /** Bytes of device memory the draft takes from the target. */
  bytes: number;
}

/** A square-ish region of `cores` cores of a wafer, as a wafer of its own (per-core figures kept). */
export function waferRegion(wafer: WaferSpec, cores: number): WaferSpec {
  const share = cores / wafer.cores;
  const side = Math.sqrt(cores);
  return {
    ...wafer,
    name: `${cores.toLocaleString('en-US')}-core region of a ${wafer.name}`,
    cores,
    fabricWidth: Math.round(side),
    fabricHeight: Math.round(side),
    sramBytes: wafer.sramBytes * share,
    sramBytesPerSecond: wafer.sramBytesPerSecond * share,
    peakFlops: wafer.peakFlops * share,
  };
}

export function placeDraft(draft: LlmSpec, hardware: HardwareSpec, target: Deployment, contextTokens = 8192): DraftPlacement {
  const precision = resolvePrecision(draft);
  const weights = weightBytes(draft, precision);
  switch (hardware.kind) {
    case 'wafer': {
      const usablePerCore = (hardware.sramBytes / hardware.cores) * (1 - hardware.calibration.reserveFraction);
      const bytes = weights + kvBytesAt(draft, precision, contextTokens);
      const cores = Math.min(hardware.cores, Math.ceil(bytes / usablePerCore));
      return { hardware: waferRegion(hardware, cores), deployment: { count: 1, tp: 1, pp: 1, contextTokens }, bytes: cores * (hardware.sramBytes / hardware.cores) };
    }
    case 'gpu':
      return { hardware, deployment: { count: target.tp, tp: target.tp, pp: 1 }, bytes: weights };
  }
}

/** The target's fit once the draft has taken its memory: fewer KV tokens. */
export function fitWithDraft(target: Fit, hardware: HardwareSpec, draftBytes: number): Fit {
  // Wafers: the draft's region sits on the wafer with the most free SRAM; the replica holds what its
  // tightest wafer holds. GPUs: the draft's weights are split over the GPUs like the target's KV.
  const perDeviceKv = target.kvBytesPerToken / target.count;
  let tokens: number;
  if (hardware.kind === 'wafer') {
    const free = target.placement.map((p) => p.freeBytes);
    const host = free.indexOf(Math.max(...free));
    free[host] -= draftBytes;
    tokens = Math.max(0, Math.min(target.kvCapacityTokens, Math.floor(Math.min(...free) / perDeviceKv)));
  } else tokens = Math.max(0, target.kvCapacityTokens - Math.ceil(draftBytes / target.kvBytesPerToken));
  const fits = target.fits && tokens > 0;
  return { ...target, kvCapacityTokens: tokens, fits, reason: fits ? target.reason : target.reason ?? `the draft model's ${(draftBytes / 1e9).toFixed(1)} GB leave no room for KV` };
}

