import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodFields } from '../../src/io/file-fields.js';

// Each plain-data check (perf/model.ts FieldCheck) against its boundaries, worked by hand from its definition.
describe('zodFields', () => {
  const schema = z.strictObject(zodFields({ c: 'count', e: 'efficiency', f: 'fraction', n: 'nonnegative', p: 'positive', o: 'positive?', g: { x: 'count' } }));
  const ok = { c: 1, e: 1, f: 0, n: 0, p: 1e-9, g: { x: 2 } };
  const accepts = (patch: object) => schema.safeParse({ ...ok, ...patch }).success;

  it('accepts values on the closed ends and leaves an optional field out', () => {
    expect(accepts({})).toBe(true);
    expect(accepts({ o: 3 })).toBe(true);
  });
  it('refuses what each check excludes', () => {
    expect(accepts({ c: 1.5 })).toBe(false); // count: an integer
    expect(accepts({ c: 0 })).toBe(false); // count: positive
    expect(accepts({ e: 0 })).toBe(false); // efficiency: 0 < x
    expect(accepts({ e: 1.01 })).toBe(false); // efficiency: x ≤ 1
    expect(accepts({ f: 1 })).toBe(false); // fraction: x < 1
    expect(accepts({ f: -0.1 })).toBe(false); // fraction: 0 ≤ x
    expect(accepts({ n: -1 })).toBe(false);
    expect(accepts({ p: 0 })).toBe(false);
    expect(accepts({ o: 0 })).toBe(false); // optional, but checked when given
    expect(accepts({ g: { x: 2, y: 1 } })).toBe(false); // groups are strict
    expect(accepts({ extra: 1 })).toBe(false);
  });
});
