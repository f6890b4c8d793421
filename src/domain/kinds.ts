/**
 * Every kind a user can name in a scenario, defined once. The union types, the scenario schema
 * (scenario/schema.ts), the normaliser and the reports derive from these lists, so a new kind is
 * added here and the compiler lists every switch and registry that must handle it (docs/extending.md).
 */

/** How a replica fills each batch step (one file per policy in serving/policies/). */
export const POLICY_NAMES = ['decode-first', 'prefill-first'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Kinds of hardware (domain/specs.ts: one spec type each; perf/hardware.ts: one model file each). */
export const HARDWARE_KINDS = ['gpu', 'wafer'] as const;
export type HardwareKind = (typeof HARDWARE_KINDS)[number];

/** Self-driving workload sources (workload/specs.ts: one spec type each; study/world.ts starts them). */
export const WORKLOAD_KINDS = ['interactive', 'agents', 'open-loop'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** How a pool picks a replica for each request (serving/router.ts). */
export const ROUTER_NAMES = ['round-robin', 'least-outstanding', 'session-affinity', 'prefix-aware'] as const;
export type RouterName = (typeof ROUTER_NAMES)[number];

/** Trace files a scenario can replay (io/traces.ts reads each). */
export const TRACE_FORMATS = ['azure', 'mooncake', 'kv-cache-tester'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Compile-time proof that two unions are the same set (a spec union and its kind list must agree). */
export type SameKinds<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Assert<T extends true> = T;
