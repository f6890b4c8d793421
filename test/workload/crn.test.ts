/** Common random numbers: a session draws the same prompts, think times and tool times whichever system serves it. */
import { describe, expect, it } from 'vitest';
import type { LlmRequest, SessionRecord } from '../../src/domain/request.js';
import { DEFAULT_NETWORK, TRANSPORTS } from '../../src/client/index.js';
import { DEFAULT_ENGINE } from '../../src/serving/index.js';
import { buildWorld, startSources } from '../../src/study/world.js';
import { AGENT_DEFAULTS, INTERACTIVE_DEFAULTS } from '../../src/workload/index.js';
import { gpu, llm, wafer } from '../support/models.js';

function run(hw: 'gpu' | 'wafer') {
  const sent: LlmRequest[] = [];
  const sessions: SessionRecord[] = [];
  const world = buildWorld({
    name: hw,
    pools: [hw === 'gpu'
      ? { name: 'p', llm: llm('llama-3.1-8b'), hardware: gpu('h100-sxm'), deployment: { count: 1, tp: 1, pp: 1 }, replicas: 2, router: 'least-outstanding', engine: DEFAULT_ENGINE }
      : { name: 'p', llm: llm('llama-3.1-8b'), hardware: wafer(), deployment: { count: 1, tp: 1, pp: 1 }, replicas: 1, router: 'least-outstanding', engine: DEFAULT_ENGINE }],
    transport: TRANSPORTS.websocket,
    network: DEFAULT_NETWORK,
  }, 11, 2 * 3600, { onSend: (r) => void sent.push(r), onSessionEnd: (s) => void sessions.push(s) });
  startSources(world, [{ ...INTERACTIVE_DEFAULTS, developers: 20, sessionGap: { kind: 'exponential', mean: 200 } }, { ...AGENT_DEFAULTS, concurrency: 3 }]);
  world.sim.run({ until: 2 * 3600 });
  return { sent, sessions };
}

describe('common random numbers', () => {
  it('gives each session the same requests, think and tool times on a GPU and on a wafer', () => {
    const a = run('gpu');
    const b = run('wafer');
    const key = (r: LlmRequest) => [r.id, r.inputTokens, r.outputTokens, r.segments.length];
    const byId = (xs: LlmRequest[]) => new Map(xs.map((r) => [r.id, key(r)]));
    const ma = byId(a.sent);
    const mb = byId(b.sent);
    const common = [...ma.keys()].filter((id) => mb.has(id));
    expect(common.length).toBeGreaterThan(100);
    for (const id of common) expect(mb.get(id)).toEqual(ma.get(id));
    // Sessions both runs finished: same turns, tokens and gaps (think and tool time), whatever the timing.
    const sa = new Map(a.sessions.map((s) => [s.id, s]));
    const both = b.sessions.filter((s) => sa.has(s.id) && s.kind === 'interactive');
    expect(both.length).toBeGreaterThan(10);
    for (const s of both) {
      const t = sa.get(s.id)!;
      expect([s.requests, s.inputTokens, s.outputTokens, s.gapSeconds]).toEqual([t.requests, t.inputTokens, t.outputTokens, t.gapSeconds]);
    }
  });
});
