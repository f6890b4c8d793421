/**
 * What fits on wafers: layers split over wafers by weight bytes; the KV of layer l lives on the
 * wafer that holds layer l, in the SRAM its weights leave free. Capped layers (sliding window,
 * chunked) keep at most their cap per sequence; the rest grow with the context.
 */
import type { Deployment, LlmSpec, PrecisionGroups, WaferSpec } from '../domain/specs.js';
import { formatGB } from '../domain/units.js';
import { attentionGroups, kvBytesPerSequence, kvBytesPerToken, kvReserveTokensPerSequence, layerBytes, tableBytes, weightBytes } from './llm.js';
import type { Fit, Placement } from './model.js';

export interface WaferStage {
  firstLayer: number;
  /** One past the last layer. */
  endLayer: number;
  weightsBytes: number;
  /** KV bytes per token of context in this wafer's uncapped layers. */
  kvBytesPerToken: number;
  /** KV bytes per sequence in this wafer's capped layers, at their caps. */
  kvBytesPerSequence: number;
}

/** Weight bytes resident on a wafer for layers [first, end), with the embedding and head at the ends. */
function stageBytes(llm: LlmSpec, p: PrecisionGroups, first: number, end: number, wafers: number, index: number): number {
  let bytes = 0;
  for (let l = first; l < end; l++) bytes += layerBytes(llm, l, p);
  const table = tableBytes(llm, p);
  if (index === 0 && !llm.tiedEmbeddings) bytes += table; // input embedding
  if (index === wafers - 1) bytes += table; // output head (the tied table lives here)
  return bytes;
}

/** Contiguous layer ranges over `wafers` wafers, balanced by weight bytes. */
export function splitLayers(llm: LlmSpec, p: PrecisionGroups, wafers: number): WaferStage[] {
  const total = weightBytes(llm, p);
  const groups = attentionGroups(llm, p);
  const kvOf = (first: number, end: number) => {
    let perToken = 0;
    let perSequence = 0;
    for (const g of groups) {
      const inStage = g.layers.filter((l) => l >= first && l < end).length / g.layers.length;
      if (g.cap === Infinity) perToken += g.kvBytesPerToken * inStage;
      else perSequence += g.cap * g.kvBytesPerToken * inStage;
    }
    return { perToken, perSequence };
  };
  const stages: WaferStage[] = [];
  let first = 0;
  let cumulative = 0;
  for (let w = 0; w < wafers; w++) {
    let end = first;
    if (w === wafers - 1) end = llm.layers;
    else {
      const target = (total * (w + 1)) / wafers;
      const minEnd = first + 1;
      const maxEnd = llm.layers - (wafers - 1 - w); // leave at least one layer per later wafer
      let acc = cumulative + (w === 0 && !llm.tiedEmbeddings ? tableBytes(llm, p) : 0);
      end = first;
      while (end < maxEnd) {
        const next = acc + layerBytes(llm, end, p);
        // Stop at the boundary nearer the target.
        if (end >= minEnd && Math.abs(next - target) > Math.abs(acc - target)) break;
        acc = next;
        end++;
      }
      cumulative = acc;
    }
    const kv = kvOf(first, end);
    stages.push({ firstLayer: first, endLayer: end, weightsBytes: stageBytes(llm, p, first, end, wafers, w), kvBytesPerToken: kv.perToken, kvBytesPerSequence: kv.perSequence });
    first = end;
  }
  return stages;
}

/**
 * Tokens a stage holds, counted as the KV manager counts them (uncapped tokens plus the reserve
 * per sequence). A stage with only capped layers limits sequences, not tokens: it holds
 * free ÷ bytes-per-sequence of them, counted here at `context` tokens each.
 */
function stageTokens(s: WaferStage, free: number, tokensPerSequence: number): number {
  if (free <= 0) return 0;
  if (s.kvBytesPerToken > 0) return Math.floor(free / s.kvBytesPerToken);
  return s.kvBytesPerSequence > 0 ? Math.floor(free / s.kvBytesPerSequence) * tokensPerSequence : Number.MAX_SAFE_INTEGER;
}

export function waferFit(llm: LlmSpec, wafer: WaferSpec, d: Deployment, precision: PrecisionGroups): Fit {
  const usable = wafer.sramBytes * (1 - wafer.calibration.reserveFraction);
  const needed = d.contextTokens ?? 1;
  const kvPerToken = kvBytesPerToken(llm, precision);
  const reserve = kvReserveTokensPerSequence(llm, precision);
  const capacityOf = (stages: WaferStage[]) => Math.min(...stages.map((s) => stageTokens(s, usable - s.weightsBytes, needed + reserve)));
  // One sequence at `needed` tokens takes needed + reserve tokens of the uncapped layers' room.
  const holds = (tokens: number) => tokens >= needed + reserve;
  let minCount = 0;
  for (let n = 1; n <= llm.layers && minCount === 0; n++) {
    if (holds(capacityOf(splitLayers(llm, precision, n)))) minCount = n;
  }
  const count = d.count;
  const base = {
    count,
    minCount,
    weightsBytes: weightBytes(llm, precision),
    kvBytesPerToken: kvPerToken,
    kvBytesPerSequence: kvBytesPerSequence(llm, precision),
    kvReserveTokensPerSequence: reserve,
    // A pipeline holds one micro-batch per layer; layers sharing one region run one at a time.
    pipelineDepth: d.cores !== undefined ? 1 : llm.layers,
  };
  if (count > llm.layers) {
    return { ...base, fits: false, reason: `${count} wafers for ${llm.layers} layers: at most one wafer per layer`, kvCapacityTokens: 0, placement: [] };
  }
  if (d.cores !== undefined && d.cores > wafer.cores) {
    return { ...base, fits: false, reason: `a region of ${d.cores.toLocaleString('en-US')} cores on a ${wafer.name} of ${wafer.cores.toLocaleString('en-US')}`, kvCapacityTokens: 0, placement: [] };
  }
  const stages = splitLayers(llm, precision, count);
  const tokens = capacityOf(stages);
  const placement: Placement[] = stages.map((s, i) => ({
    devices: `wafer ${i + 1}${d.cores !== undefined ? ` (layers run one after another on a ${d.cores.toLocaleString('en-US')}-core region)` : ''}`,
    layers: `layers ${s.firstLayer}–${s.endLayer - 1}${i === 0 && !llm.tiedEmbeddings ? ' + embedding' : ''}${i === stages.length - 1 ? ' + output head' : ''}`,
    weightsBytes: s.weightsBytes,
    kvBytes: Math.max(0, usable - s.weightsBytes),
    freeBytes: Math.max(0, usable - s.weightsBytes),
    capacityBytes: wafer.sramBytes,
  }));
  const tightest = stages.reduce((a, s) => (s.weightsBytes > a.weightsBytes ? s : a));
  const fits = holds(tokens);
  const plural = count > 1 ? 's' : '';
  const reason = fits
    ? undefined
    : tightest.weightsBytes > usable
      ? `${count} wafer${plural}: the heaviest holds ${formatGB(tightest.weightsBytes)} of weights but only ${formatGB(usable)} of its ${formatGB(wafer.sramBytes, 0)} SRAM is usable`
      : `${count} wafer${plural} hold KV for ${tokens.toLocaleString('en-US')} tokens, fewer than one ${needed.toLocaleString('en-US')}-token context needs (${(needed + reserve).toLocaleString('en-US')} with its windowed layers)`;
  return { ...base, fits, reason, kvCapacityTokens: tokens, placement };
}
