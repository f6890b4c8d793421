/** Decode-first (vLLM's default): running decodes first, so inter-token latency stays smooth; prefill gets what is left. */
import type { BatchPolicy } from './policy.js';

export const decodeFirst: BatchPolicy = {
  description: 'every decoding sequence first, then prefill chunks and admissions with the budget left',
  fill(step, now) {
    step.addDecodes(now);
    step.continuePrefills(now);
    step.admitWaiting(now);
  },
};
