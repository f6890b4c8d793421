/** Small drivers for serving tests: requests straight into replicas, no client or workload layers. */
import { Simulation } from '../../src/kernel/index.js';
import type { LlmRequest, SimObserver } from '../../src/domain/request.js';
import type { Deployment, HardwareSpec, LlmSpec } from '../../src/domain/specs.js';
import { perfModel } from '../../src/perf/index.js';
import { DEFAULT_ENGINE, Replica, type EngineConfig } from '../../src/serving/index.js';

export interface Life {
  req: LlmRequest;
  arrive: number;
  admit?: number;
  cached?: number;
  first?: number;
  done?: number;
  rejected?: string;
  preemptions: number;
}

/** An observer that keeps every request's life, by id. */
export function recorder(): SimObserver & { lives: Map<number, Life>; steps: number[] } {
  const lives = new Map<number, Life>();
  const steps: number[] = [];
  return {
    lives,
    steps,
    onArrive: (r, _rep, t) => void lives.set(r.id, { req: r, arrive: t, preemptions: 0 }),
    onAdmit: (r, _rep, t, cached) => {
      const l = lives.get(r.id)!;
      if (l.admit === undefined) {
        l.admit = t;
        l.cached = cached;
      }
    },
    onFirstToken: (r, t) => void (lives.get(r.id)!.first = t),
    onComplete: (r, t) => void (lives.get(r.id)!.done = t),
    onReject: (r, _t, reason) => void (lives.get(r.id)!.rejected = reason),
    onPreempt: (r) => void lives.get(r.id)!.preemptions++,
    onStep: (s) => void steps.push(s.kvUsed),
  };
}

export function replicaOf(sim: Simulation, llm: LlmSpec, hw: HardwareSpec, d: Deployment, observer: SimObserver = {}, engine: Partial<EngineConfig> = {}) {
  return new Replica('r0', sim, perfModel(llm, hw, d), { ...DEFAULT_ENGINE, ...engine }, llm.contextTokens, observer);
}

let nextId = 0;
export function request(input: number, output: number, extra: Partial<LlmRequest> = {}): LlmRequest {
  return { id: nextId++, sessionId: -1, cls: 'interactive', inputTokens: input, outputTokens: output, reasoningTokens: 0, segments: [], ...extra };
}

/** N clients, each sending its next request when the previous completes, until `until`. */
export function closedLoop(sim: Simulation, replica: Replica, clients: number, make: () => LlmRequest, until: number): void {
  const send = (): void => {
    if (sim.now >= until) return;
    replica.submit(make(), { onComplete: send, onReject: send });
  };
  for (let i = 0; i < clients; i++) sim.schedule(0, send);
}
