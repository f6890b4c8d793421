/** The one interface every kind of hardware implements (DESIGN.md §5). */
import type { BatchShape, StepCost } from '../domain/batch.js';
import type { Fit, Placement } from '../domain/explanation.js';

export type { Fit, Placement };

export interface PerfModel {
  readonly fit: Fit;
  /** Tokens a decoding sequence gains per step on average (speculative decoding: > 1). */
  readonly tokensPerStep?: number;
  /** Cost of one batch step: every sequence in the batch advances (one token, or one prefill chunk). */
  step(batch: BatchShape): StepCost;
}

/** Which part binds: the largest of the named parts. */
export function boundOf(compute: number, memory: number, communication: number, overhead: number): StepCost['bound'] {
  let bound: StepCost['bound'] = 'compute';
  let max = compute;
  if (memory > max) [bound, max] = ['memory', memory];
  if (communication > max) [bound, max] = ['communication', communication];
  if (overhead > max) bound = 'overhead';
  return bound;
}
