/**
 * ITL percentiles are over every gap between tokens (as vLLM's), from the decode steps; a
 * request's own `itl` stays its mean gap. A case small enough to work out by hand, with a step
 * cost of 10 ms for a step with prefill and 2 ms + 1 ms per decoding sequence otherwise:
 *
 *   t = 0      A (10-token prompt, 4 tokens) arrives: step 1 prefills A        0 → 10 ms, A's token 1
 *   t = 5 ms   B (10-token prompt, 3 tokens) arrives and waits
 *   t = 10 ms  step 2: A decodes, B prefills                                  10 → 20 ms, A 2, B 1
 *   t = 20 ms  step 3: A and B decode                                         20 → 24 ms, A 3, B 2
 *   t = 24 ms  step 4: A and B decode                                         24 → 28 ms, A 4, B 3
 *
 * Gaps: A 10, 4, 4 ms; B 4, 4 ms: five gaps, mean 5.2 ms, median 4 ms, maximum 10 ms. Per
 * request: A's mean gap 18 / 3 = 6 ms, B's 8 / 2 = 4 ms (their mean, 5 ms, is not the gaps' mean).
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/index.js';
import { DEFAULT_ENGINE, Replica } from '../../src/serving/index.js';
import { perfModel, type PerfModel } from '../../src/perf/index.js';
import { MetricsRecorder, latencies, type RequestRecord } from '../../src/metrics/recorder.js';
import { RELATIVE_ERROR } from '../../src/metrics/quantiles.js';
import type { BatchShape } from '../../src/domain/batch.js';
import { gpu, llm } from '../support/models.js';
import { request } from '../support/serving.js';

const MS = 1e-3;

function run(coalesceSteps: boolean) {
  const model = llm('llama-3.1-8b');
  const real = perfModel(model, gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 });
  const seconds = (b: BatchShape) => (b.prefillTokens > 0 ? 10 * MS : (2 + b.decodeSeqs) * MS);
  const perf: PerfModel = { ...real, step: (b) => ({ ...real.step(b), seconds: seconds(b) }) };
  const sim = new Simulation();
  const records: RequestRecord[] = [];
  const rec = new MetricsRecorder('s', { exact: true, bucketSeconds: 10, slo: {}, window: { start: 0, end: 1 }, onRecord: (r) => void records.push({ ...r }) });
  const replica = new Replica('r0', sim, perf, { ...DEFAULT_ENGINE, coalesceSteps }, model.contextTokens, rec);
  const leg = { rttSeconds: 0, connectSeconds: 0, uploadSeconds: 0, frontendSeconds: 0 };
  const send = (at: number, output: number) => {
    const req = request(10, output, { segments: [] });
    sim.at(at, () => {
      rec.onSend(req, sim.now, leg);
      replica.submit(req, { onFirstToken: () => rec.onClientFirstToken(req, sim.now), onComplete: () => rec.onClientComplete(req, sim.now) });
    });
  };
  send(0, 4);
  send(5 * MS, 3);
  sim.run();
  rec.finishRun(sim.now);
  return { itl: rec.classes.get('interactive')!.metrics.itl, perRequest: records.map((r) => latencies(r).itl) };
}

describe('inter-token latency over every gap', () => {
  it.each([false, true])('coalesceSteps %s: the gaps worked out by hand', (coalesce) => {
    const { itl, perRequest } = run(coalesce);
    expect(itl.count).toBe(5);
    expect(itl.mean()).toBeCloseTo(5.2 * MS, 12);
    expect(itl.std()).toBeCloseTo(Math.sqrt((4 * 1.2 ** 2 + 4.8 ** 2) / 5) * MS, 12);
    const near = (x: number, expected: number) => expect(Math.abs(x / expected - 1)).toBeLessThanOrEqual(RELATIVE_ERROR);
    near(itl.quantile(0), 4 * MS);
    near(itl.quantile(0.5), 4 * MS);
    near(itl.quantile(0.75), 4 * MS);
    near(itl.quantile(0.99), 4 * MS); // rank 3.96 of 0–4: the histogram reports the order statistic below
    near(itl.quantile(1), 10 * MS);
    // Each request's own value is its mean gap.
    expect(perRequest[0]).toBeCloseTo(6 * MS, 12);
    expect(perRequest[1]).toBeCloseTo(4 * MS, 12);
  });
});
