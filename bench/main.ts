/**
 * Benchmarks: `npm run bench` prints a table, `npm run bench -- --json` a JSON array of
 * { name, value, unit }. Each figure that has an anchor is measured beside it in this process,
 * because these machines are noisy and only ratios travel.
 */
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/kernel/index.js';
import { exponential, stream } from '../src/random/index.js';
import { runQueue } from './queueing.js';
import { ObjectHeapSimulation } from './object-heap.js';
import { replayAzureConversation, runOpenLoop } from './scale.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measure {
  name: string;
  value: number;
  unit: string;
}

const MM1_CUSTOMERS = 2_500_000; // 5 M events

function best<T>(repeats: number, fn: () => T): { seconds: number; result: T } {
  let seconds = Infinity;
  let result!: T;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    result = fn();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

function mm1(sim: { schedule(d: number, h: () => void): unknown; run(): number; now: number }): number {
  // The same M/M/1 (ρ = 0.9) on any event loop with schedule/run/now.
  const arrivals = stream(1, 'bench', 'arrivals');
  const services = stream(1, 'bench', 'service');
  const interarrival = exponential(1 / 0.9);
  const service = exponential(1);
  let queue = 0;
  let busy = false;
  let arrived = 0;
  const depart = (): void => {
    if (queue > 0) {
      queue--;
      sim.schedule(service(services), depart);
    } else busy = false;
  };
  const arrive = (): void => {
    arrived++;
    if (busy) queue++;
    else {
      busy = true;
      sim.schedule(service(services), depart);
    }
    if (arrived < MM1_CUSTOMERS) sim.schedule(interarrival(arrivals), arrive);
  };
  sim.schedule(interarrival(arrivals), arrive);
  return sim.run();
}

function kernelBench(): Measure[] {
  mm1(new Simulation()); // warm up the JIT
  const kernel = best(3, () => mm1(new Simulation()));
  const objects = best(3, () => mm1(new ObjectHeapSimulation()));
  const rate = kernel.result / kernel.seconds;
  const objectRate = objects.result / objects.seconds;
  // Sanity: the shared queue model runs through the kernel the same number of events.
  const check = runQueue({
    customers: 1000, servers: 1, interarrival: exponential(1 / 0.9), service: exponential(1),
    arrivalRng: stream(1, 'a'), serviceRng: stream(1, 's'),
  });
  if (check.events !== 2000) throw new Error('bench: queue model lost events');
  return [
    { name: 'kernel M/M/1 events', value: kernel.result, unit: 'events' },
    { name: 'kernel M/M/1 throughput', value: rate, unit: 'events/s' },
    { name: 'kernel M/M/1 time per event', value: 1e9 / rate, unit: 'ns/event' },
    { name: 'baseline object-heap M/M/1 throughput', value: objectRate, unit: 'events/s' },
    { name: 'kernel vs object-heap speed-up', value: rate / objectRate, unit: 'x' },
  ];
}

async function millionRequests(): Promise<Measure[]> {
  const t0 = performance.now();
  const r = await runOpenLoop(1_000_000);
  const seconds = (performance.now() - t0) / 1000;
  if (r.overloaded) throw new Error('bench: the 1M-request fleet is overloaded; the benchmark would measure a queue');
  return [
    { name: '1M-request open-loop run: requests', value: r.requests, unit: 'requests' },
    { name: '1M-request open-loop run: wall time (target <= 15 s)', value: seconds, unit: 's' },
    { name: '1M-request open-loop run: simulated requests/s', value: r.requests / seconds, unit: 'requests/s' },
    { name: '1M-request open-loop run: peak resident memory (target < 1 GB)', value: process.resourceUsage().maxRSS / 1024, unit: 'MB' },
  ];
}

async function azureReplay(): Promise<Measure[]> {
  await replayAzureConversation(); // warm up the JIT and the file cache
  let best = Infinity;
  let r = { rows: 0, completed: 0, overloaded: false };
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    r = await replayAzureConversation();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return [
    { name: 'Azure conv trace replay (1 x H100, 8B): requests', value: r.rows, unit: 'requests' },
    { name: 'Azure conv trace replay: wall time incl. parsing (target <= 0.3 s)', value: best, unit: 's' },
    { name: 'Azure conv trace replay: vs Vidur\'s ~20 s (published, not run here)', value: 20 / best, unit: 'x faster' },
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

function startup(): Measure[] {
  const help = timeCommand([CLI, '--help'], 9);
  const bare = timeCommand(['-e', '0'], 9);
  return [
    { name: 'wafersim --help start-up (median of 9)', value: help * 1000, unit: 'ms' },
    { name: 'node -e 0 start-up, same machine (anchor)', value: bare * 1000, unit: 'ms' },
  ];
}

function sweepScaling(): Measure[] {
  // 100 points of a small interactive study: same points on 1 and on 2 worker threads.
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
    const out = join(dir, `w${workers}`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'sweep', scenario, '--out', out, '--workers', String(workers), '--progress=false'], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('bench: sweep failed');
    return (performance.now() - t0) / 1000;
  };
  const one = run(1);
  const two = run(2);
  rmSync(dir, { recursive: true, force: true });
  return [
    { name: '100-point sweep, 1 worker', value: one, unit: 's' },
    { name: '100-point sweep, 2 workers', value: two, unit: 's' },
    { name: '100-point sweep speed-up, 2 vs 1 workers (target >= 1.7)', value: one / two, unit: 'x' },
  ];
}

export const benchmarks: { name: string; run: () => Measure[] | Promise<Measure[]> }[] = [
  { name: 'kernel', run: kernelBench },
  { name: 'azure', run: azureReplay },
  { name: 'million', run: millionRequests },
  { name: 'sweep', run: sweepScaling },
  { name: 'startup', run: startup },
];

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const results: Measure[] = [];
  for (const b of benchmarks) {
    if (only && !only.split(',').includes(b.name)) continue;
    const measures = await b.run();
    results.push(...measures);
    if (!json) for (const m of measures) console.log(`${m.name.padEnd(48)} ${format(m.value).padStart(14)} ${m.unit}`);
  }
  results.push({ name: 'peak resident memory', value: process.resourceUsage().maxRSS / 1024, unit: 'MB' });
  if (json) console.log(JSON.stringify(results, null, 2));
  else console.log(`${'peak resident memory'.padEnd(48)} ${format(results.at(-1)!.value).padStart(14)} MB`);
}

function format(x: number): string {
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(4);
}

await main();
