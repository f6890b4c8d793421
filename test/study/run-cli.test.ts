import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, wafersim } from '../support/cli.js';
import { quantileOfSorted } from '../../src/metrics/quantiles.js';
import { RELATIVE_ERROR } from '../../src/metrics/quantiles.js';

const tmp = mkdtempSync(join(tmpdir(), 'wafersim-run-'));
const SMALL = ['--set', 'durationMinutes=4', '--set', 'drainMinutes=2', '--set', 'workload.interactive.developers=25', '--set', 'workload.agents.concurrency=3', '--progress=false'];

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((l) => {
    // No field the project writes contains a comma.
    const cells = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

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

  it('summary.csv equals the summaries recomputed from requests.csv (all records kept: exactly)', () => {
    const requests = measured(readCsv(join(outA, 'requests.csv')));
    const summary = readCsv(join(outA, 'summary.csv'));
    let checked = 0;
    for (const row of summary.filter((s) => s.metric.endsWith('_ms'))) {
      const values = Float64Array.from(requests.filter((r) => r.system === row.system && r.class === row.class && r[row.metric] !== '').map((r) => Number(r[row.metric]))).sort();
      expect(values.length, `${row.system} ${row.class} ${row.metric}`).toBe(Number(row.count));
      const mean = values.reduce((s, x) => s + x, 0) / values.length;
      expect(Number(row.mean)).toBeCloseTo(mean, 9);
      for (const [q, col] of [[0.5, 'p50'], [0.9, 'p90'], [0.99, 'p99']] as const) expect(Number(row[col])).toBe(quantileOfSorted(values, q));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('with --records none, streamed percentiles are within the stated relative error of the order statistics at their rank', () => {
    const outC = join(tmp, 'c');
    expect(wafersim(['run', 'scenarios/codex-spark.yaml', '--out', outC, '--records', 'none', ...SMALL]).code).toBe(0);
    expect(readFileSync(join(outC, 'requests.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
    const requests = measured(readCsv(join(outA, 'requests.csv')));
    const exact = readCsv(join(outA, 'summary.csv'));
    const streamed = readCsv(join(outC, 'summary.csv'));
    expect(streamed.map((r) => r.metric)).toEqual(exact.map((r) => r.metric));
    let checked = 0;
    for (const [i, e] of exact.entries()) {
      if (!e.metric.endsWith('_ms') || Number(e.count) === 0) continue;
      const values = Float64Array.from(requests.filter((r) => r.system === e.system && r.class === e.class && r[e.metric] !== '').map((r) => Number(r[e.metric]))).sort();
      for (const [q, col] of [[0.5, 'p50'], [0.9, 'p90'], [0.99, 'p99']] as const) {
        // Within ±α of a sample between the two order statistics around rank q(n − 1).
        const rank = q * (values.length - 1);
        const lo = values[Math.floor(rank)] * (1 - RELATIVE_ERROR);
        const hi = values[Math.ceil(rank)] * (1 + RELATIVE_ERROR);
        const v = Number(streamed[i][col]);
        expect(v >= lo - 1e-9 && v <= hi + 1e-9, `${e.system} ${e.class} ${e.metric} ${col}: ${v} not in [${lo}, ${hi}]`).toBe(true);
        checked++;
      }
      expect(Number(streamed[i].mean)).toBeCloseTo(Number(e.mean), 6);
    }
    expect(checked).toBeGreaterThanOrEqual(36);
  });

  it('accounts for every request: completed, rejected or unfinished, inside or outside the window', () => {
    const requests = readCsv(join(outA, 'requests.csv'));
    const summary = readCsv(join(outA, 'summary.csv'));
    for (const system of new Set(requests.map((r) => r.system))) {
      const value = (cls: string, metric: string) => Number(summary.find((s) => s.system === system && s.class === cls && s.metric === metric)?.mean ?? NaN);
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
      const value = (cls: string, metric: string) => Number(summary.find((x) => x.system === system && x.class === cls && x.metric === metric)?.mean ?? 0);
      const inWindow = ['interactive', 'background'].reduce((n, cls) => n + value(cls, 'gave_up'), 0);
      expect(inWindow + value('all', 'outside_window_gave_up')).toBe(requests.filter((q) => q.system === system && q.outcome === 'gave_up').length);
    }
  });

  it('gives 95% confidence intervals across repeats', () => {
    const out = join(tmp, 'repeat');
    expect(wafersim(['run', 'scenarios/codex-spark.yaml', '--out', out, '--records', 'none', ...SMALL, '--set', 'repeat=3']).code).toBe(0);
    const rows = readCsv(join(out, 'summary.csv'));
    const ttft = rows.filter((r) => r.metric === 'ttft_ms');
    expect(ttft.length).toBe(4);
    for (const r of ttft) {
      expect(Number(r.ci95)).toBeGreaterThan(0);
      expect(Number(r.ci95)).toBeLessThan(Number(r.mean));
    }
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

  it('records the resolved scenario, seed and version in run.json', () => {
    const run = JSON.parse(readFileSync(join(outA, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ seed: 2026, records: 'all' });
    expect(run.scenarioAsRun.durationMinutes).toBe(4);
    expect(run.fingerprints).toHaveLength(2);
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

