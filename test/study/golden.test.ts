/**
 * Golden runs: every shipped scenario at a small size has a committed summary and event-sequence
 * fingerprint (test/golden/<scenario>.json). A change that alters them fails until the files are
 * updated on purpose:  UPDATE_GOLDEN=1 npx vitest run test/study/golden.test.ts
 * A missing golden fails too (it is never created silently). Summary figures are compared by name
 * (the CSV's header and key columns) rounded to 6 significant digits, so a change in the last bits
 * of a float sum is not a failure but any change a reader could see is.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, wafersim } from '../support/cli.js';
import { GOLDEN_SETS } from '../support/golden-sets.js';

const scenarios = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();

/** summary.csv rows as lines with every number rounded to 6 significant digits (the header names each column). */
function roundedRows(csv: string): string[] {
  return csv.trim().split('\n').map((line) => line.split(',').map((cell) => (cell !== '' && Number.isFinite(Number(cell)) ? String(Number(Number(cell).toPrecision(6))) : cell)).join(','));
}

describe('golden runs of the shipped scenarios', () => {
  it('every shipped scenario has a golden size', () => {
    expect(scenarios.filter((s) => !(s in GOLDEN_SETS))).toEqual([]);
  });
  it.each(scenarios.filter((s) => s in GOLDEN_SETS))('%s', (name) => {
    const out = join(mkdtempSync(join(tmpdir(), 'wafersim-golden-')), name);
    const r = wafersim(['run', `scenarios/${name}.yaml`, '--out', out, '--records', 'none', '--progress=false', ...GOLDEN_SETS[name].flatMap((s) => ['--set', s])]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Every shipped scenario states its question and prints an answer computed from the run (issue 13).
    expect(r.stdout).toMatch(/^Question: \S/m);
    expect(r.stdout).toMatch(/^Answer:\n {2}- \S/m);
    const actual = {
      fingerprints: JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).fingerprints,
      summary: roundedRows(readFileSync(join(out, 'summary.csv'), 'utf8')),
    };
    const file = join(ROOT, 'test/golden', `${name}.json`);
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
    if (!existsSync(file)) throw new Error(`no golden for ${name}: create it on purpose with UPDATE_GOLDEN=1 npx vitest run test/study/golden.test.ts`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  }, 60_000);
});
