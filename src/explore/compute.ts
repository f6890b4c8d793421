/**
 * What each view shows, computed by the simulator's own code (study/explain.ts and the perf
 * models it builds): the page draws these numbers, it computes none of its own.
 */
import { decodeBatch, prefillBatch, type StepCost } from '../domain/batch.js';
import { InputError } from '../domain/errors.js';
import type { Explanation } from '../domain/explanation.js';
import type { HardwareSpec, LlmSpec, Precision, PrecisionGroups } from '../domain/specs.js';
import { hardwareWords } from '../perf/index.js';
import { explain, explainModels, usersAt, type ExplainOptions } from '../study/explain.js';
import { hardwareById, llmById } from './data.js';
import type { Settings, SystemSettings } from './settings.js';

export type Part = 'compute' | 'memory' | 'communication' | 'overhead';
export const PARTS: Part[] = ['compute', 'memory', 'communication', 'overhead'];

/** A step's parts, each split into what the weights cost and what the context adds (attention, KV reads). */
export interface StepParts {
  label: string;
  seconds: number;
  /** The binding regime (explain gives none for the draft's steps). */
  bound?: StepCost['bound'];
  base: Record<Part, number>;
  /** Context-dependent share of each part: cost at this context − cost at context 0. */
  context: Record<Part, number>;
}

export interface MemoryPicture {
  /** The memory that holds weights and KV ('SRAM' on wafers, 'HBM' on GPUs). */
  kind: string;
  capacityBytes: number;
  weightsBytes: number;
  /** Room for KV cache left after weights (and the calibrated reserve). */
  kvRoomBytes: number;
  /** KV held by the current batch at the current context. */
  kvInUseBytes: number;
  /** Users at a range of contexts, up to the model's longest. */
  usersByContext: { context: number; users: number }[];
  /** The longest context one sequence can have (the cliff), capped by the model's own limit. */
  maxContext: number;
}

export interface SystemView {
  which: 'a' | 'b';
  llm: LlmSpec;
  hardware: HardwareSpec;
  options: ExplainOptions;
  explanation: Explanation;
  memory: MemoryPicture;
  steps: StepParts[];
}

export type SystemResult = { ok: true; view: SystemView } | { ok: false; which: 'a' | 'b'; message: string };

/** The options `wafersim explain` would get for one system of the page (its flags, one for one). */
export function explainOptions(s: Settings, sys: SystemSettings, hw: HardwareSpec): ExplainOptions {
  const precision: Partial<PrecisionGroups> | undefined = sys.precision === 'model' ? undefined : { attention: sys.precision as Precision, mlp: sys.precision as Precision, experts: sys.precision as Precision };
  const draft = s.draft ? llmById(s.draft) : undefined;
  return {
    count: sys.count,
    tp: hardwareWords(hw.kind).settings.tp ? sys.tp : undefined,
    cores: hardwareWords(hw.kind).settings.cores && sys.cores > 0 ? sys.cores : undefined,
    precision,
    batch: s.batch,
    context: s.context,
    input: s.input,
    speculative: draft ? { draft, draftId: draft.id, k: s.k, acceptance: s.accept } : undefined,
  };
}

function parts(c: StepCost, times = 1): Record<Part, number> {
  return { compute: times * c.compute, memory: times * c.memory, communication: times * c.communication, overhead: times * c.overhead };
}

function minus(a: Record<Part, number>, b: Record<Part, number>): Record<Part, number> {
  return { compute: a.compute - b.compute, memory: a.memory - b.memory, communication: a.communication - b.communication, overhead: a.overhead - b.overhead };
}

const CONTEXTS = [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576];

export function systemView(s: Settings, which: 'a' | 'b'): SystemResult {
  const sys = s[which];
  const llm = llmById(s.model);
  const hardware = hardwareById(sys.hardware);
  if (!llm || !hardware) return { ok: false, which, message: `unknown model or hardware (${s.model}, ${sys.hardware})` };
  const options = explainOptions(s, sys, hardware);
  try {
    const explanation = explain(llm, hardware, options);
    if (!explanation.fits) return { ok: false, which, message: `${llm.name} does not fit: ${explanation.reason}. The fewest that fit: ${explanation.minCount}.` };
    const { model } = explainModels(llm, hardware, options);
    const decode = model.step(decodeBatch(s.batch, s.context));
    const decode0 = model.step(decodeBatch(s.batch, 0));
    const prefill = model.step(prefillBatch(s.input, 0));
    const none = parts({ compute: 0, memory: 0, communication: 0, overhead: 0, seconds: 0, bound: 'compute' });
    const steps: StepParts[] = [
      { label: spec0Label(explanation), seconds: decode.seconds, bound: decode.bound, base: parts(decode0), context: minus(parts(decode), parts(decode0)) },
      { label: `prefill of ${s.input.toLocaleString('en-US')} tokens`, seconds: prefill.seconds, bound: prefill.bound, base: parts(prefill), context: none },
    ];
    const spec = explanation.speculative;
    if (spec) {
      steps.push({ label: `draft ×${spec.k} (${spec.draft})`, seconds: spec.draftSeconds, base: spec.draftBreakdown, context: none });
      steps.push({ label: `verify ${spec.k + 1} tokens`, seconds: spec.verifySeconds, bound: explanation.decode!.bound, base: spec.verifyBreakdown, context: none });
    }
    const fit = explanation;
    const capacityBytes = fit.placement.reduce((a, p) => a + p.capacityBytes, 0);
    const kvRoomBytes = fit.placement.reduce((a, p) => a + p.kvBytes, 0);
    const inUseTokens = Math.min(s.batch, Math.max(0, fit.usersAtContext)) * (Math.max(1, s.context) + fit.kvReserveTokensPerSequence);
    const memory: MemoryPicture = {
      kind: hardwareWords(hardware.kind).memory,
      capacityBytes,
      weightsBytes: fit.weightsBytes,
      kvRoomBytes,
      kvInUseBytes: Math.min(kvRoomBytes, inUseTokens * fit.kvBytesPerToken),
      usersByContext: CONTEXTS.filter((c) => c <= llm.contextTokens).map((context) => ({ context, users: usersAt(fit, context) })),
      maxContext: Math.max(0, Math.min(llm.contextTokens, fit.kvCapacityTokens - fit.kvReserveTokensPerSequence)),
    };
    return { ok: true, view: { which, llm, hardware, options, explanation, memory, steps } };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, which, message: error.problems.map((p) => `${p.where}: expected ${p.expected}, found ${p.found}`).join('; ') };
    throw error;
  }
}

function spec0Label(e: Explanation): string {
  return e.speculative ? 'decode step (target alone)' : 'decode step';
}
