/**
 * Disaggregated serving: a wrapper around two replica groups. Every request prefills on the
 * prefill group (which makes its first token); the prompt's KV then crosses a link to the decode
 * group, which makes the rest. The replicas know nothing of it beyond the request's `phase`,
 * which tells their observer which half it is (so each request is reported once).
 */
import type { Disaggregation } from '../domain/engine.js';
import type { Simulation } from '../kernel/index.js';
import type { LlmRequest, RequestListener } from '../domain/request.js';
import type { Router } from './router.js';

export type { Disaggregation };

/** Where a cluster sends a request once it knows the pool (a router, or this wrapper). */
export interface Entry {
  submit(req: LlmRequest, listener: RequestListener): void;
}

export class DisaggregatedEntry implements Entry {
  constructor(
    private readonly sim: Simulation,
    private readonly prefill: Router,
    private readonly decode: Router,
    private readonly link: Disaggregation,
  ) {}

  submit(req: LlmRequest, listener: RequestListener): void {
    // A one-token answer is all prefill: it never leaves the prefill group.
    if (req.outputTokens <= 1) return this.prefill.route(req).submit(req, listener);
    // The prefill half makes the first token only; it is the visible one when there is no reasoning.
    const prefillSide: LlmRequest = { ...req, outputTokens: 1, outputKey: undefined, phase: 'prefill' };
    const prefillReplica = this.prefill.route(prefillSide);
    // The listener's callbacks are called on it (a listener may be a class: its methods need their `this`).
    prefillReplica.submit(prefillSide, {
      onFirstToken: () => listener.onFirstToken?.(),
      onFirstVisibleToken: () => listener.onFirstVisibleToken?.(),
      onReject: (reason) => listener.onReject?.(reason),
      onComplete: () => {
        // Ship the prompt's KV (and the first token's) to a decode replica.
        const tokens = req.inputTokens + 1;
        const seconds = this.link.linkLatencySeconds + (tokens * prefillReplica.perf.fit.kvBytesPerToken) / this.link.linkBytesPerSecond;
        this.sim.schedule(seconds, () => this.submitDecode(req, tokens, listener));
      },
    });
  }

  private submitDecode(req: LlmRequest, tokens: number, listener: RequestListener): void {
    const decodeSide: LlmRequest = {
      ...req,
      inputTokens: tokens,
      outputTokens: req.outputTokens - 1,
      // Counted from the second token: −1 (no reasoning) means its visible token came from prefill.
      reasoningTokens: req.reasoningTokens - 1,
      segments: [],
      continues: undefined,
      kvReadyTokens: tokens,
      phase: 'decode',
    };
    this.decode.route(decodeSide).submit(decodeSide, {
      onFirstVisibleToken: () => listener.onFirstVisibleToken?.(),
      onComplete: () => listener.onComplete(),
      onReject: (reason) => listener.onReject?.(reason),
    });
  }
}
