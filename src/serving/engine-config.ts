/** A replica engine's counters; its settings are plain data in domain/engine.ts. */
import { DEFAULT_ENGINE, type EngineConfig } from '../domain/engine.js';

export { DEFAULT_ENGINE, type EngineConfig };

export interface ReplicaStats {
  steps: number;
  busySeconds: number;
  completed: number;
  rejected: number;
  preemptions: number;
  generatedTokens: number;
  prefilledTokens: number;
}
