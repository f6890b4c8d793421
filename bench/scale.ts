/** Large runs for the benchmarks: a 1 M-request open-loop run with no per-request records. */
import { loadHardware, loadLlm } from '../src/io/models.js';
import { DEFAULT_NETWORK, TRANSPORTS } from '../src/client/index.js';
import { DEFAULT_ENGINE } from '../src/serving/index.js';
import { runScenario, type ResolvedScenario } from '../src/study/run.js';
import { OPEN_LOOP_DEFAULTS } from '../src/workload/index.js';
import { newTraceStats, readAzure } from '../src/io/traces.js';
import { packageRoot } from '../src/io/package.js';
import { join } from 'node:path';

/** `requests` short coding requests (Azure-code-like) at 250/s on 32 H100s serving Llama 3.1 8B. */
export function openLoopScenario(requests: number): ResolvedScenario {
  const rate = 250;
  return {
    name: 'bench-open-loop',
    description: '',
    seed: 1,
    durationSeconds: requests / rate,
    drainSeconds: 60,
    repeat: 1,
    systems: [{
      name: 'h100',
      pools: [{ name: 'gpus', llm: loadLlm('llama-3.1-8b'), hardware: loadHardware('h100-sxm'), deployment: { count: 1, tp: 1, pp: 1 }, replicas: 32, router: 'least-outstanding', engine: DEFAULT_ENGINE }],
      transport: TRANSPORTS.http2,
      network: DEFAULT_NETWORK,
    }],
    sources: [{ ...OPEN_LOOP_DEFAULTS, rate: { kind: 'constant', perSecond: rate } }],
    slo: {},
  };
}

export async function runOpenLoop(requests: number) {
  const result = await runScenario(openLoopScenario(requests), { records: 'none' });
  const s = result.summaries[0];
  return { requests: s.requests + s.rejected, overloaded: s.overload.some((o) => o.overloaded) };
}

/** The Azure conversation trace (19,366 requests, one hour) on one Llama 3.1 8B H100 replica, parsing included. */
export async function replayAzureConversation() {
  const file = join(packageRoot(), 'data/traces/azure2023_conv.csv');
  const stats = newTraceStats();
  const scenario: ResolvedScenario = {
    name: 'bench-azure-conv',
    description: '',
    seed: 1,
    durationSeconds: 3600,
    drainSeconds: 300,
    repeat: 1,
    systems: [{
      name: 'h100',
      pools: [{ name: 'gpu', llm: loadLlm('llama-3.1-8b'), hardware: loadHardware('h100-sxm'), deployment: { count: 1, tp: 1, pp: 1 }, replicas: 1, router: 'round-robin', engine: DEFAULT_ENGINE }],
      transport: TRANSPORTS.http2,
      network: DEFAULT_NETWORK,
    }],
    sources: [],
    trace: { kind: 'arrivals', cls: 'interactive', timeScale: 1, rateScale: 1, concurrency: 1, blockTokens: 512, arrivals: () => readAzure(file, 'azure2023_conv.csv', { skipBad: false }, stats) },
    slo: {},
  };
  const result = await runScenario(scenario, { records: 'none' });
  const s = result.summaries[0];
  return { rows: stats.rows, completed: s.requests, overloaded: s.overload.some((o) => o.overloaded) };
}
