/** Log-spaced latency bins shared by the worker (counting) and the page (drawing). */
export const BINS_PER_DECADE = 8;
export const MIN_MS = 0.1;
export const DECADES = 6; // 0.1 ms … 100 s
export const BIN_COUNT = BINS_PER_DECADE * DECADES;

/** The bin a latency falls in; below 0.1 ms and above 100 s go to the first and last bins. */
export function binOf(ms: number): number {
  const i = Math.floor(Math.log10(Math.max(ms, MIN_MS) / MIN_MS) * BINS_PER_DECADE);
  return Math.min(BIN_COUNT - 1, Math.max(0, i));
}

export function binEdgesMs(i: number): [number, number] {
  return [MIN_MS * 10 ** (i / BINS_PER_DECADE), MIN_MS * 10 ** ((i + 1) / BINS_PER_DECADE)];
}
