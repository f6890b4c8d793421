/** A request inside a replica: how far its prompt and output have got, and the KV it holds. */
import type { LlmRequest, RequestListener } from '../domain/request.js';
import { NO_MATCH, type PrefixMatch } from './kv-cache.js';

export class Sequence {
  /** Tokens that must be in KV before decoding continues (the prompt; after a recompute, + output so far). */
  prompt: number;
  /** Of those, tokens in KV (cached, reloaded or computed). */
  done = 0;
  generated = 0;
  /** Blocks this sequence owns (its tokens not covered by pinned cache segments). */
  ownBlocks = 0;
  /** Blocks held for the capped layers' KV (sliding window, chunked) while the sequence runs. */
  reserveBlocks = 0;
  /** Tokens covered by pinned cache segments. */
  pinnedTokens = 0;
  /** What the sequence's prompt matched in the prefix cache, pinned while it runs. */
  pinned: PrefixMatch = NO_MATCH;
  /** Not schedulable before this time (KV reload or swap-in in progress). */
  readyAt = 0;
  /** KV of this many own tokens waits in host memory after a swap-out. */
  swappedTokens = 0;
  /** Prefill tokens in the step being run (0: a decode token, or not in it). */
  chunk = 0;
  /** Fractional tokens owed by speculative decoding (accumulated, paid out whole). */
  credit = 0;
  running = false;
  inBatch = false;
  /** Own tokens when the replica's current decode run was planned (see DecodeRun). */
  runOwnTokens = 0;
  /** Own blocks then (planning a run's later steps must see what its first saw). */
  runOwnBlocks = 0;
  constructor(
    readonly req: LlmRequest,
    readonly listener: RequestListener,
    readonly priority: number,
    readonly order: number,
  ) {
    this.prompt = req.inputTokens;
  }
  /** Tokens of context: the prompt and everything generated. */
  get context(): number {
    return this.req.inputTokens + this.generated;
  }
  /**
   * KV tokens this sequence owns: prompt tokens done beyond the pinned prefix, plus tokens
   * generated since its prompt was last set (a recompute folds earlier output into the prompt).
   */
  get ownTokens(): number {
    const sincePrompt = this.generated - (this.prompt - this.req.inputTokens);
    return this.done - this.pinnedTokens + (this.done >= this.prompt ? sincePrompt : 0);
  }
}
