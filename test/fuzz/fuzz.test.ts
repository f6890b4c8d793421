/**
 * Seeded property-based fuzzing over the four families of hostile input (issue 16): every case
 * is invalid, so every case must end `clear` (exit 2 naming the file or flag, expected and found,
 * no stack trace, nothing written, every file in the working directory untouched).
 *
 * FUZZ_RUNS (cases per family, default 6), FUZZ_SEED, FUZZ_ROOT (a checkout with dist/ built, to
 * measure another version) and FUZZ_TABLE (write the outcome table there) make the same test the
 * measurement tool: FUZZ_RUNS=75 FUZZ_TABLE=/tmp/after.md npx vitest run test/fuzz
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { CaseSource } from './cases.js';
import { FAMILIES, outcomeTable, Sandbox, type CaseResult } from './harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
const SEED = Number(process.env.FUZZ_SEED ?? 16);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 20_000);
const root = process.env.FUZZ_ROOT ?? ROOT;

describe('hostile input: every invalid case gets a clear exit 2 and harms nothing', () => {
  const sandbox = new Sandbox(root);
  const source = new CaseSource(ROOT);
  const results: CaseResult[] = [];
  afterAll(() => {
    sandbox.dispose();
    if (process.env.FUZZ_TABLE) {
      const failures = results.filter((r) => r.outcome !== 'clear').map((r) => `- ${r.outcome}: [${r.fuzz.family}] ${r.fuzz.label} — ${r.why}`);
      writeFileSync(process.env.FUZZ_TABLE, `${outcomeTable(results)}\n\nroot ${root}, seed ${SEED}, ${RUNS} cases per family\n\n${failures.join('\n')}\n`);
    }
  });
  it.each(FAMILIES)('%s files', (family) => {
    const cases = fc.sample(source.arbitrary(family), { seed: SEED + FAMILIES.indexOf(family), numRuns: RUNS });
    const mine = cases.map((c) => sandbox.run(c, TIME_LIMIT_MS));
    results.push(...mine);
    expect(mine.filter((r) => r.outcome !== 'clear').map((r) => `${r.outcome}: ${r.fuzz.label} — ${r.why}`)).toEqual([]);
  }, RUNS * (TIME_LIMIT_MS + 5_000));
});
