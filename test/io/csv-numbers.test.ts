/**
 * The digits csv-numbers.ts writes into a byte chunk equal toFixed's text, trimmed (property
 * tests), and the exact decimal rounding of the double computed with BigInt (a second reference).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fixedText, writeFixed, writeInteger, writeWhole } from '../../src/io/csv-numbers.js';

const out = new Uint8Array(64);
const text = (end: number) => Buffer.from(out.subarray(0, end)).toString('latin1');

/** What writeFixed must write, from toFixed: trailing zeros and a bare '.' trimmed, "-0" as "0". */
function trimmedToFixed(x: number, decimals: number): string {
  let s = x.toFixed(decimals);
  if (s.includes('.') && !s.includes('e')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** |x|·10^decimals rounded to a whole number, a tie up, from x's exact binary value (BigInt). */
function exactUnits(x: number, decimals: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const scaled = mantissa * 10n ** BigInt(decimals);
  if (exponent >= 0) return scaled << BigInt(exponent);
  const denominator = 1n << BigInt(-exponent);
  return (2n * scaled + denominator) / (2n * denominator);
}

function exactText(x: number, decimals: number): string {
  const units = exactUnits(x, decimals);
  const scale = 10n ** BigInt(decimals);
  const fraction = (units % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${x < 0 && units > 0n ? '-' : ''}${units / scale}${fraction ? `.${fraction}` : ''}`;
}

const fixed = (x: number, decimals: number): string | undefined => {
  const end = writeFixed(out, 0, x, decimals);
  return end < 0 ? undefined : text(end);
};
/** What the CSV writer writes: the fast path, or fixedText from 2^53 units on. */
const written = (x: number, decimals: number): string => fixed(x, decimals) ?? fixedText(x, decimals);

/** Simulated times: seconds below 1e7 (115 days) and milliseconds below 1e10, either sign. */
const seconds = fc.oneof(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -1e7, max: 1e7 }).map((n) => n / 1024));
const milliseconds = fc.oneof(fc.double({ min: -1e10, max: 1e10, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }));

describe('writeFixed', () => {
  it('writes seconds to the nanosecond as toFixed(9) does, trimmed, and as exact decimal rounding gives', () => {
    fc.assert(
      fc.property(seconds, (x) => {
        const t = written(x, 9);
        expect(t).toBe(trimmedToFixed(x, 9));
        expect(t).toBe(exactText(x, 9));
        // Math.round(x·1e9)/1e9 is the same number below 2^53 ns, unless the product was rounded onto a tie.
        const product = x * 1e9;
        if (x >= 0 && product < 2 ** 53 && product - Math.floor(product) !== 0.5) expect(Number(t) === Math.round(product) / 1e9, `${x}`).toBe(true); // == : "0" for -0
      }),
      { numRuns: 20_000, seed: 17 },
    );
  });

  it('writes milliseconds to the nanosecond as toFixed(6) does, trimmed', () => {
    fc.assert(
      fc.property(milliseconds, (x) => {
        expect(written(x, 6)).toBe(trimmedToFixed(x, 6));
        expect(written(x, 6)).toBe(exactText(x, 6));
      }),
      { numRuns: 20_000, seed: 17 },
    );
  });

  it('for any double and 0 to 9 decimals: the same text, or -1 (fixedText then) exactly when |x|·10^d is not below 2^53 or x is not finite', () => {
    const any = fc.oneof(fc.double(), fc.constantFrom(-0, 5e-324, 2 ** 53, 1e21, 1.2e30, -1e-12, 0.5, 2.5, -2.5, 9007199.254740992));
    fc.assert(
      fc.property(any, fc.integer({ min: 0, max: 9 }), (x, decimals) => {
        const fast = Number.isFinite(x) && Math.abs(x) * 10 ** decimals < 2 ** 53;
        expect(fixed(x, decimals) === undefined).toBe(!fast);
        expect(written(x, decimals)).toBe(Number.isFinite(x) ? trimmedToFixed(x, decimals) : x.toFixed(decimals));
        if (Number.isFinite(x) && Math.abs(x) < 1e21) expect(written(x, decimals)).toBe(exactText(x, decimals));
      }),
      { numRuns: 20_000, seed: 17 },
    );
  });

  it('trims, rounds ties away from zero as toFixed, and never writes -0 or an exponent', () => {
    const cases: [number, number, string][] = [
      [0.5, 9, '0.5'], [2, 9, '2'], [0, 9, '0'], [-0, 9, '0'], [-1e-12, 9, '0'], [1e-9, 9, '0.000000001'], [1.5e-10, 9, '0'],
      [2 ** -10, 9, '0.000976563'], [-(2 ** -10), 9, '-0.000976563'], [123.456, 6, '123.456'], [86400.000000001, 9, '86400.000000001'],
      [1e21, 9, '1e+21'], [1.2e30, 9, '1.2e+30'], [12345678.5, 9, '12345678.5'],
    ];
    for (const [x, decimals, expected] of cases) expect(written(x, decimals), `${x}`).toBe(expected);
  });
});

describe('whole numbers', () => {
  it('writeInteger and writeWhole write String(x)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger()), fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), (i, w) => {
        expect(text(writeInteger(out, 0, i))).toBe(String(i));
        expect(text(writeWhole(out, 0, w))).toBe(String(w));
      }),
      { numRuns: 10_000, seed: 17 },
    );
    expect(text(writeInteger(out, 0, -0))).toBe('0');
    expect(text(writeInteger(out, 0, -(2 ** 53 - 1)))).toBe('-9007199254740991');
    expect(text(writeWhole(out, 0, 2 ** 53 - 1))).toBe('9007199254740991');
  });
});
