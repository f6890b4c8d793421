/**
 * Distributions as plain descriptions, parameterised the way people state them: scenario files
 * carry them, the workload defaults are written in them, and random/distributions.ts turns each
 * into a sampler.
 */
export type DistributionSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'lognormal'; median: number; p90: number }
  | { kind: 'gamma'; mean: number; cv: number }
  | { kind: 'pareto'; alpha: number; min: number; max: number }
  | { kind: 'empirical'; samples: readonly number[] }
  | { kind: 'categorical'; values: readonly number[]; weights: readonly number[] };
