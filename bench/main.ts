/**
 * Benchmarks: `npm run bench` prints a table, `npm run bench -- --json` the same rows as JSON
 * (`--only=kernel,azure,...` picks some). Each row with a baseline measured it in this process,
 * because these machines are noisy and only ratios travel; beside each row, for information, the
 * value in the last committed bench JSON (bench/last.json), so a slowdown shows. To update it:
 * `npm run bench -- --json > bench/last.json` and commit.
 */
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelChild, kernelRows } from './kernel.js';
import { replayAzureConversation } from './scale.js';
import { inChild, runChild } from './heavy.js';
import { routingRows } from './routing.js';
import { recordRows } from './records.js';
import { traceRows } from './traces.js';
import { prefixRows } from './prefix.js';
import { withRatio, type Row } from './rows.js';

async function azureRows(): Promise<Row[]> {
  await replayAzureConversation(true); // warm up the JIT and the file cache
  let coalesced = Infinity;
  let single = Infinity;
  let requests = 0;
  for (let i = 0; i < 3; i++) {
    for (const c of [true, false]) {
      const t0 = performance.now();
      const r = await replayAzureConversation(c);
      const seconds = (performance.now() - t0) / 1000;
      if (c) coalesced = Math.min(coalesced, seconds);
      else single = Math.min(single, seconds);
      requests = r.rows;
    }
  }
  return [
    { name: `Azure conv trace replay (${requests} requests, 8 x H100), incl. parsing, warm`, value: coalesced, unit: 's', baseline: { name: 'the same replay single-stepped', value: single }, higherIsBetter: false, goal: '<= 0.3 s' },
  ];
}

/**
 * Runs of each heavy benchmark: its row reports the fastest (on a shared machine, other load only
 * adds time) and lists every run beside it; peak memory is the largest of the runs'.
 */
const HEAVY_RUNS = 3;

function heavyRows(name: 'million' | 'fleet-hour'): Row[] {
  const results = Array.from({ length: HEAVY_RUNS }, () => inChild(name));
  const runs = results.map((r) => r.seconds);
  const seconds = Math.min(...runs);
  const requests = results[0].requests;
  const label = name === 'million' ? `1 M requests, one pool of 32 H100s (${requests} requests)` : `1,000 H100 replicas, 280 req/s, a simulated hour (${requests} requests)`;
  return [
    { name: `${label}: wall time, fastest of ${HEAVY_RUNS}`, value: seconds, unit: 's', higherIsBetter: false, goal: name === 'million' ? '<= 8 s' : '<= 5 s', runs },
    { name: `${label}: peak resident memory`, value: Math.max(...results.map((r) => r.peakMB)), unit: 'MB', higherIsBetter: false, goal: name === 'million' ? '< 300 MB' : '< 1 GB' },
  ];
}

/** The fleet for a simulated day, once (~100 s: its length evens out the machine's moments); its peak against the hour's in the same command (flat memory). */
function dayRows(): Row[] {
  const hour = inChild('fleet-hour');
  const day = inChild('fleet-day');
  return [
    { name: `1,000 H100 replicas, 280 req/s, a simulated day (${day.requests} requests): wall time`, value: day.seconds, unit: 's', higherIsBetter: false, goal: '<= 120 s' },
    { name: 'the day: peak resident memory', value: day.peakMB, unit: 'MB', baseline: { name: 'the hour', value: hour.peakMB }, higherIsBetter: false, goal: 'flat' },
  ];
}

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function timeCommand(args: string[], repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`bench: ${args.join(' ')} exited ${r.status}`);
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function startupRows(): Row[] {
  const help = timeCommand([CLI, '--help'], 9);
  const bare = timeCommand(['-e', '0'], 9);
  return [{ name: 'wafersim --help start-up (median of 9)', value: help * 1000, unit: 'ms', baseline: { name: 'node -e 0', value: bare * 1000 }, higherIsBetter: false }];
}

function sweepRows(): Row[] {
  // 100 points of a small interactive study: the same points on 1 and on 2 worker processes.
  const dir = mkdtempSync(join(tmpdir(), 'wafersim-bench-sweep-'));
  const scenario = join(dir, 'sweep.yaml');
  writeFileSync(scenario, `name: bench-sweep
durationMinutes: 240
systems:
  - name: gpu
    pools: [{ name: p, hardware: h100-sxm, model: llama-3.1-8b, count: 1, replicas: 1 }]
workload:
  interactive: { developers: 100, sessionGapSeconds: { kind: exponential, mean: 60 } }
sweep:
  axes:
    - path: workload.interactive.developers
      range: { from: 100, to: 199, step: 1 }
`);
  const run = (workers: number) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'sweep', scenario, '--out', join(dir, `w${workers}`), '--workers', String(workers), '--progress=false'], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('bench: sweep failed');
    return (performance.now() - t0) / 1000;
  };
  const one = run(1);
  const two = run(2);
  rmSync(dir, { recursive: true, force: true });
  return [{ name: '100-point sweep, 2 worker processes', value: two, unit: 's', baseline: { name: '1 worker process', value: one }, higherIsBetter: false, goal: '>= 1.7x' }];
}

export const benchmarks: { name: string; run: () => Row[] | Promise<Row[]> }[] = [
  { name: 'kernel', run: kernelRows },
  { name: 'traces', run: traceRows },
  { name: 'azure', run: azureRows },
  { name: 'million', run: () => heavyRows('million') },
  { name: 'routing', run: routingRows },
  { name: 'prefix', run: prefixRows },
  { name: 'fleet', run: () => heavyRows('fleet-hour') },
  { name: 'day', run: dayRows },
  { name: 'records', run: recordRows },
  { name: 'sweep', run: sweepRows },
  { name: 'startup', run: startupRows },
];

const LAST = fileURLToPath(new URL('../../bench/last.json', import.meta.url));

function lastValues(): Map<string, number> {
  if (!existsSync(LAST)) return new Map();
  const rows = JSON.parse(readFileSync(LAST, 'utf8')) as Row[];
  return new Map(rows.map((r) => [r.name, r.value]));
}

function format(x: number | undefined): string {
  if (x === undefined) return '';
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3);
}

function print(row: Row): void {
  const ratio = row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x vs ${row.baseline!.name} (${format(row.baseline!.value)})`;
  const runs = row.runs ? `runs ${row.runs.map(format).join(', ')}` : '';
  console.log(`${row.name.padEnd(86)} ${format(row.value).padStart(12)} ${row.unit.padEnd(9)} ${(row.goal ?? '').padEnd(9)} last ${format(row.last).padStart(10)}  ${ratio}${runs}`);
}

async function main(): Promise<void> {
  const child = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
  if (child?.startsWith('kernel-')) return kernelChild(child.slice('kernel-'.length));
  if (child) return runChild(child);
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const unknown = only?.filter((o) => !benchmarks.some((b) => b.name === o)) ?? [];
  if (unknown.length > 0) {
    console.error(`bench: --only: unknown benchmark ${unknown.join(', ')}; expected some of ${benchmarks.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const last = lastValues();
  const results: Row[] = [];
  for (const b of benchmarks) {
    if (only && !only.includes(b.name)) continue;
    for (const row of await b.run()) {
      const full = { ...withRatio(row), last: last.get(row.name) };
      results.push(full);
      if (!json) print(full);
    }
  }
  if (json) console.log(JSON.stringify(results, null, 2));
}

await main();
