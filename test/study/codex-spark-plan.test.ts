/**
 * The fleet sizes stored in scenarios/codex-spark.yaml are the planner's: for each compared
 * system and pool, the stored replica count meets every SLO and one replica fewer does not (the
 * check `wafersim plan` makes by bisection, done here at the two counts that decide it). Same
 * scenario, seed and SLOs as shipped; single-system runs, as the planner makes them.
 * (The reasoning-sweep systems were sized the same way; `wafersim plan scenarios/codex-spark.yaml`
 * re-plans all of them.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenario, resolveScenario } from '../../src/io/scenario.js';
import { meetsAll, optionScenario } from '../../src/study/plan.js';
import { runScenario } from '../../src/study/run.js';
import { ROOT } from '../support/cli.js';

type Raw = Record<string, any>;
const loaded = readScenario(join(ROOT, 'scenarios/codex-spark.yaml'));
const raw = loaded.raw as Raw;

async function meets(system: string, pool: number, replicas: number): Promise<boolean> {
  const { resolved } = resolveScenario(loaded, optionScenario(raw, system, pool, replicas));
  const r = await runScenario(resolved, { records: 'none', stopWhenOverloaded: true });
  return meetsAll(r.summaries[0]);
}

const cases = ['spark-cs3', 'codex-gpu', 'codex-gpu-xhigh'].flatMap((system) => {
  const sys = (raw.systems as Raw[]).find((s) => s.name === system)!;
  return (sys.pools as Raw[]).map((p, i) => ({ system, pool: i, name: p.name as string, stored: p.replicas as number }));
});

describe('codex-spark fleet sizes are the planner\'s', () => {
  it.each(cases)('$system/$name: $stored replicas meet the SLOs, one fewer does not', async ({ system, pool, stored }) => {
    expect(await meets(system, pool, stored)).toBe(true);
    if (stored > 1) expect(await meets(system, pool, stored - 1)).toBe(false);
  }, 300_000);
});
