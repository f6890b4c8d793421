/**
 * Published results vs the simulator. Each row (models/validation.yaml) names a configuration and
 * a measured figure; `evaluate` computes the same figure from the performance models.
 */
import { decodeBatch, type BatchShape } from '../domain/batch.js';
import type { Deployment, HardwareSpec, LlmSpec, PrecisionGroups } from '../domain/specs.js';
import { perfModel, speculativeDeployment, speculativeStep, type PerfModel } from '../perf/index.js';

export type ValidationMetric = 'tokensPerSecondPerUser' | 'itlMs' | 'offlineTokensPerSecond';

export interface ValidationRow {
  id: string;
  what: string;
  source: string;
  hardware: string;
  model: string;
  count: number;
  tp?: number;
  pp?: number;
  replicas?: number;
  precision?: Partial<PrecisionGroups>;
  batch?: number;
  context?: number;
  speculative?: { draft: string; k: number; acceptance: number };
  offline?: { inputTokens: number; outputTokens: number };
  metric: ValidationMetric;
  published: number;
  tolerance: number;
}

export interface ValidationCase {
  row: ValidationRow;
  llm: LlmSpec;
  hardware: HardwareSpec;
  draft?: LlmSpec;
}

export interface ValidationResult {
  id: string;
  what: string;
  source: string;
  metric: ValidationMetric;
  published: number;
  simulated: number;
  /** (simulated − published) / published */
  error: number;
  tolerance: number;
  pass: boolean;
}

export function deploymentOf(row: ValidationRow, hardware: HardwareSpec): Deployment {
  const tp = row.tp ?? (hardware.kind === 'gpu' ? row.count : 1);
  return { count: row.count, tp, pp: row.pp ?? 1, precision: row.precision };
}

/** Offline throughput of one replica: B sequences prefilled in 8K-token chunks, then decoded together. */
export function offlineThroughput(model: PerfModel, inputTokens: number, outputTokens: number): number {
  const context = inputTokens + outputTokens;
  const batch = Math.max(1, Math.floor(model.fit.kvCapacityTokens / context));
  const chunk = 8192;
  const seqsPerChunk = chunk / inputTokens;
  const prefillChunk: BatchShape = {
    decodeSeqs: 0,
    decodeContextSum: 0,
    prefillSeqs: seqsPerChunk,
    prefillTokens: chunk,
    prefillContextSum: 0,
    prefillAttentionPairs: (seqsPerChunk * inputTokens * (inputTokens + 1)) / 2,
  };
  const prefillSeconds = ((batch * inputTokens) / chunk) * model.step(prefillChunk).seconds;
  const decodeSeconds = outputTokens * model.step(decodeBatch(batch, inputTokens + outputTokens / 2)).seconds;
  return (batch * outputTokens) / (prefillSeconds + decodeSeconds);
}

export function evaluate(c: ValidationCase): ValidationResult {
  const { row } = c;
  const deployment = deploymentOf(row, c.hardware);
  const model = perfModel(c.llm, c.hardware, deployment);
  let simulated: number;
  switch (row.metric) {
    case 'offlineTokensPerSecond':
      simulated = offlineThroughput(model, row.offline!.inputTokens, row.offline!.outputTokens) * (row.replicas ?? 1);
      break;
    case 'itlMs':
    case 'tokensPerSecondPerUser': {
      const batch = row.batch ?? 1;
      const context = row.context ?? 1024;
      let secondsPerToken: number;
      if (row.speculative && c.draft) {
        const spec = speculativeDeployment(c.llm, c.hardware, deployment, c.draft, row.speculative);
        const s = speculativeStep(spec.target, spec.draft, { draftId: c.draft.id, ...row.speculative }, batch, context);
        secondsPerToken = s.seconds / s.tokensPerStep;
      } else {
        secondsPerToken = model.step(decodeBatch(batch, context)).seconds;
      }
      simulated = row.metric === 'itlMs' ? secondsPerToken * 1000 : 1 / secondsPerToken;
      break;
    }
  }
  const error = (simulated - row.published) / row.published;
  return {
    id: row.id,
    what: row.what,
    source: row.source,
    metric: row.metric,
    published: row.published,
    simulated,
    error,
    tolerance: row.tolerance,
    pass: Math.abs(error) <= row.tolerance,
  };
}
