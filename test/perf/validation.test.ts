/**
 * The performance models against every published result in models/validation.yaml
 * (REFERENCE.md §5): each row states its figure, source and tolerance, and fails outside it.
 * One calibration per hardware kind (models/calibration/), no per-model constants.
 */
import { describe, expect, it } from 'vitest';
import { loadValidationCases } from '../../src/io/validation.js';
import { evaluate } from '../../src/study/validation.js';

const cases = loadValidationCases();

/**
 * Rows a model with the right physics does not meet, each with its reason. A known gap that
 * starts passing fails too, so the list stays true.
 */
const KNOWN_GAPS: Record<string, string> = {
  'cs3-llama-3.1-70b-launch':
    'the 2024-08 launch stack: one Cerebras parameter set cannot also meet the 2026 service 8B row (+16% here vs −15% there at the minimax fit); the launch 8B and 70B rows come from an older serving stack',
  'cs3-llama-3.3-70b-speculative':
    'the draft now runs on its own region of a wafer (perf/draft.ts), sized to hold its weights: a 1B draft step costs ~0.4 ms there, so k = 8 at the assumed acceptance gives ~2.2×, not the published ~4.7×; the draft, k, acceptance and region of Cerebras\' service are not published',
  'cs3-qwen3-32b-service': 'the same assumed speculative settings as the 70B row (not published), with the same draft cost',
};

describe('published results (models/validation.yaml)', () => {
  it('covers every REFERENCE.md §5 row that names a model and hardware', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
    const kinds = new Set(cases.map((c) => c.hardware.kind));
    expect(kinds).toEqual(new Set(['gpu', 'wafer']));
  });
  it.each(cases.map((c) => [c.row.id, c] as const))('%s', (_id, c) => {
    const r = evaluate(c);
    console.log(`${r.id}: simulated ${r.simulated.toPrecision(4)} vs published ${r.published} (${r.metric}), error ${(100 * r.error).toFixed(1)}%, tolerance ±${100 * r.tolerance}% — ${r.source}`);
    const gap = KNOWN_GAPS[r.id];
    if (gap) {
      console.log(`  known gap: ${gap}`);
      expect(Math.abs(r.error)).toBeGreaterThan(c.row.tolerance);
    } else expect(Math.abs(r.error)).toBeLessThanOrEqual(c.row.tolerance);
  });
});
