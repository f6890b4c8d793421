/**
 * `explain`: one model on one kind of hardware — what fits where, per-token latency and its
 * breakdown, the binding regime, per-user versus total throughput. Pure: specs in, numbers out.
 */
import { decodeBatch, prefillBatch, type StepCost } from '../domain/batch.js';
import type { DecodePoint, Explanation, Fit } from '../domain/explanation.js';
import type { Deployment, HardwareSpec, LlmSpec, PrecisionGroups } from '../domain/specs.js';
import { hardwareModel, perfModel, speculativeDeployment, speculativeStep, type DeploymentFieldNames, type PerfModel, type SpeculativeConfig } from '../perf/index.js';

export interface ExplainOptions {
  count?: number;
  tp?: number;
  pp?: number;
  /** Wafer only: the cores of the region the layers run on, one after another (unset: whole wafers). */
  cores?: number;
  precision?: Partial<PrecisionGroups>;
  batch: number;
  context: number;
  input: number;
  speculative?: SpeculativeConfig & { draft: LlmSpec };
}

/** How the fields are named where the user wrote them (flags, or scenario keys). */
const FLAGS = { count: '--count', tp: '--tp', pp: '--pp', cores: '--cores' };

/** The deployment asked for, with defaults: the fewest devices that hold the model at `context`. */
export function resolveDeployment(llm: LlmSpec, hw: HardwareSpec, o: ExplainOptions, names: DeploymentFieldNames = FLAGS): Deployment {
  return hardwareModel(hw).resolveDeployment(llm, hw, o, names);
}

function decodePoint(model: PerfModel, batch: number, context: number, spec?: ExplainOptions['speculative'], draft?: PerfModel): DecodePoint & { cost: StepCost } {
  if (spec && draft) {
    const s = speculativeStep(model, draft, spec, batch, context);
    const perUser = s.tokensPerStep / s.seconds;
    return { batch, stepSeconds: s.seconds, tokensPerSecondPerUser: perUser, tokensPerSecondTotal: perUser * batch, bound: s.verify.bound, cost: s.verify };
  }
  const cost = model.step(decodeBatch(batch, context));
  return { batch, stepSeconds: cost.seconds, tokensPerSecondPerUser: 1 / cost.seconds, tokensPerSecondTotal: batch / cost.seconds, bound: cost.bound, cost };
}

/** Sequences of `context` tokens (plus each one's windowed-layer reserve) that a fit's KV holds. */
export function usersAt(fit: Pick<Fit, 'kvCapacityTokens' | 'kvReserveTokensPerSequence'>, context: number): number {
  return Math.floor(fit.kvCapacityTokens / (Math.max(1, context) + fit.kvReserveTokensPerSequence));
}

/** The deployment asked for and the perf models explain reads: the target, and its draft when speculative. */
export function explainModels(llm: LlmSpec, hw: HardwareSpec, o: ExplainOptions) {
  const deployment = resolveDeployment(llm, hw, o);
  const spec = o.speculative;
  const withDraft = spec ? speculativeDeployment(llm, hw, deployment, spec.draft, spec) : undefined;
  return { deployment, model: withDraft?.target ?? perfModel(llm, hw, deployment), draft: withDraft?.draft, draftPlacement: withDraft?.where };
}

export function explain(llm: LlmSpec, hw: HardwareSpec, o: ExplainOptions): Explanation {
  const { deployment, model, draft, draftPlacement } = explainModels(llm, hw, o);
  const spec = o.speculative;
  const fit = model.fit;
  const longFit = perfModel(llm, hw, { ...deployment, contextTokens: llm.contextTokens }).fit;
  const base = {
    model: { id: llm.id, name: llm.name },
    hardware: { id: hw.id, name: hw.name, kind: hw.kind, validated: hw.validated },
    deployment,
    fits: fit.fits,
    reason: fit.reason,
    count: fit.count,
    minCount: fit.minCount,
    weightsBytes: fit.weightsBytes,
    kvBytesPerToken: fit.kvBytesPerToken,
    kvBytesPerSequence: fit.kvBytesPerSequence,
    kvReserveTokensPerSequence: fit.kvReserveTokensPerSequence,
    kvCapacityTokens: fit.kvCapacityTokens,
    placement: fit.placement,
    context: o.context,
    usersAtContext: usersAt(fit, o.context),
    longContext: { tokens: llm.contextTokens, users: usersAt(fit, llm.contextTokens), minCount: longFit.minCount },
  };
  if (!fit.fits) return { ...base, decode: null, prefill: null, maxThroughput: null, curve: [], speculative: null };

  const point = decodePoint(model, o.batch, o.context, spec, draft);
  const maxBatch = Math.max(1, base.usersAtContext);
  const max = decodePoint(model, maxBatch, o.context, spec, draft);
  const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048].filter((b) => b < maxBatch);
  const prefill = model.step(prefillBatch(o.input, 0));
  let speculative: Explanation['speculative'] = null;
  if (spec && draft) {
    const s = speculativeStep(model, draft, spec, o.batch, o.context);
    speculative = {
      draft: spec.draft.id,
      placement: draftPlacement!,
      k: spec.k,
      acceptance: spec.acceptance,
      tokensPerStep: s.tokensPerStep,
      draftSeconds: spec.k * s.draft.seconds,
      draftBreakdown: breakdownOf(s.draft, spec.k),
      verifySeconds: s.verify.seconds,
      verifyBreakdown: breakdownOf(s.verify),
    };
  }
  const { cost, ...decode } = point;
  return {
    ...base,
    decode: { ...decode, breakdown: breakdownOf(cost) },
    prefill: { tokens: o.input, seconds: prefill.seconds, tokensPerSecond: o.input / prefill.seconds },
    maxThroughput: { batch: maxBatch, tokensPerSecondTotal: max.tokensPerSecondTotal, tokensPerSecondPerUser: max.tokensPerSecondPerUser },
    curve: [...batches.map((b) => { const { cost: _c, ...p } = decodePoint(model, b, o.context, spec, draft); return p; }), (({ cost: _c, ...p }) => p)(max)],
    speculative,
  };
}

function breakdownOf(c: StepCost, times = 1): Pick<StepCost, 'compute' | 'memory' | 'communication' | 'overhead'> {
  return { compute: times * c.compute, memory: times * c.memory, communication: times * c.communication, overhead: times * c.overhead };
}
