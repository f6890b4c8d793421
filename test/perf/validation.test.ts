/**
 * The simulator against every published result in models/validation.yaml (REFERENCE.md §5, §5b).
 * Tolerances (issue 11): each fit row within ±15%, each holdout row within ±25%, and the holdout
 * median |error| ≤ 10%. A row a right-physics model cannot meet carries its reason (`gap:`) and is
 * listed here by name: the test fails if a listed gap starts passing or an unlisted row fails.
 */
import { describe, expect, it } from 'vitest';
import { readStack } from '../../src/io/models.js';
import { loadValidationCases, observationsOf } from '../../src/io/validation.js';
import { evaluate, summarise, TOLERANCE } from '../../src/study/validation.js';

/** Rows that fail with the reason in their `gap:` (see docs/validation.md). */
const KNOWN_GAPS: string[] = [
  // Cerebras' speculative set-up is not published; at the cited acceptance 0.8 the draft's steps keep 70B near 1,160 tok/s.
  'cs3-llama-3.1-70b-speculative', 'cs3-llama-3.3-70b-aa', 'cs3-qwen3-32b-service',
  // Measured 8-GPU prefill scales 1.24× over one GPU; NVLink physics allows ~5×.
  'a100x8-llama-3-8b-sglang-prefill',
];

/**
 * Whether the holdout median meets the 10% (8.0% at this calibration: 17 of the 25 holdout
 * rows are within 10%). Set to false with the reason if a change pushes it over: `it.fails` then
 * keeps the miss visible and turns red the day it is met again.
 */
const HOLDOUT_MEDIAN_MET = true;

const cases = loadValidationCases();
const results = cases.map(evaluate);

describe('published results (models/validation.yaml)', () => {
  it('has ≥ 30 rows, ≥ 12 holdout, on ≥ 4 GPU kinds and both wafer kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.row.role === 'holdout').length).toBeGreaterThanOrEqual(12);
    const gpus = new Set(cases.filter((c) => c.hardware.kind === 'gpu').map((c) => c.hardware.id));
    const wafers = new Set(cases.filter((c) => c.hardware.kind === 'wafer').map((c) => c.hardware.id));
    expect(gpus.size).toBeGreaterThanOrEqual(4);
    expect(wafers).toEqual(new Set(['cs-2', 'cs-3']));
  });

  it('holds out single-stream decode, prefill/TTFT and throughput-under-load rows', () => {
    const holdout = cases.filter((c) => c.row.role === 'holdout');
    const has = (pred: (c: (typeof cases)[number]) => boolean) => holdout.some(pred);
    expect(has((c) => c.row.load.kind === 'step' && c.row.metric === 'tokensPerSecondPerUser')).toBe(true);
    expect(has((c) => c.row.metric === 'prefillTokensPerSecond' || c.row.metric.startsWith('ttft'))).toBe(true);
    expect(has((c) => c.row.load.kind !== 'step' && c.row.metric === 'totalTokensPerSecond')).toBe(true);
  });

  it.each(results.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    console.log(`${r.id} (${r.role}, ${r.stack}): simulated ${r.simulated.toPrecision(4)} vs published ${r.published} (${r.metric}), error ${(100 * r.error).toFixed(1)}%, tolerance ±${100 * r.tolerance}% — ${r.source}`);
    if (KNOWN_GAPS.includes(r.id)) {
      expect(r.gap, 'a known gap states its reason in models/validation.yaml').toBeTruthy();
      expect(Math.abs(r.error), 'a known gap that now passes: take it off the list').toBeGreaterThan(TOLERANCE[r.role]);
    } else {
      expect(r.gap, 'a row with gap: must be listed in KNOWN_GAPS').toBeUndefined();
      expect(Math.abs(r.error)).toBeLessThanOrEqual(TOLERANCE[r.role]);
    }
  });

  (HOLDOUT_MEDIAN_MET ? it : it.fails)('holdout median |error| ≤ 10%', () => {
    const s = summarise(results, 'holdout');
    console.log(`holdout: ${s.rows} rows, median |error| ${(100 * s.medianAbsError).toFixed(1)}%, max ${(100 * s.maxAbsError).toFixed(1)}%`);
    expect(s.medianAbsError).toBeLessThanOrEqual(0.1);
  });
});

describe('the fitter never sees a holdout row', () => {
  it('calibrating a stack simulates its fit rows only', async () => {
    const { calibrate } = await import('../../src/study/calibration.js');
    const stack = readStack('sglang');
    const seen = new Set<string>();
    const observations = observationsOf(cases, stack).map((o) => ({
      ...o,
      simulate: (v: Record<string, number>) => {
        seen.add(o.id);
        return o.simulate(v);
      },
    }));
    expect(observations.some((o) => o.role === 'holdout')).toBe(true);
    calibrate(stack.parameters, observations);
    const roles = new Map(observations.map((o) => [o.id, o.role]));
    expect([...seen].length).toBeGreaterThan(0);
    expect([...seen].filter((id) => roles.get(id) !== 'fit')).toEqual([]);
  });
});
