/**
 * The batching policies by name. Keyed by PolicyName (domain/kinds.ts): a name in the list
 * without a policy here, or a policy here without a name there, is a compile error.
 */
import type { PolicyName } from '../../domain/kinds.js';
import type { BatchPolicy } from './policy.js';
import { decodeFirst } from './decode-first.js';
import { prefillFirst } from './prefill-first.js';

export type { BatchPolicy, Priority, StepBuilder } from './policy.js';

export const POLICIES: Readonly<Record<PolicyName, BatchPolicy>> = {
  'decode-first': decodeFirst,
  'prefill-first': prefillFirst,
};
