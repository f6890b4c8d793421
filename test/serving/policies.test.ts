import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/index.js';
import type { StepRecord } from '../../src/domain/request.js';
import { POLICY_NAMES } from '../../src/domain/kinds.js';
import type { BatchShape } from '../../src/domain/batch.js';
import type { LlmRequest } from '../../src/domain/request.js';
import { perfModel, type PerfModel } from '../../src/perf/index.js';
import { DEFAULT_ENGINE, POLICIES, Replica, type EngineConfig } from '../../src/serving/index.js';
import { systemSchema } from '../../src/scenario/schema.js';
import { gpu, llm } from '../support/models.js';
import { recorder, replicaOf, request } from '../support/serving.js';

/** Every batch shape a replica asks its perf model to price (one call per step: no coalescing). */
function shapes(engine: Partial<EngineConfig>, arrivals: [number, LlmRequest][]): BatchShape[] {
  const sim = new Simulation();
  const seen: BatchShape[] = [];
  const base = perfModel(llm('llama-3.1-8b'), gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 });
  const perf: PerfModel = { fit: base.fit, step: (shape) => (seen.push({ ...shape }), base.step(shape)) };
  const replica = new Replica('r', sim, perf, { ...DEFAULT_ENGINE, coalesceSteps: false, ...engine }, 1e6);
  for (const [t, req] of arrivals) sim.schedule(t, () => replica.submit(req, { onComplete: () => {} }));
  sim.run();
  return seen;
}

/** The (decode sequences, prefill tokens) of every step a replica runs for two requests. */
function steps(policy: 'decode-first' | 'prefill-first'): [number, number][] {
  const sim = new Simulation();
  const seen: [number, number][] = [];
  const observer = { onStep: (s: StepRecord) => void seen.push([s.decodeSeqs, s.prefillTokens]) };
  const replica = replicaOf(sim, llm('llama-3.1-8b'), gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 }, observer, { policy, maxBatchTokens: 4, coalesceSteps: false });
  replica.submit(request(4, 3), { onComplete: () => {} });
  // B arrives while A's prefill step runs; the next step has A decoding and B's 6-token prompt waiting.
  sim.schedule(1e-9, () => replica.submit(request(6, 1), { onComplete: () => {} }));
  sim.run();
  return seen;
}

describe('batching policies', () => {
  it('every policy name has a policy (the registry is keyed by the name list)', () => {
    expect(Object.keys(POLICIES).sort()).toEqual([...POLICY_NAMES].sort());
  });

  it('decode-first and prefill-first order a 4-token budget as worked by hand', () => {
    // A: prompt 4, output 3. B: prompt 6, output 1, arrives during A's prefill step.
    // decode-first: [A prefill 4] → [A decode, B chunk 3] → [A decode, B chunk 3: B's token] → A done (3 tokens).
    expect(steps('decode-first')).toEqual([[0, 4], [1, 3], [1, 3]]);
    // prefill-first: [A prefill 4] → [B chunk 4] (no budget left for A) → [B chunk 2, A decode] → [A decode].
    expect(steps('prefill-first')).toEqual([[0, 4], [0, 4], [1, 2], [1, 0]]);
  });

  it.each(['decode-first', 'prefill-first'] as const)('%s: an interactive prompt goes before a background prompt already being chunked', (policy) => {
    // Budget 4. Background A: prompt 12, 1 token. Interactive B: prompt 2, 1 token, arrives during A's first chunk.
    // Step 1: [A 4]. Step 2: B's 2 tokens first (its first token), then A 2 more. Steps 3–4: A 4, A 2 → A's token.
    // First come, first served would give A the whole budget until step 3 and B its token at step 4.
    const sim = new Simulation();
    const rec = recorder();
    const replica = replicaOf(sim, llm('llama-3.1-8b'), gpu('h100-sxm'), { count: 1, tp: 1, pp: 1 }, rec, { policy, maxBatchTokens: 4, coalesceSteps: false });
    const a = request(12, 1, { cls: 'background' });
    const b = request(2, 1);
    replica.submit(a, { onComplete: () => {} });
    sim.schedule(1e-9, () => replica.submit(b, { onComplete: () => {} }));
    sim.run();
    expect(rec.lives.get(b.id)!.first).toBeLessThan(rec.lives.get(a.id)!.first!);
    expect(rec.steps.length).toBe(4);
  });

  it('prices the batch shape worked by hand (contexts, chunks, attention pairs)', () => {
    // A: prompt 4, output 3; B: prompt 6, output 1, arrives during A's prefill; budget 4, decode-first.
    // Pairs of a chunk of c tokens after d done: c·d + c(c + 1)/2.
    const none = { decodeSeqs: 0, decodeContextSum: 0, prefillSeqs: 0, prefillTokens: 0, prefillContextSum: 0, prefillAttentionPairs: 0 };
    expect(shapes({ maxBatchTokens: 4 }, [[0, request(4, 3)], [1e-9, request(6, 1)]])).toEqual([
      { ...none, prefillSeqs: 1, prefillTokens: 4, prefillAttentionPairs: 10 }, // A: 4·0 + 4·5/2
      { ...none, decodeSeqs: 1, decodeContextSum: 5, prefillSeqs: 1, prefillTokens: 3, prefillAttentionPairs: 6 }, // A at 4 + 1; B: 3·0 + 3·4/2
      { ...none, decodeSeqs: 1, decodeContextSum: 6, prefillSeqs: 1, prefillTokens: 3, prefillContextSum: 3, prefillAttentionPairs: 15 }, // A at 4 + 2; B: 3·3 + 6
    ]);
  });

  it('never puts more sequences in a step than maxSeqs', () => {
    // maxSeqs 1, two requests at once (prompt 2, output 2): A prefill, A decode, then B prefill, B decode.
    const steps = shapes({ maxSeqs: 1 }, [[0, request(2, 2)], [0, request(2, 2)]]);
    expect(steps.map((s) => [s.decodeSeqs, s.prefillTokens])).toEqual([[0, 2], [1, 0], [0, 2], [1, 0]]);
  });

  it('an unknown policy name is a schema error', () => {
    const system = (policy: string) => ({ name: 's', pools: [{ name: 'p', model: 'llama-3.1-8b', hardware: 'h100-sxm', serving: { policy } }] });
    expect(systemSchema.safeParse(system('prefill-first')).success).toBe(true);
    const parsed = systemSchema.safeParse(system('shortest-first'));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['pools.0.serving.policy']);
  });
});
