/** Small helpers turning samples into workload quantities. */
import { sampler, stream, type DistributionSpec } from '../random/index.js';

/** A token count: a whole number, at least `min`. */
export function tokens(x: number, min = 1): number {
  return Math.max(min, Math.round(x));
}

/** 1 + amplitude × cos(2π (hour − peak) / 24): a day's rhythm around its mean. */
export function dailyFactor(seconds: number, amplitude: number, peakHour: number): number {
  const hour = (seconds / 3600) % 24;
  return Math.max(0.01, 1 + amplitude * Math.cos((2 * Math.PI * (hour - peakHour)) / 24));
}

/**
 * Hidden reasoning tokens per request, drawn from a stream of their own: systems that reason
 * differently (a scenario may set reasoning per system) still see the same prompts, outputs and
 * tool times (common random numbers). A constant draws nothing, so no stream is made for it.
 */
export function reasoningDraw(spec: DistributionSpec, seed: number, ...key: (string | number)[]): () => number {
  if (spec.kind === 'constant') return () => tokens(spec.value, 0);
  const draw = sampler(spec);
  const rng = stream(seed, ...key, 'reasoning');
  return () => tokens(draw(rng), 0);
}
