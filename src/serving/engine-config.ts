/** A replica engine's settings (from the scenario's `serving` block) and its counters. */
import type { PolicyName } from '../domain/kinds.js';
import type { Retention } from './kv-cache.js';

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

export interface ReplicaStats {
  steps: number;
  busySeconds: number;
  completed: number;
  rejected: number;
  preemptions: number;
  generatedTokens: number;
  prefilledTokens: number;
}
