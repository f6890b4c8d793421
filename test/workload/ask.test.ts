/** ask(): a rejected request is not an answer; a timed-out one is retried, then given up. */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/index.js';
import type { RequestListener, SessionChannel } from '../../src/domain/request.js';
import { ask } from '../../src/workload/conversation.js';
import { request } from '../support/serving.js';

/** A channel whose server answers each request after `seconds` with `outcome` ('never': silence). */
function channel(sim: Simulation, outcome: 'complete' | 'reject' | 'never', seconds = 1): SessionChannel & { sent: number[]; gaveUp: number[] } {
  const sent: number[] = [];
  const gaveUp: number[] = [];
  return {
    sent,
    gaveUp,
    startupSeconds: 0,
    send(req, _newTokens, listener: RequestListener) {
      sent.push(req.id);
      if (outcome === 'complete') sim.schedule(seconds, () => listener.onComplete());
      if (outcome === 'reject') sim.schedule(seconds, () => listener.onReject?.('exceeds_kv_capacity'));
    },
    giveUp: (req) => void gaveUp.push(req.id),
  };
}

function outcomeOf(sim: Simulation, signal: ReturnType<typeof ask>): { value?: boolean; at?: number } {
  const seen: { value?: boolean; at?: number } = {};
  signal.onFire(sim, (v) => Object.assign(seen, { value: v, at: sim.now }));
  sim.run();
  return seen;
}

describe('ask()', () => {
  it('an answered request resolves true', () => {
    const sim = new Simulation();
    expect(outcomeOf(sim, ask(sim, channel(sim, 'complete'), request(10, 5), 10))).toEqual({ value: true, at: 1 });
  });

  it('a rejected request resolves false, not answered', () => {
    const sim = new Simulation();
    expect(outcomeOf(sim, ask(sim, channel(sim, 'reject'), request(10, 5), 10))).toEqual({ value: false, at: 1 });
  });

  it('with a 2 s timeout and 1 retry, a silent server gets two sends, two give-ups, and false at 4 s', () => {
    const sim = new Simulation();
    const ch = channel(sim, 'never');
    let id = 100;
    const result = outcomeOf(sim, ask(sim, ch, request(10, 5), 10, { timeoutSeconds: 2, retries: 1 }, () => id++));
    expect(result).toEqual({ value: false, at: 4 });
    expect(ch.sent.length).toBe(2);
    expect(ch.sent[1]).toBe(100); // the retry is a new request id
    expect(ch.gaveUp).toEqual(ch.sent);
  });
});
