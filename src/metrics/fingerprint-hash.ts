/**
 * The run fingerprint's hash, over the exact bits of each double it is given, so two runs share
 * a fingerprint only if every step (and every completion) was bit-for-bit the same.
 *
 * A step goes in as one 32-bit word (`foldStep`): its start's, cost's and counts' 32-bit halves,
 * each times its own odd constant, xor-ed. Those products do not depend on the hash, so only one
 * FNV-1a multiply-xor per step is on the hash's chain (folding the four doubles' eight halves one
 * after another made eight, the fleet hour's longest chain). The counts' part is a word of its own
 * so a decode run, whose steps share their counts, mixes it once (xor: the same word).
 */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/** FNV-1a step over a double's exact bits (two 32-bit words). */
export function fold(hash: number, x: number): number {
  BITS[0] = x;
  return Math.imul(Math.imul(hash ^ WORDS[0], FNV_PRIME) ^ WORDS[1], FNV_PRIME);
}

/** Two doubles' 32-bit halves, each times its own odd constant, xor-ed. */
function mix(a: number, b: number, k0: number, k1: number, k2: number, k3: number): number {
  BITS[0] = a;
  const low = WORDS[0];
  const high = WORDS[1];
  BITS[0] = b;
  return Math.imul(low, k0) ^ Math.imul(high, k1) ^ Math.imul(WORDS[0], k2) ^ Math.imul(WORDS[1], k3);
}

/** A step's start and cost (seconds), as their part of the step's word. */
export function timesWord(start: number, seconds: number): number {
  return mix(start, seconds, 0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f);
}

/** A step's counts (decoding sequences, prefill tokens), as their part of the step's word. */
export function countsWord(decodeSeqs: number, prefillTokens: number): number {
  return mix(decodeSeqs, prefillTokens, 0x165667b1, 0xcc9e2d51, 0x1b873593, 0x2545f491);
}

/** Fold a step's word (timesWord ^ countsWord) into the hash: one FNV-1a step. */
export function foldStep(hash: number, word: number): number {
  return Math.imul(hash ^ word, FNV_PRIME);
}
