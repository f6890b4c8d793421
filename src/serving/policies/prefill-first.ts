/** Prefill-first: prompts first (lower time to first token under load), decodes with the budget left. */
import type { BatchPolicy } from './policy.js';

export const prefillFirst: BatchPolicy = {
  description: 'prefill chunks and admissions first, then decoding sequences with the budget left',
  fill(step, now) {
    step.continuePrefills(now);
    step.admitWaiting(now);
    step.addDecodes(now);
  },
};
