import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/index.js';
import type { StepRecord } from '../../src/domain/request.js';
import { POLICY_NAMES } from '../../src/domain/kinds.js';
import { POLICIES } from '../../src/serving/index.js';
import { systemSchema } from '../../src/scenario/schema.js';
import { gpu, llm } from '../support/models.js';
import { recorder, replicaOf, request } from '../support/serving.js';

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

  it('an unknown policy name is a schema error', () => {
    const system = (policy: string) => ({ name: 's', pools: [{ name: 'p', model: 'llama-3.1-8b', hardware: 'h100-sxm', serving: { policy } }] });
    expect(systemSchema.safeParse(system('prefill-first')).success).toBe(true);
    const parsed = systemSchema.safeParse(system('shortest-first'));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['pools.0.serving.policy']);
  });
});
