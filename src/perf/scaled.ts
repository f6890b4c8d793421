/**
 * A perf model whose every step takes `factor` times as long: how an answer moves when the
 * model is off by its measured error (the planner's calibration range). Tokens per step are
 * unchanged: only time is scaled.
 */
import type { BatchShape, StepCost } from '../domain/batch.js';
import type { PerfModel } from './model.js';

export function scaledPerfModel(model: PerfModel, factor: number): PerfModel {
  if (factor === 1) return model;
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`scaledPerfModel: factor must be a positive number, got ${factor}`);
  return {
    fit: model.fit,
    tokensPerStep: model.tokensPerStep,
    step(batch: BatchShape): StepCost {
      const c = model.step(batch);
      return { ...c, seconds: c.seconds * factor, compute: c.compute * factor, memory: c.memory * factor, communication: c.communication * factor, overhead: c.overhead * factor };
    },
  };
}
