/** Small helpers turning samples into workload quantities. */

/** A token count: a whole number, at least `min`. */
export function tokens(x: number, min = 1): number {
  return Math.max(min, Math.round(x));
}

/** 1 + amplitude × cos(2π (hour − peak) / 24): a day's rhythm around its mean. */
export function dailyFactor(seconds: number, amplitude: number, peakHour: number): number {
  const hour = (seconds / 3600) % 24;
  return Math.max(0.01, 1 + amplitude * Math.cos((2 * Math.PI * (hour - peakHour)) / 24));
}
