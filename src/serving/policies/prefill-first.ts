/** Prefill-first: prompts first (lower time to first token under load), decodes with the budget left. */
import { addPrompts, type BatchPolicy } from './policy.js';

export const prefillFirst: BatchPolicy = {
  description: 'prompts first (interactive before background: running prefill chunks, then admissions), then decoding sequences with the budget left',
  fill(step, now) {
    addPrompts(step, now);
    step.addDecodes(now);
  },
};
