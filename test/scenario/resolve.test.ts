/**
 * scenario/resolve.ts is pure: a checked file, the model files as specs and the hardware rules in,
 * a ResolvedScenario (or problems) out. These tests hand it files and rules directly, no I/O.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fit } from '../../src/domain/explanation.js';
import { TRANSPORTS } from '../../src/domain/transport.js';
import { loadHardware, loadLlm } from '../../src/io/models.js';
import { readScenario, resolveScenario as resolveFromFiles } from '../../src/io/scenario.js';
import { checkScenario, resolveScenario, type HardwareRules, type PoolFiles } from '../../src/scenario/resolve.js';
import { HARDWARE_RULES } from '../../src/study/resolve.js';

const ROOT = join(__dirname, '../..');
const llm = loadLlm('llama-3.1-8b', 'model');
const h100 = loadHardware('h100-sxm', 'hardware');
const yaml = `
name: pure
durationMinutes: 1
systems:
  - name: gpu
    pools:
      - { name: main, hardware: h100-sxm, model: llama-3.1-8b, replicas: 2, serving: { retention: { kind: offload, hostGB: 10 } } }
workload:
  openLoop: { ratePerSecond: 2 }
`;
const files: PoolFiles[][] = [[{ llm: { spec: llm }, hardware: { spec: h100 } }]];

function checked(text = yaml) {
  const c = checkScenario(parse(text), 'pure.yaml');
  expect(c.problems).toEqual([]);
  return c.checked!;
}

describe('the pure resolver', () => {
  it('fills engine, transport, network and workload defaults from the specs and rules it is given', () => {
    const rules: HardwareRules = { ...HARDWARE_RULES, hostLinkBytesPerSecond: () => 7e9 };
    const { resolved, problems } = resolveScenario({ checked: checked(), scenarioFile: 'pure.yaml', files, rules });
    expect(problems).toEqual([]);
    const pool = resolved!.systems[0].pools[0];
    // The host link comes from the rules: swaps and the offload reload (no reloadGBps given) use it.
    expect(pool.engine.swapBytesPerSecond).toBe(7e9);
    expect(pool.engine.retention).toEqual({ kind: 'offload', hostBytes: 10e9, bytesPerSecond: 7e9 });
    // The schema's default transport, with every cost from domain/transport.ts.
    expect(resolved!.systems[0].transport).toEqual(TRANSPORTS.websocket);
    expect(resolved!.sources.map((s) => s.kind)).toEqual(['open-loop']);
    expect(resolved!.durationSeconds).toBe(60);
  });

  it('a deployment the rules say does not fit is a problem at its pool', () => {
    const noFit = (fit: Fit): Fit => ({ ...fit, fits: false, reason: 'too small (test)', minCount: 9 });
    const rules: HardwareRules = { ...HARDWARE_RULES, fit: (l, h, d) => noFit(HARDWARE_RULES.fit(l, h, d)) };
    const { resolved, problems } = resolveScenario({ checked: checked(), scenarioFile: 'pure.yaml', files, rules });
    expect(resolved).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ where: 'systems[0].pools[0]', path: ['systems', 0, 'pools', 0], found: 'too small (test); the fewest that fit: 9' })]);
  });

  it('a model file that could not be read is reported at the field that named it, or in its own file', () => {
    const missing: PoolFiles[][] = [[{ llm: { problems: [{ where: 'systems[0].pools[0].model', expected: 'a model id', found: '"nope"' }] }, hardware: { spec: h100 } }]];
    expect(resolveScenario({ checked: checked(), scenarioFile: 'pure.yaml', files: missing, rules: HARDWARE_RULES }).problems).toEqual([expect.objectContaining({ path: ['systems', 0, 'pools', 0, 'model'] })]);
    const broken: PoolFiles[][] = [[{ llm: { spec: llm }, hardware: { problems: [{ file: 'mine.yaml', where: 'hbmGB', expected: 'a number > 0', found: '-1' }] } }]];
    expect(resolveScenario({ checked: checked(), scenarioFile: 'pure.yaml', files: broken, rules: HARDWARE_RULES }).problems).toEqual([expect.objectContaining({ file: 'mine.yaml', usedBy: 'pure.yaml systems[0].pools[0]' })]);
  });

  it('resolves a shipped scenario exactly as the CLI does (io reads the files, the resolver does the rest)', () => {
    const path = join(ROOT, 'scenarios/hybrid-wafer-gpu.yaml');
    const viaIo = resolveFromFiles(readScenario(path)).resolved;
    const raw = parse(readFileSync(path, 'utf8'));
    const c = checkScenario(raw, readScenario(path).file).checked!;
    const pools = c.normalised.systems.map((sys) => sys.pools.map((p): PoolFiles => ({ llm: { spec: loadLlm(p.model, 'model') }, hardware: { spec: loadHardware(p.hardware, 'hardware', { stack: p.calibration }) }, ...(p.speculative && { draft: { spec: loadLlm(p.speculative.draft, 'draft') } }) })));
    const pure = resolveScenario({ checked: c, scenarioFile: 'x', files: pools, rules: HARDWARE_RULES }).resolved;
    expect(JSON.stringify(pure)).toBe(JSON.stringify(viaIo));
  });
});
