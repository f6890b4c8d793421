/**
 * Numbers written as ASCII digits straight into a byte chunk, with no string per number: the cost
 * of writing a million request records was V8's shortest round-trip double-to-string (~2.3 µs per
 * record, docs/performance.md). Columns at a fixed resolution (report/csv.ts) need no shortest
 * form: `writeFixed` writes exactly the text of `x.toFixed(decimals)` with trailing zeros (and a
 * bare '.') trimmed, and "0" for a negative value that rounds to zero (toFixed would say "-0").
 * Each function returns the position after what it wrote.
 */

const ZERO = 48;
const MINUS = 45;
const DOT = 46;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
/** The largest number of decimals the fast path takes: 10^9 has 21 significant bits (see `writeFixed`). */
export const MAX_FIXED_DECIMALS = POWERS_OF_TEN.length - 1;
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134217729;
const EXACT_INTEGERS = 2 ** 53;

/** The digits of a whole number 0 ≤ v < 2^53. */
export function writeWhole(out: Uint8Array, at: number, v: number): number {
  if (v < 2 ** 31) return writeDigits(out, at, v | 0, digitCount(v | 0));
  let end = at + 1;
  for (let p = 10; p <= v; p *= 10) end++;
  for (let i = end - 1; i >= at; i--) {
    const q = Math.floor(v / 10); // exact: v < 2^53, so v / 10 is never rounded across a whole number
    out[i] = ZERO + (v - q * 10);
    v = q;
  }
  return end;
}

/** The number of digits of 0 ≤ v < 2^31. */
function digitCount(v: number): number {
  let count = 1;
  for (let p = 10; p <= v && count < 10; p *= 10) count++;
  return count;
}

/** The two digits of 0 to 99, at 2n and 2n + 1. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** 0 ≤ v < 10^count < 2^31 in `count` digits (with leading zeros), two at a time in 32-bit integer arithmetic. */
function writeDigits(out: Uint8Array, at: number, v: number, count: number): number {
  const end = at + count;
  let i = end;
  while (i - at >= 2) {
    const q = (v / 100) | 0;
    const pair = (v - q * 100) << 1;
    out[--i] = PAIRS[pair + 1];
    out[--i] = PAIRS[pair];
    v = q;
  }
  if (i > at) out[at] = ZERO + v; // v < 10 is left
  return end;
}

/** A safe integer (|x| < 2^53), as String(x) writes it: -0 as "0". */
export function writeInteger(out: Uint8Array, at: number, x: number): number {
  if (x < 0) {
    out[at++] = MINUS;
    x = -x;
  }
  return writeWhole(out, at, x);
}

/**
 * x rounded to `decimals` places (0 to MAX_FIXED_DECIMALS) as toFixed rounds: to the nearest
 * multiple of 10^-decimals of x's exact binary value, a tie away from zero. Returns -1, writing
 * nothing, when |x|·10^decimals is not below 2^53 (not a whole number of units exactly) or x is
 * not finite: the caller writes `fixedText(x, decimals)` then.
 */
export function writeFixed(out: Uint8Array, at: number, x: number, decimals: number): number {
  const scale = POWERS_OF_TEN[decimals];
  const a = x < 0 ? -x : x;
  const product = a * scale;
  if (!(product < EXACT_INTEGERS)) return -1;
  // The rounding error of the product, exactly (Dekker's two-product): scale has at most 21
  // significant bits, so high·scale and low·scale are exact products of a's two 26-bit halves.
  const c = SPLITTER * a;
  const high = c - (c - a);
  const low = a - high;
  const error = high * scale - product + low * scale;
  // a·scale = product + error exactly; round it to a whole number, a tie up. product − floor is
  // exact, and so is its difference with 0.5 whenever it could be near 0.5; the sign of a
  // rounded sum is the sign of the exact sum.
  let units = Math.floor(product);
  if (product - units - 0.5 + error >= 0) units++;
  // whole·scale ≤ a·scale, so whole·scale ≤ units ≤ whole·scale + scale: only a carry to correct.
  let whole = Math.floor(a);
  let fraction = units - whole * scale;
  if (fraction === scale) {
    whole++;
    fraction = 0;
  }
  if (x < 0 && units > 0) out[at++] = MINUS;
  at = writeWhole(out, at, whole);
  let digits = fraction | 0; // below 10^9 < 2^31
  if (digits === 0) return at;
  let places = decimals;
  for (let q = (digits / 10) | 0; digits === q * 10; q = (digits / 10) | 0) {
    digits = q;
    places--;
  }
  out[at] = DOT;
  return writeDigits(out, at + 1, digits, places);
}

/** What `writeFixed` writes, for any number (the slow path, and the definition). */
export function fixedText(x: number, decimals: number): string {
  const text = x.toFixed(decimals);
  if (!text.includes('.') || text.includes('e')) return text; // from 1e21 on, toFixed gives String(x)
  const trimmed = text.replace(/\.?0+$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}
