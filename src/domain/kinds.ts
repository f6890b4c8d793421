/**
 * Every kind a user can name in a scenario, defined once. The union types, the scenario schema
 * (scenario/schema.ts), the normaliser and the reports derive from these lists, so a new kind is
 * added here and the compiler lists every switch and registry that must handle it (docs/extending.md).
 */

/** How a replica fills each batch step (one file per policy in serving/policies/). */
export const POLICY_NAMES = ['decode-first', 'prefill-first'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
