/**
 * Named, independent random streams derived from one seed. A stream's path names what it feeds
 * (`stream(seed, 'workload', 'interactive', 17)`), so adding a stream elsewhere never shifts this
 * one's draws: that is what keeps comparisons between systems on common random numbers.
 */
import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
}

export function stream(seed: number | string, ...path: (string | number)[]): Rng {
  // Alea: fast, good statistical quality, and its state is seeded from the whole key string.
  // Its generator function is a closure over its own state, so it is the stream's `next` as is
  // (no wrapper call per draw: same numbers, one call less).
  return { next: seedrandom.alea(`${seed}|${path.join('/')}`) };
}
