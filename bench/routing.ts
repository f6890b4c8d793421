/** Routing cost at fleet scale: one least-outstanding pick among 1,000 replicas, per request. */
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/kernel/index.js';
import { loadHardware, loadLlm } from '../src/io/models.js';
import { perfModel } from '../src/perf/index.js';
import { DEFAULT_ENGINE, Replica, makeRouter } from '../src/serving/index.js';
import type { LlmRequest } from '../src/domain/request.js';
import type { Row } from './rows.js';

const REPLICAS = 1000;
const PICKS = 200_000;

export function routingRows(): Row[] {
  const sim = new Simulation();
  const llm = loadLlm('llama-3.1-8b');
  const perf = perfModel(llm, loadHardware('h100-sxm'), { count: 1, tp: 1, pp: 1 });
  const replicas = Array.from({ length: REPLICAS }, (_, i) => new Replica(`r${i}`, sim, perf, DEFAULT_ENGINE, llm.contextTokens));
  const route = makeRouter('least-outstanding', replicas);
  const req: LlmRequest = { id: 0, sessionId: -1, cls: 'interactive', inputTokens: 100, outputTokens: 10, reasoningTokens: 0, segments: [] };
  let sink = 0;
  for (let i = 0; i < PICKS / 10; i++) sink += route(req).outstanding; // warm up
  const t0 = performance.now();
  for (let i = 0; i < PICKS; i++) sink += route(req).outstanding;
  const seconds = (performance.now() - t0) / 1000;
  if (sink !== 0) throw new Error('bench: idle replicas should have nothing outstanding');
  return [{ name: `routing at ${REPLICAS} replicas (least-outstanding pick, idle fleet)`, value: (seconds / PICKS) * 1e6, unit: 'us/req', higherIsBetter: false, goal: '<= 2 us' }];
}
