import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, wafersim } from '../support/cli.js';
import { expandSweep, shardOf } from '../../src/study/sweep.js';
import { holdoutError, largest, seedRange, smallest } from '../../src/study/plan.js';
import type { ValidationResult } from '../../src/study/validation.js';

const tmp = mkdtempSync(join(tmpdir(), 'wafersim-sweep-'));
const SCENARIO = 'scenarios/long-context-cliff.yaml';
const SMALL = ['--set', 'durationMinutes=4', '--set', 'drainMinutes=2', '--progress=false'];
// 30 points, so that a kill after the third finished point leaves plenty undone.
const MANY = ['--set', 'sweep.axes[0]={path: workload.openLoop.inputTokens, range: {from: 2048, to: 61440, step: 2048}}'];

/** Every file of an output folder by its path, the folder's own name left out. */
function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, f);
    if (!statSync(path).isDirectory()) files[f] = readFileSync(path, 'utf8').replaceAll(dir, '<out>');
  }
  return files;
}

describe('sweep expansion', () => {
  it('crosses axes and repeats, numbers points, and shards them deterministically', () => {
    const points = expandSweep([{ path: 'a', values: [1, 2] }, { path: 'b', range: { from: 0, to: 1, step: 0.5 } }], 2);
    expect(points).toHaveLength(12);
    expect(points[0]).toEqual({ index: 0, values: [{ path: 'a', value: 1 }, { path: 'b', value: 0 }], repeat: 0 });
    expect(points[5].values.map((v) => v.value)).toEqual([1, 1]);
    const shards = [0, 1, 2].map((i) => shardOf(points, { index: i, count: 3 }).map((p) => p.index));
    expect(shards.flat().sort((a, b) => a - b)).toEqual(points.map((p) => p.index));
  });
});

