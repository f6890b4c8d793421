/**
 * The run fingerprint's hash: FNV-1a folded over the exact bits of each double a step records,
 * so two runs share a fingerprint only if every step was bit-for-bit the same.
 */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/** FNV-1a step over a double's exact bits (two 32-bit words). */
export function fold(hash: number, x: number): number {
  BITS[0] = x;
  return foldWords(hash, WORDS[0], WORDS[1]);
}

/** The same step over a double's words taken once (`wordsOf`), for a value folded many times. */
export function foldWords(hash: number, low: number, high: number): number {
  return Math.imul(Math.imul(hash ^ low, FNV_PRIME) ^ high, FNV_PRIME);
}

/** A double's two 32-bit words, low first. */
export function wordsOf(x: number): [number, number] {
  BITS[0] = x;
  return [WORDS[0], WORDS[1]];
}
