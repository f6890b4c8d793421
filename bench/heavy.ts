/**
 * Benchmarks that need a process of their own (their peak memory is the process's): the main
 * bench runs `node bench/main.js --child=<name>` and reads one JSON line back.
 */
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runOpenLoop } from './scale.js';

export interface HeavyResult {
  seconds: number;
  requests: number;
  peakMB: number;
}

export const HEAVY: Record<string, () => Promise<{ requests: number; overloaded: boolean }>> = {
  // 1 M requests on one pool of 32 H100s (250 requests/s).
  million: () => runOpenLoop(1_000_000),
  // 1,000 H100s, 280 requests/s, a simulated hour (~1 M requests).
  'fleet-hour': () => runOpenLoop(280 * 3600, 1000, 280),
  // The same fleet for a simulated day (~24 M requests): run, not extrapolated.
  'fleet-day': () => runOpenLoop(280 * 86_400, 1000, 280),
};

/** In the child: run one heavy benchmark and print its result. */
export async function runChild(name: string): Promise<void> {
  const t0 = performance.now();
  const r = await HEAVY[name]();
  const seconds = (performance.now() - t0) / 1000;
  if (r.overloaded) throw new Error(`bench ${name}: overloaded; the benchmark would measure a queue`);
  const result: HeavyResult = { seconds, requests: r.requests, peakMB: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(result));
}

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

export function inChild(name: string): HeavyResult {
  const r = spawnSync(process.execPath, [MAIN, `--child=${name}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as HeavyResult;
}
