/**
 * A perf model whose every step takes `factor` times as long: how an answer moves when the
 * model is off by its measured error (the planner's calibration range). Tokens per step are
 * unchanged: only time is scaled.
 */
import { newStepCost, type BatchShape, type StepCost } from '../domain/batch.js';
import { setStepCost, type PerfModel } from './model.js';

export function scaledPerfModel(model: PerfModel, factor: number): PerfModel {
  if (factor === 1) return model;
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`scaledPerfModel: factor must be a positive number, got ${factor}`);
  return {
    fit: model.fit,
    tokensPerStep: model.tokensPerStep,
    step(batch: BatchShape, into: StepCost = newStepCost()): StepCost {
      const c = model.step(batch, into);
      return setStepCost(into, c.seconds * factor, c.compute * factor, c.memory * factor, c.communication * factor, c.overhead * factor, c.bound);
    },
  };
}
