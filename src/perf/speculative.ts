/**
 * Speculative decoding: a draft model proposes k tokens, the target verifies all k + 1 positions
 * in one step. With acceptance rate a per token, a step yields (1 − a^(k+1)) / (1 − a) tokens
 * (Leviathan et al. 2023) and costs k draft steps plus one verify step. On a latency-bound wafer
 * the verify step's k + 1 tokens ride the layer pipeline like separate sequences, so it costs
 * about one decode step: that is why it pays so well there.
 */
import { decodeBatch, emptyBatch, newStepCost, type BatchShape, type StepCost } from '../domain/batch.js';
import { setStepCost, type PerfModel } from './model.js';

export interface SpeculativeConfig {
  draftId: string;
  /** Tokens the draft proposes per step. */
  k: number;
  /** Probability that the target accepts a proposed token. */
  acceptance: number;
}

export function tokensPerStep(k: number, acceptance: number): number {
  if (acceptance >= 1) return k + 1;
  return (1 - Math.pow(acceptance, k + 1)) / (1 - acceptance);
}

export interface SpeculativeStep {
  /** Expected tokens each sequence gains per step. */
  tokensPerStep: number;
  seconds: number;
  draft: StepCost;
  verify: StepCost;
}

/** One speculative step for `seqs` sequences at `context` tokens of context. */
export function speculativeStep(target: PerfModel, draft: PerfModel, cfg: SpeculativeConfig, seqs: number, context: number): SpeculativeStep {
  const draftStep = draft.step(decodeBatch(seqs, context));
  // k + 1 positions per sequence, at contexts context … context + k (mean context + k/2).
  const verify = target.step(decodeBatch(seqs * (cfg.k + 1), context + cfg.k / 2));
  return {
    tokensPerStep: tokensPerStep(cfg.k, cfg.acceptance),
    seconds: cfg.k * draftStep.seconds + verify.seconds,
    draft: draftStep,
    verify,
  };
}

/**
 * A target model with a draft, as one perf model for the serving engine: a step that decodes
 * runs k draft steps and verifies k + 1 positions per decoding sequence; each decoding sequence
 * gains `tokensPerStep` tokens on average (the engine accumulates the fractions).
 */
export function speculativePerfModel(target: PerfModel, draft: PerfModel, cfg: SpeculativeConfig): PerfModel {
  const k = cfg.k;
  // Scratch shapes and costs of the two halves, refilled every step (the engine's hot path).
  const verifyShape = emptyBatch();
  const draftShape = emptyBatch();
  const verifyCost = newStepCost();
  const draftCost = newStepCost();
  return {
    fit: target.fit,
    tokensPerStep: tokensPerStep(k, cfg.acceptance),
    step(b: BatchShape, into: StepCost = newStepCost()): StepCost {
      if (b.decodeSeqs === 0) return target.step(b, into);
      Object.assign(verifyShape, b);
      verifyShape.decodeSeqs = b.decodeSeqs * (k + 1);
      verifyShape.decodeContextSum = (b.decodeContextSum + (b.decodeSeqs * k) / 2) * (k + 1);
      const verify = target.step(verifyShape, verifyCost);
      const d = draft.step(decodeBatch(b.decodeSeqs, b.decodeContextSum / b.decodeSeqs, draftShape), draftCost);
      return setStepCost(into, verify.seconds + k * d.seconds, verify.compute + k * d.compute, verify.memory + k * d.memory, verify.communication + k * d.communication, verify.overhead + k * d.overhead, verify.bound);
    },
  };
}
