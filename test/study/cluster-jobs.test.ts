/**
 * docs/studies.md tells users to run a sweep as a Slurm job array or a Kubernetes Indexed Job:
 * one shard per task, each writing its own folder, `wafersim merge` at the end. This test takes
 * those exact commands from the document, runs the shards as concurrent separate processes in a
 * temporary folder (the task index in the scheduler's environment variable), merges them as the
 * document says, and checks the merged sweep.csv equals a single-machine sweep byte for byte.
 * Substitutions, so it runs here in seconds: `wafersim`/`npx wafersim` → the built CLI, the
 * shared folders → the temporary folder, 16 tasks → 3, 2 workers → 1, and a shorter run (--set).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, ROOT, wafersim } from '../support/cli.js';

const TASKS = 3;
const SHORT = '--set durationMinutes=4 --set drainMinutes=2';
const doc = readFileSync(join(ROOT, 'docs/studies.md'), 'utf8');

/** The fenced blocks of `lang` after a heading. */
function blocksAfter(heading: string, lang: string): string[] {
  const section = doc.slice(doc.indexOf(heading)).split(/\n#{2,3} /)[0];
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

function adapt(command: string, dir: string): string {
  return command
    .replace(/npx wafersim|wafersim/g, `"${process.execPath}" "${CLI}"`)
    .replace(/\/shared\/cliff|\/results/g, dir)
    .replace(/\/16\b/g, `/${TASKS}`)
    .replace(/--workers 2/g, '--workers 1')
    .replace(/--progress=false/g, `--progress=false ${SHORT}`);
}

function sh(script: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

async function runAsJobArray(task: string, indexVariable: string, merge: string, dir: string): Promise<string> {
  const results = await Promise.all(Array.from({ length: TASKS }, (_, i) => sh(adapt(task, dir), { [indexVariable]: String(i) })));
  for (const r of results) expect(r.stderr).toBe('');
  expect(results.map((r) => r.code)).toEqual(Array(TASKS).fill(0));
  const merged = await sh(adapt(merge, dir), {});
  expect(merged).toEqual({ code: 0, stderr: '' });
  return readFileSync(join(dir, 'all', 'sweep.csv'), 'utf8');
}

describe('a sweep as a cluster job array (docs/studies.md)', () => {
  const single = join(mkdtempSync(join(tmpdir(), 'wafersim-jobs-')), 'single');
  const sweepCsv = () => {
    const r = wafersim(['sweep', 'scenarios/long-context-cliff.yaml', '--out', single, '--workers', '1', ...SHORT.split(' '), '--progress=false']);
    expect(r.code).toBe(0);
    return readFileSync(join(single, 'sweep.csv'), 'utf8');
  };
  let expected: string | undefined;

  it('Slurm job array: the documented script per task, then the documented merge', async () => {
    const [script, merge] = blocksAfter('### Slurm job array', 'bash');
    expect(script).toMatch(/SLURM_ARRAY_TASK_ID/);
    expected ??= sweepCsv();
    const merged = await runAsJobArray(script, 'SLURM_ARRAY_TASK_ID', merge, mkdtempSync(join(tmpdir(), 'wafersim-slurm-')));
    expect(merged.trim().split('\n').length).toBeGreaterThan(1);
    expect(merged).toBe(expected);
  }, 120_000);

  it('Kubernetes Indexed Job: the documented container command per index, then the documented merge', async () => {
    const [manifest] = blocksAfter('### Kubernetes Indexed Job', 'yaml');
    const job = parse(manifest);
    expect(job.spec.completionMode).toBe('Indexed');
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(['sh', '-c']);
    const merge = doc.slice(doc.indexOf('### Kubernetes Indexed Job')).match(/final `(wafersim merge [^`]+)`/)![1];
    expected ??= sweepCsv();
    const merged = await runAsJobArray(container.args[0], 'JOB_COMPLETION_INDEX', merge, mkdtempSync(join(tmpdir(), 'wafersim-k8s-')));
    expect(merged).toBe(expected);
  }, 120_000);
});
