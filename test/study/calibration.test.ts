import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withFittedValues } from '../../src/io/calibration.js';
import { loadValidationCases } from '../../src/io/validation.js';
import { InputError } from '../../src/domain/errors.js';
import { calibrate, fitParameters, type FitParameter, type Observation } from '../../src/study/calibration.js';


/** Two families of rows: one pins a (figure = a × x), the other b (figure = b × x²). */
function families(a: number, b: number): Observation[] {
  const row = (id: string, published: number, simulate: (v: Record<string, number>) => number): Observation => ({ id, role: 'fit', published, simulate });
  return [
    row('a1', a * 1, (v) => v.a * 1),
    row('a2', a * 3, (v) => v.a * 3),
    row('b2', b * 4, (v) => v.b * 4),
    row('b4', b * 16, (v) => v.b * 16),
  ];
}
const AB: FitParameter[] = [{ name: 'a', value: 1, fit: [0.1, 10] }, { name: 'b', value: 0.5, fit: [0, 2] }, { name: 'c', value: 7 }];

describe('fitter', () => {
  it('recovers known constants within 1% and flags none at the edge', () => {
    const fit = fitParameters(AB, families(2.5, 0.3));
    expect(Math.abs(fit.values.a / 2.5 - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.values.b / 0.3 - 1)).toBeLessThan(0.01);
    expect(fit.values.c).toBe(7); // assumed: untouched
    expect(fit.atEdge).toEqual([]);
  });
  it('follows a valley across two parameters that trade against each other (restarted passes)', () => {
    // Both rows see a and b in similar mixes: the loss is a narrow valley along a + b ≈ 2 whose
    // bottom is a = 1.5, b = 0.5. One pass of halving brackets stalls partway down it (a = 1.53,
    // b = 0.487: 2.0% and 2.6% off); passes restarted from where the last ended get within 1%.
    const row = (id: string, wb: number): Observation => ({ id, role: 'fit', published: 1.5 + wb * 0.5, simulate: (v) => v.a + wb * v.b });
    const fit = fitParameters([{ name: 'a', value: 1, fit: [0.1, 10] }, { name: 'b', value: 1, fit: [0.01, 10] }], [row('r1', 1), row('r2', 3)]);
    expect(Math.abs(fit.values.a / 1.5 - 1)).toBeLessThan(0.015);
    expect(Math.abs(fit.values.b / 0.5 - 1)).toBeLessThan(0.015);
  });
  it('flags a value pinned at the end of its range', () => {
    const fit = fitParameters(AB, families(20, 0.3));
    expect(fit.values.a).toBe(10);
    expect(fit.atEdge).toEqual(['a']);
  });
  it('is deterministic, and ignores holdout observations', () => {
    const poison: Observation = { id: 'holdout', role: 'holdout', published: 1, simulate: () => { throw new Error('the fitter simulated a holdout row'); } };
    const obs = [...families(2.5, 0.3), poison];
    expect(calibrate(AB, obs)).toEqual(calibrate(AB, obs));
  });
  it('reports leave-one-out errors from fits made without the row', () => {
    // Row b8 is inconsistent with b2 and b4 (twice what b = 0.3 gives): fitted with them it is
    // partly absorbed; predicted from a fit without it, it shows its full −50%.
    const obs = [...families(2.5, 0.3), { id: 'b8', role: 'fit' as const, published: 2 * 0.3 * 64, simulate: (v: Record<string, number>) => v.b * 64 }];
    const report = calibrate(AB, obs);
    const inSample = report.inSample.find((r) => r.id === 'b8')!;
    const loo = report.leaveOneOut.find((r) => r.id === 'b8')!;
    expect(loo.error).toBeLessThan(-0.4);
    expect(Math.abs(loo.error)).toBeGreaterThan(Math.abs(inSample.error) + 0.1);
  });
});

describe('calibration files', () => {
  it('--write changes only the fitted values, keeping comments and layout', () => {
    const text = '# header comment\nkind: gpu\ncomputeEfficiency: { value: 0.5, fit: [0.2, 1.0] }   # why\nlinkLatencyUs: 2.0   # assumed, source\n';
    const out = withFittedValues(text, { computeEfficiency: 0.62, linkLatencyUs: 9 });
    expect(out).toContain('# header comment');
    expect(out).toContain('# why');
    expect(out).toContain('linkLatencyUs: 2.0   # assumed, source');
    expect(parse(out)).toEqual({ kind: 'gpu', computeEfficiency: { value: 0.62, fit: [0.2, 1.0] }, linkLatencyUs: 2 });
  });
});

describe('models/validation.yaml problems', () => {
  function problemsOf(text: string): string {
    const file = join(mkdtempSync(join(tmpdir(), 'wafersim-')), 'validation.yaml');
    writeFileSync(file, text);
    try {
      loadValidationCases(file);
      return '';
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
  }
  const row = `rows:
  - id: r1
    role: fit
    stack: trtllm
    what: x
    source: y
    hardware: h100-sxm
    count: 1
    model: llama-3.1-8b
    metric: itlMs
    batch: 1
    published: 5
    assumed: { context: 1000 }
`;
  it('accepts a good row', () => expect(problemsOf(row)).toBe(''));
  it('names the field and line of a metric its load cannot produce, and a missing input', () => {
    expect(problemsOf(row.replace('metric: itlMs', 'metric: tpotP99Ms'))).toMatch(/rows\[0\]\.metric \(line 10\): expected with a step load, one of/);
    expect(problemsOf(row.replace('    assumed: { context: 1000 }\n', ''))).toMatch(/rows\[0\]\.context.*expected context \(published, or under assumed:\)/);
  });
  it('rejects an unknown role, a stack of the wrong kind, and an input both published and assumed', () => {
    expect(problemsOf(row.replace('role: fit', 'role: train'))).toMatch(/role \(line 3\)/);
    expect(problemsOf(row.replace('stack: trtllm', 'stack: cerebras'))).toMatch(/expected a serving stack for gpu hardware \(h100-sxm\), found "cerebras", a wafer stack/);
    expect(problemsOf(row.replace('batch: 1', 'batch: 1\n    context: 5'))).toMatch(/assumed\.context.*expected an input that is not also given as published/);
  });
});

describe('sensitivity to assumed inputs', () => {
  it('moves each numeric assumed input by ±25% (probabilities kept below 1), device counts excepted', async () => {
    const { simulate } = await import('../../src/study/validation.js');
    const { sensitivityOf, scaledSetup } = await import('../../src/study/validation-sensitivity.js');
    const c = loadValidationCases().find((x) => x.row.id === 'cs3-llama-3.1-405b')!;
    expect(scaledSetup(c.setup, ['speculative', 'acceptance'], 1.25).speculative!.acceptance).toBe(0.99);
    expect(scaledSetup(c.setup, ['context'], 0.75).context).toBe(768);
    const s = sensitivityOf(c);
    expect(s.map((x) => x.input)).toEqual(['context', 'speculative.k', 'speculative.acceptance']); // not count
    const base = (simulate(c) - c.row.published) / c.row.published;
    const acceptance = s.find((x) => x.input === 'speculative.acceptance')!;
    expect(acceptance.errorHigh).toBeGreaterThan(base); // more accepted tokens: faster
    expect(acceptance.errorLow).toBeLessThan(base);
  });
});
