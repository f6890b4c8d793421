/** A service that answers every request after a fixed delay: for testing workloads alone. */
import type { Simulation } from '../../src/kernel/index.js';
import type { LlmRequest, SessionChannel, SessionTransport } from '../../src/domain/request.js';

export interface Sent {
  req: LlmRequest;
  newTokens: number;
  at: number;
}

export function instantService(sim: Simulation, delay = 0.001): SessionTransport & { sent: Sent[]; opened: number[] } {
  const sent: Sent[] = [];
  const opened: number[] = [];
  return {
    sent,
    opened,
    openSession(sessionId, _rng, ready) {
      opened.push(sessionId);
      const channel: SessionChannel = {
        startupSeconds: 0,
        send(req, newTokens, listener) {
          sent.push({ req, newTokens, at: sim.now });
          sim.schedule(delay, () => listener.onComplete());
        },
      };
      sim.schedule(0, () => ready(channel));
    },
  };
}
