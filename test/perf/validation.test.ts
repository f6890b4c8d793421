/**
 * The performance models against every published result in models/validation.yaml
 * (REFERENCE.md §5): each row states its figure, source and tolerance, and fails outside it.
 * One calibration per hardware kind (models/calibration/), no per-model constants.
 */
import { describe, expect, it } from 'vitest';
import { loadValidationCases } from '../../src/io/validation.js';
import { evaluate } from '../../src/study/validation.js';

const cases = loadValidationCases();

describe('published results (models/validation.yaml)', () => {
  it('covers every REFERENCE.md §5 row that names a model and hardware', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
    const kinds = new Set(cases.map((c) => c.hardware.kind));
    expect(kinds).toEqual(new Set(['gpu', 'wafer']));
  });
  it.each(cases.map((c) => [c.row.id, c] as const))('%s', (_id, c) => {
    const r = evaluate(c);
    console.log(`${r.id}: simulated ${r.simulated.toPrecision(4)} vs published ${r.published} (${r.metric}), error ${(100 * r.error).toFixed(1)}%, tolerance ±${100 * r.tolerance}% — ${r.source}`);
    expect(Math.abs(r.error)).toBeLessThanOrEqual(c.row.tolerance);
  });
});
