/**
 * Distributions, parameterised the way people state them. Each is a pure description
 * (`DistributionSpec`, a discriminated union that scenario files can carry) turned into a sampler
 * by `sampler(spec)`; randomness is injected as an `Rng`.
 */
import type { DistributionSpec } from '../domain/distribution.js';
import type { Rng } from './stream.js';

export type Sampler = (rng: Rng) => number;

export type { DistributionSpec };

/** z-score of the 90th percentile of the standard normal. */
export const Z90 = 1.2815515655446004;

export function constant(value: number): Sampler {
  return () => value;
}

export function exponential(mean: number): Sampler {
  positive('exponential mean', mean);
  return (rng) => -mean * Math.log(1 - rng.next());
}

export function uniform(min: number, max: number): Sampler {
  if (!(max >= min)) throw new RangeError(`uniform: max (${max}) must be >= min (${min})`);
  return (rng) => min + (max - min) * rng.next();
}

export function standardNormal(rng: Rng): number {
  // Box–Muller, one draw per call so every call consumes exactly two uniforms (reproducible).
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function normal(mean: number, sd: number): Sampler {
  nonNegative('normal sd', sd);
  return (rng) => mean + sd * standardNormal(rng);
}

export function lognormal(mu: number, sigma: number): Sampler {
  nonNegative('lognormal sigma', sigma);
  return (rng) => Math.exp(mu + sigma * standardNormal(rng));
}

/** Lognormal with the given median and 90th percentile. */
export function lognormalFromQuantiles(median: number, p90: number): Sampler {
  positive('lognormal median', median);
  if (!(p90 >= median)) throw new RangeError(`lognormal: p90 (${p90}) must be >= median (${median})`);
  return lognormal(Math.log(median), Math.log(p90 / median) / Z90);
}

/** Gamma with the given mean and coefficient of variation (shape k = 1/cv², scale = mean·cv²). */
export function gamma(mean: number, cv: number): Sampler {
  positive('gamma mean', mean);
  positive('gamma cv', cv);
  const shape = 1 / (cv * cv);
  const scale = mean / shape;
  return (rng) => scale * standardGamma(rng, shape);
}

function standardGamma(rng: Rng, shape: number): number {
  // Marsaglia & Tsang (2000); shape < 1 boosted with U^(1/shape).
  if (shape < 1) return standardGamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Pareto with tail index alpha, truncated to [min, max] (inverse CDF). */
export function boundedPareto(alpha: number, min: number, max: number): Sampler {
  positive('pareto alpha', alpha);
  positive('pareto min', min);
  if (!(max > min)) throw new RangeError(`pareto: max (${max}) must be > min (${min})`);
  const ratio = Math.pow(min / max, alpha);
  return (rng) => min / Math.pow(1 - rng.next() * (1 - ratio), 1 / alpha);
}

/** Inverse of the empirical CDF with linear interpolation between order statistics. */
export function empirical(samples: readonly number[]): Sampler {
  if (samples.length === 0) throw new RangeError('empirical: needs at least one sample');
  const sorted = Float64Array.from(samples).sort();
  const last = sorted.length - 1;
  return (rng) => {
    const position = rng.next() * last;
    const i = Math.floor(position);
    const frac = position - i;
    return i >= last ? sorted[last] : sorted[i] + frac * (sorted[i + 1] - sorted[i]);
  };
}

export function categorical(values: readonly number[], weights: readonly number[]): Sampler {
  if (values.length === 0 || values.length !== weights.length) {
    throw new RangeError(`categorical: ${values.length} values but ${weights.length} weights`);
  }
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    nonNegative('categorical weight', w);
    total += w;
    cumulative[i] = total;
  });
  positive('categorical total weight', total);
  return (rng) => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo];
  };
}

export function sampler(spec: DistributionSpec): Sampler {
  switch (spec.kind) {
    case 'constant':
      return constant(spec.value);
    case 'exponential':
      return exponential(spec.mean);
    case 'uniform':
      return uniform(spec.min, spec.max);
    case 'normal':
      return normal(spec.mean, spec.sd);
    case 'lognormal':
      return 'median' in spec ? lognormalFromQuantiles(spec.median, spec.p90) : lognormal(spec.mu, spec.sigma);
    case 'gamma':
      return gamma(spec.mean, spec.cv);
    case 'pareto':
      return boundedPareto(spec.alpha, spec.min, spec.max);
    case 'empirical':
      return empirical(spec.samples);
    case 'categorical':
      return categorical(spec.values, spec.weights);
    default: {
      // random/ imports nothing (a leaf layer): the same exhaustiveness check as domain/never.ts, inline.
      const unknown: never = spec;
      throw new Error(`unknown distribution: ${JSON.stringify(unknown)}`);
    }
  }
}

/** The distribution's mean, where it has a closed form (used for defaults and checks). */
export function meanOf(spec: DistributionSpec): number {
  switch (spec.kind) {
    case 'constant':
      return spec.value;
    case 'exponential':
    case 'gamma':
    case 'normal':
      return spec.mean;
    case 'uniform':
      return (spec.min + spec.max) / 2;
    case 'lognormal': {
      const [mu, sigma] = 'median' in spec ? [Math.log(spec.median), Math.log(spec.p90 / spec.median) / Z90] : [spec.mu, spec.sigma];
      return Math.exp(mu + (sigma * sigma) / 2);
    }
    case 'pareto': {
      const { alpha: a, min: l, max: h } = spec;
      if (a === 1) return (h * l * Math.log(h / l)) / (h - l);
      return (Math.pow(l, a) / (1 - Math.pow(l / h, a))) * (a / (a - 1)) * (1 / Math.pow(l, a - 1) - 1 / Math.pow(h, a - 1));
    }
    case 'empirical': {
      // Mean of the interpolated inverse CDF: a trapezoid over the order statistics.
      const n = spec.samples.length;
      if (n === 1) return spec.samples[0];
      const sorted = [...spec.samples].sort((a, b) => a - b);
      return (sorted.reduce((s, x) => s + x, 0) - (sorted[0] + sorted[n - 1]) / 2) / (n - 1);
    }
    case 'categorical': {
      const total = spec.weights.reduce((s, w) => s + w, 0);
      return spec.values.reduce((s, v, i) => s + v * spec.weights[i], 0) / total;
    }
    default: {
      // random/ imports nothing (a leaf layer): the same exhaustiveness check as domain/never.ts, inline.
      const unknown: never = spec;
      throw new Error(`unknown distribution: ${JSON.stringify(unknown)}`);
    }
  }
}

function positive(what: string, x: number): void {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`${what} must be a finite number > 0, got ${x}`);
}
function nonNegative(what: string, x: number): void {
  if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${what} must be a finite number >= 0, got ${x}`);
}
