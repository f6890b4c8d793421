/** Large runs for the benchmarks: trace replay, a 1 M-request pool, a 1,000-replica fleet. */
import { loadHardware, loadLlm } from '../src/io/models.js';
import { DEFAULT_NETWORK, TRANSPORTS } from '../src/client/index.js';
import { DEFAULT_ENGINE, type RouterKind } from '../src/serving/index.js';
import { runScenario, type ResolvedScenario } from '../src/study/run.js';
import { OPEN_LOOP_DEFAULTS } from '../src/workload/index.js';
import { newTraceStats, readAzure } from '../src/io/traces.js';
import { packageRoot } from '../src/io/package.js';
import type { SystemSpec } from '../src/study/world.js';
import { join } from 'node:path';

/** Llama 3.1 8B on `replicas` single H100s. */
function h100s(replicas: number, router: RouterKind, coalesceSteps = true): SystemSpec {
  return {
    name: 'h100',
    pools: [{ name: 'gpus', llm: loadLlm('llama-3.1-8b'), hardware: loadHardware('h100-sxm'), deployment: { count: 1, tp: 1, pp: 1 }, replicas, router, engine: { ...DEFAULT_ENGINE, coalesceSteps } }],
    transport: TRANSPORTS.http2,
    network: DEFAULT_NETWORK,
  };
}

/** Open-loop Azure-code-like requests at `perSecond` on `replicas` H100s for `requests / perSecond` seconds. */
export function openLoopScenario(requests: number, replicas = 32, perSecond = 250): ResolvedScenario {
  return {
    name: 'bench-open-loop',
    description: '',
    seed: 1,
    durationSeconds: requests / perSecond,
    drainSeconds: 60,
    repeat: 1,
    systems: [h100s(replicas, 'least-outstanding')],
    sources: [{ ...OPEN_LOOP_DEFAULTS, rate: { kind: 'constant', perSecond } }],
    slo: {},
  };
}

export async function runOpenLoop(requests: number, replicas?: number, perSecond?: number) {
  const result = await runScenario(openLoopScenario(requests, replicas, perSecond), { records: 'none' });
  const s = result.summaries[0];
  return { requests: s.requests + s.rejected, overloaded: s.overload.some((o) => o.overloaded) };
}

/** The Azure conversation trace (19,366 requests, one hour) on 8 × H100 (Llama 3.1 8B), parsing included. */
export async function replayAzureConversation(coalesceSteps: boolean) {
  const file = join(packageRoot(), 'data/traces/azure2023_conv.csv');
  const stats = newTraceStats();
  const scenario: ResolvedScenario = {
    name: 'bench-azure-conv',
    description: '',
    seed: 1,
    durationSeconds: 3600,
    drainSeconds: 300,
    repeat: 1,
    systems: [h100s(8, 'least-outstanding', coalesceSteps)],
    sources: [],
    trace: { kind: 'arrivals', cls: 'interactive', timeScale: 1, rateScale: 1, concurrency: 1, blockTokens: 512, arrivals: () => readAzure(file, 'azure2023_conv.csv', { skipBad: false }, stats) },
    slo: {},
  };
  const result = await runScenario(scenario, { records: 'none' });
  const s = result.summaries[0];
  return { rows: stats.rows, completed: s.requests, overloaded: s.overload.some((o) => o.overloaded), fingerprint: result.fingerprints[0] };
}
