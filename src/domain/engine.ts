/** A replica engine's settings (a pool's `serving` block) with their defaults, and how a system splits prefill from decode. */
import type { PolicyName } from './kinds.js';

/** What happens to cached prefixes no running sequence uses (serving/kv-cache.ts). */
export type Retention =
  | { kind: 'keep' }
  | { kind: 'ttl'; seconds: number }
  | { kind: 'offload'; hostBytes: number; bytesPerSecond: number };

export interface EngineConfig {
  /** Tokens per step (decode tokens + prefill chunk tokens). */
  maxBatchTokens: number;
  /** Sequences per step. */
  maxSeqs: number;
  policy: PolicyName;
  blockTokens: number;
  prefixCaching: boolean;
  retention: Retention;
  preemption: 'recompute' | 'swap';
  /** Interactive requests that cannot be admitted preempt running background ones. */
  preemptBackground: boolean;
  /** Host link for swapping preempted sequences' KV out and in. */
  swapBytesPerSecond: number;
  /**
   * Compute runs of unchanging decode steps in one event (DecodeRun). Results are identical
   * either way; false single-steps (the equivalence test runs every scenario both ways).
   */
  coalesceSteps: boolean;
}

export const DEFAULT_ENGINE: EngineConfig = {
  maxBatchTokens: 8192,
  maxSeqs: 256,
  policy: 'decode-first',
  blockTokens: 16,
  prefixCaching: true,
  retention: { kind: 'keep' },
  preemption: 'recompute',
  preemptBackground: false,
  swapBytesPerSecond: 32e9,
  coalesceSteps: true,
};

/** Prefill on one pool, decode on another, the prompt's KV crossing a link (serving/disaggregated.ts). */
export interface Disaggregation {
  prefillPool: string;
  decodePool: string;
  linkBytesPerSecond: number;
  linkLatencySeconds: number;
}
