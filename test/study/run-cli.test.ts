import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, wafersim } from '../support/cli.js';
import { readCsv } from '../support/csv.js';
import { quantile } from '../support/stats.js';
import { RELATIVE_ERROR } from '../../src/metrics/quantiles.js';

const tmp = mkdtempSync(join(tmpdir(), 'wafersim-run-'));
/** The default study's systems, in order (one fingerprint each, and rows per class). */
const SYSTEMS = (parse(readFileSync(join(ROOT, 'scenarios/codex-spark.yaml'), 'utf8')) as { systems: { name: string }[] }).systems.map((s) => s.name);
const SMALL = ['--set', 'durationMinutes=4', '--set', 'drainMinutes=2', '--set', 'workload.interactive.developers=25', '--set', 'workload.agents.concurrency=3', '--progress=false'];

/** Completed requests sent inside the measured window (the 4-minute horizon; no warm-up). */
const measured = (rows: Record<string, string>[]) => rows.filter((r) => r.outcome === 'completed' && Number(r.send_s) < 240);

describe('wafersim run', () => {
  const outA = join(tmp, 'a');
  const outB = join(tmp, 'b');
  it('writes every output file and prints the table', () => {
    const r = wafersim(['run', 'scenarios/codex-spark.yaml', '--out', outA, ...SMALL]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TTFT p50 ms/);
    expect(r.stdout).toMatch(/\$\/M output tok/);
    expect(r.stdout).toMatch(/\$\/M total tok/);
    expect(readdirSync(outA).sort()).toEqual(['.wafersim-output', 'report.html', 'requests.csv', 'run.json', 'sessions.csv', 'summary.csv', 'timeseries.csv']);
  });

  it('gives byte-identical outputs for the same scenario and seed', () => {
    expect(wafersim(['run', 'scenarios/codex-spark.yaml', '--out', outB, ...SMALL]).code).toBe(0);
    for (const f of readdirSync(outA)) expect(readFileSync(join(outB, f), 'utf8'), f).toBe(readFileSync(join(outA, f), 'utf8'));
  });

  /** A class's rows of the first repeat. */
  const classRows = (rows: Record<string, string>[]) => rows.filter((r) => r.class !== 'all' && r.repeat === '0');
  // vLLM's per-request latencies whose summaries are of one value per request; ITL's are over
  // every token gap (from the steps: test/metrics/itl-gaps.test.ts), checked apart below.
  const METRICS = ['ttft', 'tpot', 'e2el', 'ttfvt', 'server_ttft', 'queue'];
  /** The sample a summary column describes: values of `${m}_ms`, each repeated by its weight. */
  function sample(requests: Record<string, string>[], system: string, cls: string, m: string): { values: Float64Array; weights: number[] } {
    const mine = requests.filter((r) => r.system === system && r.class === cls && r[`${m}_ms`] !== '').sort((x, y) => Number(x[`${m}_ms`]) - Number(y[`${m}_ms`]));
    return { values: Float64Array.from(mine, (r) => Number(r[`${m}_ms`])), weights: mine.map((r) => (m === 'itl' ? Number(r.output_tokens) - 1 : 1)) };
  }
  /** Order statistics of the weighted sample expanded (a second implementation, not the code's). */
  const expanded = ({ values, weights }: ReturnType<typeof sample>) => Float64Array.from(weights.flatMap((w, i) => Array<number>(w).fill(values[i])));
  // Values are kept in seconds and written in ms: a last-bit difference from ms arithmetic is not a difference.
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  // requests.csv gives latencies to the nanosecond (report/csv.ts), each within 0.5 ns of the exact value:
  // so are their means, interpolated order statistics and standard deviations (each moves by at most
  // the largest change of one value). summary.csv is computed from the exact values.
  const HALF_NANOSECOND_MS = 0.5e-6;
  const closeAtResolution = (a: number, b: number) => Math.abs(a - b) <= HALF_NANOSECOND_MS + 1e-9 * Math.max(1, Math.abs(b));

  it('summary.csv equals the summaries recomputed from requests.csv (all records kept: to the file\'s 1 ns resolution)', () => {
    const requests = measured(readCsv(join(outA, 'requests.csv')));
    const summary = classRows(readCsv(join(outA, 'summary.csv')));
    let checked = 0;
    for (const row of summary) {
      for (const m of METRICS) {
        const all = expanded(sample(requests, row.system, row.class, m));
        const mean = all.reduce((s, x) => s + x, 0) / all.length;
        const std = Math.sqrt(all.reduce((s, x) => s + (x - mean) ** 2, 0) / all.length);
        const where = `${row.system} ${row.class} ${m}`;
        expect(closeAtResolution(Number(row[`mean_${m}_ms`]), mean), `${where} mean`).toBe(true);
        expect(closeAtResolution(Number(row[`std_${m}_ms`]), std), `${where} std`).toBe(true);
        for (const [q, col] of [[0.5, 'median'], [0.9, 'p90'], [0.95, 'p95'], [0.99, 'p99']] as const) {
          expect(closeAtResolution(Number(row[`${col}_${m}_ms`]), quantile(all, q)), `${where} ${col}`).toBe(true);
        }
        checked++;
      }
      const done = requests.filter((r) => r.system === row.system && r.class === row.class);
      expect(Number(row.completed)).toBe(done.length);
      expect(close(Number(row.request_throughput), done.length / 240)).toBe(true);
      expect(close(Number(row.output_throughput), done.reduce((n, r) => n + Number(r.output_tokens), 0) / 240)).toBe(true);
      expect(close(Number(row.total_token_throughput), done.reduce((n, r) => n + Number(r.output_tokens) + Number(r.input_tokens), 0) / 240)).toBe(true);
    }
    expect(checked).toBe(2 * SYSTEMS.length * METRICS.length); // interactive and background of every system
  });

  // Within 2%, not exactly: the summary counts the gaps of steps that start inside the measured
  // window; a request's own mean also counts its steps after the window, when arrivals have stopped
  // and batches are smaller (codex-gpu-r8k background, 12 requests of ~8,000 tokens: 1.5%, measured 2026-12-02 with its re-planned 4 + 2 fleet).
  it("ITL's mean over every gap is the gap-weighted mean of the requests' own mean gaps (within 2%: gaps are counted from the steps inside the window)", () => {
    const requests = measured(readCsv(join(outA, 'requests.csv')));
    for (const row of classRows(readCsv(join(outA, 'summary.csv')))) {
      const { values, weights } = sample(requests, row.system, row.class, 'itl');
      const gaps = weights.reduce((n, w) => n + w, 0);
      const mean = weights.reduce((sum, w, i) => sum + w * values[i], 0) / gaps;
      expect(Math.abs(Number(row.mean_itl_ms) / mean - 1), `${row.system} ${row.class}`).toBeLessThan(0.02);
      expect(Number(row.p99_itl_ms)).toBeGreaterThanOrEqual(Number(row.median_itl_ms));
    }
  });

  it('with --records none, writes no requests.csv, and streamed percentiles are within the stated relative error of the order statistics at their rank', () => {
    const outC = join(tmp, 'c');
    expect(wafersim(['run', 'scenarios/codex-spark.yaml', '--out', outC, '--records', 'none', ...SMALL]).code).toBe(0);
    expect(existsSync(join(outC, 'requests.csv'))).toBe(false);
    const requests = measured(readCsv(join(outA, 'requests.csv')));
    const exact = classRows(readCsv(join(outA, 'summary.csv')));
    const streamed = classRows(readCsv(join(outC, 'summary.csv')));
    expect(streamed.map((r) => `${r.system} ${r.class}`)).toEqual(exact.map((r) => `${r.system} ${r.class}`));
    let checked = 0;
    for (const [i, e] of exact.entries()) {
      for (const m of METRICS) {
        const values = expanded(sample(requests, e.system, e.class, m));
        for (const [q, col] of [[0.5, 'median'], [0.9, 'p90'], [0.99, 'p99']] as const) {
          // Within ±α of a sample between the two order statistics around rank q(n − 1).
          const rank = q * (values.length - 1);
          const lo = values[Math.floor(rank)] * (1 - RELATIVE_ERROR);
          const hi = values[Math.ceil(rank)] * (1 + RELATIVE_ERROR);
          const v = Number(streamed[i][`${col}_${m}_ms`]);
          // The order statistics come from requests.csv, whose _ms columns are rounded to the
          // nanosecond (report/csv.ts): they are known to ±0.5 ns, not exactly.
          const csvHalfStepMs = 0.5e-6;
          expect(v >= lo - csvHalfStepMs && v <= hi + csvHalfStepMs, `${e.system} ${e.class} ${m} ${col}: ${v} not in [${lo}, ${hi}]`).toBe(true);
          checked++;
        }
        expect(Number(streamed[i][`mean_${m}_ms`])).toBeCloseTo(Number(e[`mean_${m}_ms`]), 6);
      }
      // ITL is streamed whatever the records mode: the same columns both ways.
      for (const col of ['mean', 'median', 'std', 'p90', 'p95', 'p99']) expect(streamed[i][`${col}_itl_ms`]).toBe(e[`${col}_itl_ms`]);
    }
    expect(checked).toBe(2 * SYSTEMS.length * METRICS.length * 3);
  });

  it('accounts for every request: completed, rejected or unfinished, inside or outside the window', () => {
    const requests = readCsv(join(outA, 'requests.csv'));
    const summary = readCsv(join(outA, 'summary.csv'));
    for (const system of new Set(requests.map((r) => r.system))) {
      const value = (cls: string, column: string) => Number(summary.find((s) => s.system === system && s.class === cls && s.repeat === '0')?.[column] ?? NaN);
      const mine = requests.filter((r) => r.system === system);
      for (const outcome of ['completed', 'rejected', 'unfinished', 'gave_up']) {
        const inWindow = ['interactive', 'background'].reduce((n, cls) => n + (value(cls, outcome) || 0), 0);
        const outside = value('all', `outside_window_${outcome}`);
        expect(inWindow + outside, `${system} ${outcome}`).toBe(mine.filter((r) => r.outcome === outcome).length);
      }
      expect(mine.every((r) => ['completed', 'rejected', 'unfinished', 'gave_up'].includes(r.outcome))).toBe(true);
      expect(mine.filter((r) => r.outcome === 'rejected').every((r) => r.reject_reason !== '')).toBe(true);
    }
  });

  it('client timeouts: a request the client gives up on is its own outcome, its retry a new request; all accounted for', () => {
    const out = join(tmp, 'timeouts');
    // 1.5 s is shorter than many agents' long-context answers on these fleets, not than developers' edits.
    const r = wafersim(['run', 'scenarios/codex-spark.yaml', '--out', out, ...SMALL, '--set', 'client={timeoutSeconds: 1.5, retries: 1}']);
    expect(r.code).toBe(0);
    const requests = readCsv(join(out, 'requests.csv'));
    const summary = readCsv(join(out, 'summary.csv'));
    const gaveUp = requests.filter((q) => q.outcome === 'gave_up');
    expect(gaveUp.length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/requests given up by the client after its timeout/);
    // A retry is a copy under a new id in the same session, sent when the first attempt's timeout
    // passed; with retries: 1, a retry that times out too is not retried again.
    const at = (g: Record<string, string>, dt: number) => requests.find((q) => q.system === g.system && q.session === g.session && q.id !== g.id && Math.abs(Number(q.send_s) - Number(g.send_s) - dt) < 1e-6);
    let retried = 0;
    for (const g of gaveUp) {
      const earlier = at(g, -1.5);
      if (earlier?.outcome === 'gave_up') {
        expect(at(g, 1.5), `no second retry of ${g.id}`).toBeUndefined();
        continue;
      }
      const retry = at(g, 1.5);
      expect(retry, `retry of ${g.id}`).toBeDefined();
      expect(retry!.input_tokens).toBe(g.input_tokens);
      retried++;
    }
    expect(retried).toBeGreaterThan(0);
    for (const system of new Set(requests.map((q) => q.system))) {
      const value = (cls: string, column: string) => Number(summary.find((x) => x.system === system && x.class === cls && x.repeat === '0')?.[column] || 0);
      const inWindow = ['interactive', 'background'].reduce((n, cls) => n + value(cls, 'gave_up'), 0);
      expect(inWindow + value('all', 'outside_window_gave_up')).toBe(requests.filter((q) => q.system === system && q.outcome === 'gave_up').length);
    }
  });

  it('gives per-repeat rows, then the mean and the 95% confidence interval of each figure', () => {
    const out = join(tmp, 'repeat');
    const r = wafersim(['run', 'scenarios/codex-spark.yaml', '--out', out, '--records', 'none', ...SMALL, '--set', 'repeat=3']);
    expect(r.code).toBe(0);
    const rows = readCsv(join(out, 'summary.csv')).filter((x) => x.class === 'interactive');
    expect(rows.map((x) => `${x.system} ${x.repeat}`)).toEqual(SYSTEMS.flatMap((s) => ['0', '1', '2', 'mean', 'ci95'].map((k) => `${s} ${k}`)));
    for (const system of SYSTEMS) {
      const mine = rows.filter((x) => x.system === system);
      const per = mine.slice(0, 3).map((x) => Number(x.p99_ttft_ms));
      // Counts of a repeat are whole; their mean need not be.
      for (const x of mine.slice(0, 3)) expect(Number.isInteger(Number(x.completed))).toBe(true);
      const mean = per.reduce((a, x) => a + x, 0) / 3;
      const sd = Math.sqrt(per.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
      expect(Number(mine[3].p99_ttft_ms)).toBeCloseTo(mean, 9);
      // Student t with 2 degrees of freedom: 4.303.
      expect(Number(mine[4].p99_ttft_ms)).toBeCloseTo(4.303 * sd / Math.sqrt(3), 9);
      expect(Number(mine[4].p99_ttft_ms)).toBeGreaterThan(0);
    }
    expect(r.stdout).toMatch(/ ± /);
    expect(r.stdout).toMatch(/over 3 repeats/);
  });

  it('writes every replica to timeseries.csv at the stated interval, idle ones too', () => {
    const ts = readCsv(join(outA, 'timeseries.csv'));
    const run = JSON.parse(readFileSync(join(outA, 'run.json'), 'utf8'));
    expect(run.timeseriesIntervalSeconds).toBe(10);
    expect(new Set(ts.map((x) => x.interval_s))).toEqual(new Set(['10']));
    const replicas = run.resolved.systems.flatMap((s: { name: string; pools: { name: string; replicas: number }[] }) => s.pools.flatMap((p) => Array.from({ length: p.replicas }, (_, i) => `${s.name}/${p.name}/${i}`)));
    expect(new Set(ts.map((x) => x.replica))).toEqual(new Set(replicas));
    // 4 minutes plus the drain, in 10-second rows: every replica has every row.
    for (const replica of replicas) expect(ts.filter((x) => x.replica === replica).map((x) => Number(x.t_s))).toEqual(ts.filter((x) => x.replica === replicas[0]).map((x) => Number(x.t_s)));
    expect(ts.filter((x) => x.replica === replicas[0]).length).toBeGreaterThanOrEqual(24);
  });

  it('writes a Chrome/Perfetto timeline of the chosen window', () => {
    const out = join(tmp, 'trace');
    expect(wafersim(['run', 'scenarios/codex-spark.yaml', '--out', out, '--trace-window', '1:2', '--records', 'none', ...SMALL]).code).toBe(0);
    const trace = JSON.parse(readFileSync(join(out, 'trace.json'), 'utf8'));
    const spans = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(spans.length).toBeGreaterThan(100);
    for (const e of spans) expect(e.ts + e.dur).toBeGreaterThanOrEqual(60e6 - 1);
    // Every stage of a request and both kinds of step appear; `queue` only when a request waited in the window.
    const names = new Set(spans.map((e: { name: string }) => e.name));
    for (const name of ['step (decode)', 'step (prefill + decode)', 'network up', 'prefill', 'decode', 'network down']) expect(names).toContain(name);
    expect([...names].every((n) => ['step (decode)', 'step (prefill + decode)', 'network up', 'queue', 'prefill', 'decode', 'network down'].includes(n as string))).toBe(true);
    expect(wafersim(['run', 'scenarios/codex-spark.yaml', '--out', join(tmp, 't2'), '--trace-window', '5:1']).code).toBe(2);
  });

  it('records the resolved scenario (hardware, model, calibration), seed and version in run.json', () => {
    const run = JSON.parse(readFileSync(join(outA, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ seed: 2026, records: 'all' });
    // The resolved hardware, model and calibration values of every pool.
    const pool = run.resolved.systems[0].pools[0];
    expect(pool.hardware.id).toBe('cs-3');
    expect(pool.hardware.calibration).toBeTypeOf('object');
    expect(pool.llm.id).toBeTypeOf('string');
    expect(run.scenarioAsRun.durationMinutes).toBe(4);
    expect(run.fingerprints).toHaveLength(SYSTEMS.length);
  });
});

describe('bad scenario files', () => {
  const dir = join(ROOT, 'test/fixtures/bad-scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  it('has at least 20 kinds of mistakes', () => expect(files.length).toBeGreaterThanOrEqual(20));
  it.each(files)('%s: exit 2, names the file and the field, no stack trace, no partial output', (f) => {
    const out = join(tmp, `bad-${f}`);
    const r = wafersim(['run', join(dir, f), '--out', out, '--progress=false']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:`);
    expect(r.stderr).toMatch(/expected .*, found /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((x) => x.startsWith(`.bad-${f}`))).toEqual([]);
  });
  it('leaves an earlier output folder as it was', () => {
    const out = join(tmp, 'keep');
    mkdirSync(out);
    writeFileSync(join(out, 'summary.csv'), 'old');
    expect(wafersim(['run', join(dir, files[0]), '--out', out]).code).toBe(2);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toBe('old');
  });
  it('rejects a bad --set with exit 2', () => {
    const r = wafersim(['run', 'scenarios/codex-spark.yaml', '--set', 'durationMinutes', '--out', join(tmp, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--set: expected path=value/);
  });
});