describe('wafersim sweep', () => {
  const one = join(tmp, 'one');
  it('gives identical outputs for 1, 2 and 3 workers', () => {
    expect(wafersim(['sweep', SCENARIO, '--out', one, '--workers', '1', ...SMALL]).code).toBe(0);
    const csv = readFileSync(join(one, 'sweep.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(1 + 5 * 2 * 2); // 5 points × 2 systems × (one class + all)
    expect(readFileSync(join(one, 'report.html'), 'utf8')).toMatch(/data-chart="sweep-ttft_p99"/);
    // Points are handed out largest first and, with 3 workers on a 2-core machine, to a worker
    // forked late (sweep-pool.ts): neither may change a byte of any file.
    for (const workers of ['2', '3']) {
      const other = join(tmp, `workers${workers}`);
      expect(wafersim(['sweep', SCENARIO, '--out', other, '--workers', workers, ...SMALL]).code).toBe(0);
      expect(filesOf(other)).toEqual(filesOf(one));
    }
  }, 90_000);

  it('shards + merge equal one run', () => {
    const parts = [0, 1].map((i) => join(tmp, `part${i}`));
    parts.forEach((p, i) => {
      const r = wafersim(['sweep', SCENARIO, '--out', p, '--shard', `${i}/2`, '--workers', '1', ...SMALL]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/wafersim merge/);
      expect(existsSync(join(p, 'sweep.csv'))).toBe(false);
    });
    const merged = join(tmp, 'merged');
    expect(wafersim(['merge', ...parts, '--out', merged]).code).toBe(0);
    expect(readFileSync(join(merged, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(one, 'sweep.csv'), 'utf8'));
  }, 60_000);

  it('resumes after a killed run, losing and duplicating nothing', async () => {
    const out = join(tmp, 'killed');
    const clean = join(tmp, 'clean');
    expect(wafersim(['sweep', SCENARIO, '--out', clean, '--workers', '1', ...SMALL, ...MANY]).code).toBe(0);
    const child = spawn(process.execPath, [CLI, 'sweep', SCENARIO, '--out', out, '--workers', '1', ...SMALL, ...MANY], { cwd: ROOT, stdio: 'ignore' });
    const points = join(out, 'points');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(existsSync(points) && readdirSync(points).filter((f) => f.endsWith('.json')).length >= 3)) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const before = readdirSync(points).filter((f) => /^\d+\.json$/.test(f)).length;
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(30);
    const r = wafersim(['sweep', SCENARIO, '--out', out, '--workers', '1', ...SMALL, ...MANY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`skipped ${before} already done`);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(clean, 'sweep.csv'), 'utf8'));
  }, 90_000);

  it('re-running an edited sweep recomputes the points whose inputs changed; --fresh recomputes all', () => {
    const out = join(tmp, 'edited');
    const axis = (values: number[]) => ['--set', `sweep.axes[0]={path: workload.openLoop.inputTokens, values: [${values.join(', ')}]}`];
    expect(wafersim(['sweep', SCENARIO, '--out', out, '--workers', '1', ...SMALL, ...axis([4096, 8192])]).code).toBe(0);
    const first = readFileSync(join(out, 'sweep.csv'), 'utf8');
    // Point 1's axis value changes (8192 → 16384); point 0 is the same and is reused.
    const edited = wafersim(['sweep', SCENARIO, '--out', out, '--workers', '1', ...SMALL, ...axis([4096, 16384])]);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('this run 1 (skipped 1 already done');
    const second = readFileSync(join(out, 'sweep.csv'), 'utf8');
    expect(second).not.toBe(first);
    expect(second).toContain(',16384,');
    expect(second).not.toContain(',8192,');
    // Editing the scenario itself (the run's length) makes every point stale.
    const longer = wafersim(['sweep', SCENARIO, '--out', out, '--workers', '1', ...SMALL, ...axis([4096, 16384]), '--set', 'durationMinutes=5']);
    expect(longer.stdout).toContain('this run 2 (skipped 0 already done');
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8')).not.toBe(second);
    const fresh = wafersim(['sweep', SCENARIO, '--out', out, '--workers', '1', ...SMALL, ...axis([4096, 16384]), '--set', 'durationMinutes=5', '--fresh']);
    expect(fresh.stdout).toContain('this run 2 (skipped 0 already done');
  }, 90_000);

  it('rejects a scenario without a sweep section and a bad shard', () => {
    expect(wafersim(['sweep', 'scenarios/codex-spark.yaml', '--out', join(tmp, 'x')]).stderr).toMatch(/sweep: expected a sweep section/);
    const r = wafersim(['sweep', SCENARIO, '--shard', '2/2', '--out', join(tmp, 'y')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard: expected i\/n with 0 <= i < n/);
  });
});

describe('capacity planner', () => {
  it('searches the smallest passing count by doubling then bisection', async () => {
    const tried: number[] = [];
    const r = await smallest(100, async (n) => {
      tried.push(n);
      return { replicas: n, stepTimeScale: 1, meets: n >= 13, runs: [] };
    });
    expect(r.n).toBe(13);
    expect(tried).toEqual([1, 2, 4, 8, 16, 12, 14, 13]);
    expect((await smallest(8, async (n) => ({ replicas: n, stepTimeScale: 1, meets: false, runs: [] }))).n).toBeNull();
    // From known counts: 12 failed (a slower model fails there too) → doubling from 13; 13 passed → bisection below it.
    const from = async (known: { fails?: number; passes?: number }, need: number) => {
      const seen: number[] = [];
      const n = (await smallest(100, async (k) => (seen.push(k), { replicas: k, stepTimeScale: 1, meets: k >= need, runs: [] }), known)).n;
      return { n, seen };
    };
    expect(await from({ fails: 12 }, 20)).toEqual({ n: 20, seen: [13, 26, 19, 22, 20] });
    expect(await from({ passes: 13 }, 9)).toEqual({ n: 9, seen: [6, 9, 7, 8] });
    expect(await from({ fails: 100 }, 200)).toEqual({ n: null, seen: [] });
    const f = await largest(async (x) => x <= 3.3);
    expect(f!).toBeGreaterThan(3.3 / 1.05);
    expect(f!).toBeLessThanOrEqual(3.3);
  });

  it("takes the model's error band from holdout rows that measure step time, not from latencies under queueing", () => {
    const row = (metric: ValidationResult['metric'], load: ValidationResult['load'], error: number, role: ValidationResult['role'] = 'holdout') =>
      ({ id: `${metric}-${load}`, role, stack: 's', metric, load, error }) as ValidationResult;
    const rows = [
      row('totalTokensPerSecond', 'offline', 0.02), row('totalTokensPerSecond', 'serverLimits', -0.03), row('itlMs', 'closed', 0.08),
      row('ttftMeanMs', 'step', -0.05), row('tokensPerSecondPerUser', 'step', 0.5, 'fit'),
      // A few % of capacity short near saturation: seconds of queueing, not a slower step.
      row('ttftP99Ms', 'closed', 4.5), row('tpotMeanMs', 'poisson', 0.7), row('ttftMeanMs', 'serverLimits', 2.3),
    ];
    expect(holdoutError(rows, 's')).toEqual({ rows: 4, error: 0.04 });
    expect(holdoutError(rows, 'other')).toBeNull();
  });

  it('gives the fleet-size range the seeds allow', () => {
    const t = (replicas: number, meets: boolean[]) => ({ replicas, stepTimeScale: 1, meets: meets.every(Boolean), runs: meets.map((m, i) => ({ seed: i, meets: m, summary: {} as never })) });
    // Doubling 1, 2, 4, 8 then bisection 6, 5: seed 1 passed at 5 already, both only at 6.
    const trials = [t(1, [false, false]), t(2, [false, false]), t(4, [false, false]), t(8, [true, true]), t(6, [true, true]), t(5, [false, true])];
    expect(seedRange(trials, 6)).toEqual({ low: 5, high: 6 });
    expect(seedRange(trials, null)).toBeNull();
  });

  it('picks a fleet that meets the SLOs in a plain run, and one fewer does not; explains every trial; a rerun reuses them', () => {
    // The job SLO is left out: an 8-minute run cannot judge 2-hour jobs (they would be unfinished).
    const sets = ['--set', 'durationMinutes=8', '--set', 'drainMinutes=3', '--set', 'workload.interactive.developers=800', '--set', 'workload.interactive.sessionGapSeconds=60', '--set', 'workload.agents.concurrency=200', '--set', 'slo={interactive: {ttftP99Ms: 300}}', '--set', 'plan.options=[{system: cs3, maxReplicas: 64, spares: 1}]'];
    const out = join(tmp, 'plan');
    const r = wafersim(['plan', 'scenarios/capacity-2000-developers.yaml', '--out', out, '--json', '--progress=false', '--workers', '2', ...sets]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.columns[0]).toBe('system');
    const [cs3] = plan.rows;
    expect(cs3.spares).toBe(1);
    const n = cs3.replicas - 1;
    expect(n).toBeGreaterThan(1);
    const check = (replicas: number) => {
      const o = join(tmp, `plan-check-${replicas}`);
      const run = wafersim(['run', 'scenarios/capacity-2000-developers.yaml', '--out', o, '--records', 'none', '--json', '--progress=false', ...sets, '--set', `systems=[{name: cs3, transport: websocket, pools: [{name: wafers, hardware: cs-3, model: llama-3.1-8b, count: 1, replicas: ${replicas}}]}]`]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const rows: Record<string, string | number>[] = JSON.parse(run.stdout).rows;
      const all = rows.find((x) => x.class === 'all')!;
      return all.overloaded_pools === 0 && rows.every((x) => x.meets_slo !== 0);
    };
    expect(check(n)).toBe(true);
    expect(check(n - 1)).toBe(false);
    expect(check(cs3.replicas)).toBe(true);
    expect(readFileSync(join(out, 'plan.csv'), 'utf8')).toMatch(/^system,pool,hardware/);
    // Every trial is explained: which SLO it missed and by how much.
    const trials = readFileSync(join(out, 'trials.csv'), 'utf8').trim().split('\n');
    // The model's error as a second range: the search again with steps ×(1 + e) and ÷(1 + e), e the
    // median |error| of the cerebras stack's holdout rows; a slower model never needs fewer replicas.
    expect(cs3.model_error_stack).toBe('cerebras');
    expect(cs3.model_error).toBeGreaterThan(0);
    expect(cs3.replicas_model_error_low).toBeLessThanOrEqual(cs3.replicas);
    expect(cs3.replicas_model_error_high === 'none' || cs3.replicas_model_error_high >= cs3.replicas).toBe(true);
    const scales = new Set(trials.slice(1).map((l) => l.split(',')[3]));
    expect(scales.size).toBe(3); // as modelled, slower, faster
    // per trial: interactive (TTFT p99) and background (no SLO); the model-error trials are listed too
    expect(trials.filter((l) => l.split(',')[3] === '1').length).toBe(cs3.trials.split(' ').length * 2);
    expect(trials.some((l) => /,cs3,wafers,\d+,1,3,interactive,0,.*TTFT p99,ms,[\d.]+,300,0\.\d+/.test(`,${l}`))).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/data-chart="plan-slo-0"/);
    // A rerun with the same inputs reuses every stored trial and gives the same answer.
    const again = wafersim(['plan', 'scenarios/capacity-2000-developers.yaml', '--out', out, '--json', '--progress=false', ...sets]);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(r.stdout));
  }, 180_000);
});

describe('validate and schema', () => {
  it('validate prints every published result with its role and error; only the known gaps miss; --json', () => {
    const r = wafersim(['validate', '--no-sensitivity']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/40 pass, 0 fail, 4 known gaps, 0 gaps closed, of 44/);
    expect(r.stdout).toMatch(/holdout \(never seen by the fitter\): 25 rows, median \|error\| \d+\.\d%/);
    const json = JSON.parse(wafersim(['validate', '--json', '--no-sensitivity']).stdout);
    // The known gaps of test/perf/validation.test.ts carry their reasons in models/validation.yaml.
    expect(json.rows.filter((x: { status: string }) => x.status === 'fail')).toEqual([]);
    expect(json.rows.filter((x: { status: string; gap?: string }) => x.status === 'known gap' && !x.gap)).toEqual([]);
    expect(json.summary.holdout.rows).toBe(25);
  });
  it('schema matches the committed schema/scenario.schema.json', () => {
    const r = wafersim(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'schema/scenario.schema.json'), 'utf8'));
    expect(JSON.parse(r.stdout).properties.systems.type).toBe('array');
  });
});
