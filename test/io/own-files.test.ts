/** A user's own hardware, model and calibration files: by path from a scenario, by id from --models / $WAFERSIM_MODELS. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import type { GpuSpec } from '../../src/domain/specs.js';
import { MODELS_ENV } from '../../src/io/model-folders.js';
import { loadLlm, modelsDir } from '../../src/io/models.js';
import { readScenario, resolveScenario } from '../../src/io/scenario.js';
import { wafersim } from '../support/cli.js';

const builtIn = (kind: string, id: string) => readFileSync(join(modelsDir(), kind, `${id}.yaml`), 'utf8');

/** A folder laid out like models/: my-gpu (an H100 with another price, calibrated by my-cal) and my-8b. */
function userFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wafersim-own-'));
  for (const kind of ['hardware', 'llm', 'calibration']) mkdirSync(join(dir, kind));
  writeFileSync(join(dir, 'hardware', 'my-gpu.yaml'), builtIn('hardware', 'h100-sxm').replace('id: h100-sxm', 'id: my-gpu').replace(/^name: .*$/m, 'name: My GPU').replace(/^calibration: trtllm/m, 'calibration: my-cal'));
  writeFileSync(join(dir, 'calibration', 'my-cal.yaml'), builtIn('calibration', 'trtllm').replace(/^stepOverheadMs: .*$/m, 'stepOverheadMs: 7'));
  writeFileSync(join(dir, 'llm', 'my-8b.yaml'), builtIn('llm', 'llama-3.1-8b').replace('id: llama-3.1-8b', 'id: my-8b').replace(/^name: .*$/m, 'name: My 8B'));
  return dir;
}

function scenario(dir: string, pool: string): string {
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, `name: own\nseed: 1\ndurationMinutes: 1\nsystems:\n  - name: s\n    pools:\n      - name: p\n        count: 1\n${pool.replace(/^/gm, '        ')}\nworkload:\n  interactive: { developers: 2 }\n`);
  return file;
}

const resolvePool = (file: string) => resolveScenario(readScenario(file)).resolved.systems[0].pools[0];
const messageOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
};

afterEach(() => {
  delete process.env[MODELS_ENV];
});

describe('own files', () => {
  it('a pool names hardware, model and calibration by path (relative to the scenario) and overrides price and power', () => {
    const dir = userFolder();
    const pool = resolvePool(scenario(dir, 'hardware: hardware/my-gpu.yaml\nmodel: ./llm/my-8b.yaml\ncalibration: calibration/my-cal.yaml\npriceUsdPerHour: 1.25\npowerBusyW: 900\npowerIdleW: 100'));
    const hw = pool.hardware as GpuSpec;
    expect([hw.name, pool.llm.name]).toEqual(['My GPU', 'My 8B']);
    expect(hw.calibration.stepOverheadSeconds).toBeCloseTo(0.007, 12);
    expect([hw.pricePerHourUsd, hw.powerBusyWatts, hw.powerIdleWatts]).toEqual([1.25, 900, 100]);
    // A user's hardware has no validation rows of its own.
    expect(hw.validated).toBe(false);
  });
  it('the hardware file finds its calibration by id in the same folder set', () => {
    const dir = userFolder();
    process.env[MODELS_ENV] = dir;
    const pool = resolvePool(scenario(dir, 'hardware: my-gpu\nmodel: my-8b'));
    expect((pool.hardware as GpuSpec).calibration.stepOverheadSeconds).toBeCloseTo(0.007, 12);
    expect((pool.hardware as GpuSpec).calibration.source).toContain('my-cal.yaml');
  });
  it("the user's folder is searched before the built-in one", () => {
    const dir = userFolder();
    writeFileSync(join(dir, 'llm', 'llama-3.1-8b.yaml'), builtIn('llm', 'llama-3.1-8b').replace(/^name: .*$/m, 'name: Shadowed 8B'));
    expect(loadLlm('llama-3.1-8b').name).toBe('Llama 3.1 8B');
    process.env[MODELS_ENV] = dir;
    expect(loadLlm('llama-3.1-8b').name).toBe('Shadowed 8B');
  });
  it("a bad user file gets its own file, field and line; a missing one the scenario's field and line", () => {
    const dir = userFolder();
    writeFileSync(join(dir, 'bad.yaml'), builtIn('hardware', 'h100-sxm').replace(/^hbmGB: .*$/m, 'hbmGB: -80'));
    expect(messageOf(() => resolvePool(scenario(dir, 'hardware: bad.yaml\nmodel: llama-3.1-8b')))).toMatch(/bad\.yaml: hbmGB \(line 7\): expected a number > 0, found -80/);
    expect(messageOf(() => resolvePool(scenario(dir, 'hardware: gone.yaml\nmodel: llama-3.1-8b')))).toMatch(/scenario\.yaml: systems\[0\]\.pools\[0\]\.hardware \(line 9\): expected a hardware id or a hardware file that exists.*found "gone\.yaml"/);
    expect(messageOf(() => resolvePool(scenario(dir, 'hardware: h100-sxm\nmodel: llama-3.1-8b\npowerIdleW: 2000')))).toMatch(/systems\[0\]\.pools\[0\]\.powerIdleW \(line 11\): expected idle power at most busy power/);
  });
  it('a GPU calibration gives the KV cache exactly one share: of the whole HBM or of the memory left free', () => {
    const dir = userFolder();
    const cal = join(dir, 'calibration', 'my-cal.yaml');
    const text = readFileSync(cal, 'utf8');
    writeFileSync(cal, `${text}memoryUtilisation: 0.9\n`);
    expect(messageOf(() => resolvePool(scenario(dir, 'hardware: hardware/my-gpu.yaml\nmodel: llama-3.1-8b\ncalibration: calibration/my-cal.yaml')))).toMatch(/my-cal\.yaml: memoryUtilisation, kvCacheFreeFraction: expected exactly one of them .*found both/);
    writeFileSync(cal, text.replace(/^kvCacheFreeFraction: .*$/m, ''));
    expect(messageOf(() => resolvePool(scenario(dir, 'hardware: hardware/my-gpu.yaml\nmodel: llama-3.1-8b\ncalibration: calibration/my-cal.yaml')))).toMatch(/my-cal\.yaml: memoryUtilisation, kvCacheFreeFraction: expected exactly one of them .*found neither/);
  });
  it('CLI: --models DIR and $WAFERSIM_MODELS add ids; a folder that is not one is bad input (exit 2)', () => {
    const dir = userFolder();
    const viaFlag = wafersim(['explain', '--models', dir, '--model', 'my-8b', '--hardware', 'my-gpu', '--json']);
    expect(viaFlag.code).toBe(0);
    expect(JSON.parse(viaFlag.stdout).hardware).toEqual({ id: 'my-gpu', name: 'My GPU', kind: 'gpu', validated: false });
    const copy = mkdtempSync(join(tmpdir(), 'wafersim-empty-'));
    copyFileSync(join(dir, 'llm', 'my-8b.yaml'), join(copy, 'my-8b.yaml'));
    const bad = wafersim(['explain', '--models', copy, '--model', 'my-8b', '--hardware', 'h100-sxm']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--models: expected a folder holding llm\/, hardware\/ or calibration\//);
  });
});
