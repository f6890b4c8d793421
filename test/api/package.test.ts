/**
 * The package as a library: a fresh project installs wafersim from its folder (npm install <path>,
 * offline) and imports it by name; its study gives the same summaries as `wafersim run --json`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, wafersim } from '../support/cli.js';

const project = mkdtempSync(join(tmpdir(), 'wafersim-fresh-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const SETS = ['durationMinutes=2', 'drainMinutes=1', 'workload.interactive.developers=20', 'workload.agents.concurrency=2'];


/** The systems of scenarios/codex-spark.yaml, in its order. */
const CODEX_SPARK_SYSTEMS = ['spark-cs3', 'codex-gpu', 'codex-gpu-xhigh', 'codex-gpu-r0', 'codex-gpu-r1k', 'codex-gpu-r2k', 'codex-gpu-r8k'];
describe('library API', () => {
  it("a fresh project installs the package from a local path and runs a study with import('wafersim'): the rows `wafersim run --json` prints", () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', type: 'module', private: true }));
    const started = performance.now();
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--install-links=false', ROOT], { cwd: project, stdio: 'pipe' });
    console.log(`npm install from the local path: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const script = `import('wafersim').then(async (w) => {
      const s = w.loadScenario(${JSON.stringify(join(ROOT, 'scenarios/codex-spark.yaml'))}, { set: ${JSON.stringify(SETS)} });
      const r = await w.runStudy(s);
      process.stdout.write(JSON.stringify({ models: w.listModels().length, columns: w.SUMMARY_COLUMNS, rows: r.rows }));
    })`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const api = JSON.parse(r.stdout);
    expect(api.models).toBeGreaterThanOrEqual(25);
    // The CLI on the same scenario: the same summary rows, number for number.
    const cli = wafersim(['run', 'scenarios/codex-spark.yaml', ...SETS.flatMap((s) => ['--set', s]), '--records', 'none', '--json', '--out', join(project, 'out')]);
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout);
    expect(api.columns).toEqual(printed.columns);
    expect(api.rows).toEqual(printed.rows);
    expect(new Set(api.rows.map((r: { system: string }) => r.system))).toEqual(new Set(CODEX_SPARK_SYSTEMS));
  });
  it("docs/api.md's script runs in the fresh project and prints each system's TTFT p99 and cost", () => {
    const doc = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    const script = /```js\n([\s\S]*?)```/.exec(doc)![1];
    writeFileSync(join(project, 'study.mjs'), script);
    const r = spawnSync(process.execPath, ['study.mjs'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(CODEX_SPARK_SYSTEMS);
    for (const line of lines) expect(line).toMatch(/^\S+ TTFT p99 \d+ ms; \d+\.\d\d \$\/M tokens\s*$/);
  });
  it('by name, the package exposes only its API (exports), with types', () => {
    const r = spawnSync(process.execPath, ['-e', "import('wafersim/dist/src/io/models.js').then(() => console.log('deep import allowed'), (e) => console.log(e.code))"], { cwd: project, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const types = spawnSync(process.execPath, ['-e', "console.log(require('wafersim/package.json').exports['.'].types)"], { cwd: project, encoding: 'utf8' });
    expect(types.stdout.trim()).toBe('./dist/src/api/index.d.ts');
  });
});
