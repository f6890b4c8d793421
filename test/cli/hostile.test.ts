/**
 * Hostile input, class by class (issue 16): numbers checked for meaning, YAML aliases and
 * duplicate keys, work estimated before it starts, errors naming the file that is wrong, one-line
 * internal errors, and Ctrl-C / SIGTERM stopping cleanly.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { internalErrorMessage } from '../../src/cli/usage.js';
import { CLI, ROOT, wafersim } from '../support/cli.js';
import { Sandbox } from '../fuzz/harness.js';

const QUIET = ['--progress=false'];

function rejects(args: string[], message: RegExp, cwd?: string) {
  const r = wafersim([...args, ...QUIET], { cwd });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('numbers are checked for what they mean', () => {
  it.each([
    ['network.rttMs={kind: categorical, values: [1, 2], weights: [0, 0]}', /network\.rttMs\.weights.*: expected weights with a positive sum, found \[0, 0\]/],
    ['workload.interactive.thinkSeconds={kind: exponential, mean: 1e308}', /workload\.interactive\.thinkSeconds.*expected .*<= 1000000000/],
    ['network.rttMs={kind: normal, mean: -5, sd: 1}', /network\.rttMs.*expected .*>= 0/],
    ['network.rttMs={kind: empirical, samples: [-5, 3]}', /network\.rttMs.*expected .*>= 0/],
    ['durationMinutes=.nan', /durationMinutes.*: expected a number, found NaN/],
    ['systems[0].pools[0].replicas=1000000000', /replicas.*expected a number <= 10000, found 1000000000/],
    ['repeat=1000000000', /repeat.*expected a number <= 1000/],
    ['sweep={axes: [{path: seed, range: {from: 0, to: 1000000, step: 1}}]}', /sweep\.axes.*expected at most 100000 points/],
  ])('%s', (set, message) => rejects(['run', 'scenarios/codex-spark.yaml', '--set', set], message));
});

describe('YAML', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wafersim-yaml-'));
  it.each([
    ['an alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n', /bomb\.yaml: \(file\): expected YAML whose aliases resolve, expanded at most 100 times, found Excessive alias count/],
    ['an unresolved alias', 'durationMinutes: *nowhere\n', /bomb\.yaml: .*expected .*found .*nowhere/],
    ['a duplicated key', 'durationMinutes: 5\nseed: 1\ndurationMinutes: 6\n', /bomb\.yaml: line 3: expected valid YAML, found Map keys must be unique/],
  ])('refuses %s, naming the file', (_what, text, message) => {
    writeFileSync(join(dir, 'bomb.yaml'), text);
    rejects(['run', 'bomb.yaml'], message, dir);
  });
  it('refuses a scenario that is a FIFO or a device without reading it', () => {
    rejects(['run', '/dev/zero'], /\/dev\/zero: \(file\): expected a regular file, found a special file/);
  });
});

describe('work is estimated before it starts', () => {
  it('names the estimate and the flag that raises the limit', () => {
    rejects(['run', 'scenarios/codex-spark.yaml', '--max-events', '1000'], /--max-events: expected work within 1,000 events \(raise the limit with --max-events N.*found .*estimated at .* events/);
    rejects(['run', 'scenarios/long-context-cliff.yaml', '--set', 'workload.openLoop.ratePerSecond=1000000', '--max-events', '1e12'], /--max-memory: expected work within 4,096 MB .*--max-memory MB.*found .*estimated at/);
    rejects(['run', 'scenarios/codex-spark.yaml', '--set', 'workload.interactive.developers=10000000'], /workload: expected at most 1\.05e\+6 developers and agent jobs at once .*, found 1\.00e\+7/);
    rejects(['sweep', 'scenarios/long-context-cliff.yaml', '--max-events', '10'], /--max-events: expected work within 10 events.*found a sweep of 5 points estimated/);
  });
  it('lets every shipped scenario run within the defaults, or with the --records its header names', async () => {
    const { readScenario, resolveScenario } = await import('../../src/io/scenario.js');
    const { estimateWork } = await import('../../src/study/estimate.js');
    const { checkWork, DEFAULT_MAX_EVENTS, DEFAULT_MAX_MEMORY_MB } = await import('../../src/cli/limits.js');
    for (const f of readdirSync(join(ROOT, 'scenarios'))) {
      const r = resolveScenario(readScenario(join(ROOT, 'scenarios', f)));
      const exact = !/^#.*--records (none|sample)/m.test(readFileSync(join(ROOT, 'scenarios', f), 'utf8'));
      const e = estimateWork(r.resolved, await r.checkTrace(), exact);
      expect(() => checkWork(e, { 'max-events': DEFAULT_MAX_EVENTS, 'max-memory': DEFAULT_MAX_MEMORY_MB }, f), f).not.toThrow();
    }
  });
});

describe('errors name the file that is wrong', () => {
  const sandbox = new Sandbox(ROOT);
  afterAll(() => sandbox.dispose());
  it('a broken model file is reported with its own path and line, and where the scenario uses it', () => {
    const scenario = 'name: model-check\ndurationMinutes: 1\nsystems:\n  - name: h100\n    pools: [{ name: gpus, hardware: h100-sxm, model: llama-3.1-8b, count: 1 }]\nworkload: { openLoop: { ratePerSecond: 1 } }\n';
    const r = sandbox.run({ family: 'model', label: 'hbmGB = -1', files: { 's.yaml': scenario }, modelFile: { path: 'hardware/h100-sxm.yaml', content: readFileSync(join(ROOT, 'models/hardware/h100-sxm.yaml'), 'utf8').replace(/^hbmGB: [\d.]+/m, 'hbmGB: -1') }, args: ['run', 's.yaml', ...QUIET], blame: 'h100-sxm.yaml' }, 30_000);
    expect(r.outcome, r.why).toBe('clear');
    expect(r.why).toMatch(/models\/hardware\/h100-sxm\.yaml: hbmGB \(line \d+\): expected a number > 0, found -1 \(used by s\.yaml systems\[0\]\.pools\[0\]\)/);
  });
});

describe('internal errors', () => {
  it('are one line with where to report them; the stack only with --debug', () => {
    const error = new TypeError('x is undefined\nmore');
    expect(internalErrorMessage(error, false)).toBe('wafersim: internal error: x is undefined\nThis is a bug in wafersim: please report it with the command line and the files it read (run again with --debug for the stack trace).\n');
    expect(internalErrorMessage(error, true)).toContain(error.stack!);
  });
});

describe('Ctrl-C and SIGTERM', () => {
  /** Start a command, wait until `ready()` holds, send `signal`, and collect how it ended. */
  async function interrupt(args: string[], cwd: string, ready: () => boolean, signal: NodeJS.Signals) {
    const child = spawn(process.execPath, [CLI, ...args, ...QUIET], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 60_000;
    while (!ready() && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    return { code, stderr };
  }
  const big = ['--set', 'durationMinutes=240', '--set', 'workload.interactive.developers=600'];

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s during run: exit %i, temporary folder removed, nothing written', async (signal, exit) => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-signal-'));
    copyFileSync(join(ROOT, 'scenarios/codex-spark.yaml'), join(dir, 's.yaml'));
    const tmpFolder = () => readdirSync(dir).some((f) => f.startsWith('.r.tmp-'));
    const r = await interrupt(['run', 's.yaml', '--out', 'r', ...big], dir, tmpFolder, signal);
    expect(r.code, r.stderr).toBe(exit);
    expect(r.stderr).toMatch(new RegExp(`stopped by ${signal}\\. Nothing was written; run the same command again`));
    expect(readdirSync(dir).sort()).toEqual(['s.yaml']);
  }, 90_000);

  it('SIGTERM during a sweep keeps finished points and says how to resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-signal-'));
    copyFileSync(join(ROOT, 'scenarios/long-context-cliff.yaml'), join(dir, 's.yaml'));
    const points = join(dir, 'sw', 'points');
    const some = () => existsSync(points) && readdirSync(points).filter((f) => f.endsWith('.json')).length >= 1;
    const many = ['--set', 'sweep.axes[0]={path: workload.openLoop.inputTokens, range: {from: 2048, to: 61440, step: 2048}}', '--set', 'durationMinutes=4', '--set', 'drainMinutes=2'];
    const r = await interrupt(['sweep', 's.yaml', '--out', 'sw', '--workers', '1', ...many], dir, some, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/stopped by SIGTERM\. Finished points are kept in .*sw; run the same command again to resume\./);
    const kept = readdirSync(points);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.every((f) => /^\d{6}\.json$/.test(f))).toBe(true);
  }, 90_000);
});
