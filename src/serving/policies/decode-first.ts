/** Decode-first (vLLM's default): running decodes first, so inter-token latency stays smooth; prefill gets what is left. */
import { addPrompts, type BatchPolicy } from './policy.js';

export const decodeFirst: BatchPolicy = {
  description: 'every decoding sequence first, then prompts (interactive before background: running prefill chunks, then admissions) with the budget left',
  fill(step, now) {
    step.addDecodes(now);
    addPrompts(step, now);
  },
};
