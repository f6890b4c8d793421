/**
 * Published results vs the simulator. Each row of models/validation.yaml names a configuration, a
 * measured figure, its role (fit: may drive the calibration; holdout: never seen by the fitter) and
 * the inputs its source does not publish (`assumed`). `simulate` computes the same figure from the
 * performance models, or, for serving-level rows, from the serving engine.
 */
import { assertNever } from '../domain/never.js';
import { decodeBatch, prefillBatch } from '../domain/batch.js';
import type { Deployment, HardwareSpec, LlmSpec, PrecisionGroups } from '../domain/specs.js';
import { hardwareModel, perfModel, speculativeDeployment, speculativeStep, type PerfModel } from '../perf/index.js';
import { DEFAULT_ENGINE } from '../serving/index.js';
import { runServing, serverLimitRate, type ServingSummary } from './validation-serving.js';
import type { Sensitivity } from './validation-sensitivity.js';

/** Simulated seconds of an offline run (the first quarter is warm-up). */
const OFFLINE_SECONDS = 600;

export const VALIDATION_METRICS = [
  'tokensPerSecondPerUser', 'itlMs', 'prefillTokensPerSecond', 'endToEndTokensPerSecond',
  'totalTokensPerSecond', 'ttftMeanMs', 'ttftP99Ms', 'tpotMeanMs', 'tpotP99Ms',
] as const;
export type ValidationMetric = (typeof VALIDATION_METRICS)[number];

export const METRIC_UNITS: Record<ValidationMetric, string> = {
  tokensPerSecondPerUser: 'tok/s per user',
  itlMs: 'ms per token',
  prefillTokensPerSecond: 'prefill tok/s',
  endToEndTokensPerSecond: 'tok/s end to end',
  totalTokensPerSecond: 'tok/s total',
  ttftMeanMs: 'TTFT mean ms',
  ttftP99Ms: 'TTFT p99 ms',
  tpotMeanMs: 'TPOT mean ms',
  tpotP99Ms: 'TPOT p99 ms',
};

export type ValidationLoad =
  | { kind: 'step' }
  | { kind: 'offline' }
  | { kind: 'closed'; concurrency: number; seconds: number }
  | { kind: 'poisson'; tokensPerSecond: number; seconds: number }
  | { kind: 'serverLimits'; ttftP99Ms: number; tpotP99Ms: number; seconds: number };

/** Which metrics each kind of load can produce (checked when the file is read). */
export const METRICS_OF_LOAD: Record<ValidationLoad['kind'], readonly ValidationMetric[]> = {
  step: ['tokensPerSecondPerUser', 'itlMs', 'prefillTokensPerSecond', 'endToEndTokensPerSecond', 'ttftMeanMs'],
  offline: ['totalTokensPerSecond'],
  closed: ['tokensPerSecondPerUser', 'itlMs', 'totalTokensPerSecond', 'ttftMeanMs', 'ttftP99Ms', 'tpotMeanMs', 'tpotP99Ms'],
  poisson: ['totalTokensPerSecond', 'ttftMeanMs', 'ttftP99Ms', 'tpotMeanMs', 'tpotP99Ms'],
  serverLimits: ['totalTokensPerSecond'],
};

/** The configuration a row's figure was measured on: its published fields and its assumed ones, merged. */
export interface RowSetup {
  count: number;
  tp?: number;
  pp?: number;
  replicas?: number;
  cores?: number;
  precision?: Partial<PrecisionGroups>;
  batch?: number;
  context?: number;
  input?: number;
  output?: number;
  speculative?: { draft: string; k: number; acceptance: number };
  engine?: { maxSeqs?: number; maxBatchTokens?: number };
}

export type Role = 'fit' | 'holdout';

export interface ValidationRow {
  id: string;
  role: Role;
  stack: string;
  what: string;
  source: string;
  hardware: string;
  model: string;
  load: ValidationLoad;
  metric: ValidationMetric;
  published: number;
  /** Inputs the source does not publish, with the values used (merged into the setup). */
  assumed: Record<string, unknown>;
  /** Why a right-physics model cannot meet this row (a known gap), if so. */
  gap?: string;
}

export interface ValidationCase {
  row: ValidationRow;
  setup: RowSetup;
  llm: LlmSpec;
  /** The hardware under the row's stack calibration. */
  hardware: HardwareSpec;
  draft?: LlmSpec;
}

/** Tolerances by role (issue 11): fit rows ±15%, holdout rows ±25%. */
export const TOLERANCE: Record<Role, number> = { fit: 0.15, holdout: 0.25 };

/** A row's deployment; an offline row's tokens are handed over when each request is done, not streamed. */
export function deploymentOf(setup: RowSetup, hardware: HardwareSpec, load: ValidationLoad): Deployment {
  const tp = setup.tp ?? hardwareModel(hardware).defaultTp(setup.count);
  const deployment: Deployment = { count: setup.count, tp, pp: setup.pp ?? 1, precision: setup.precision, cores: setup.cores };
  return load.kind === 'offline' ? { ...deployment, streaming: false } : deployment;
}

function need(setup: RowSetup, field: 'context' | 'input' | 'output'): number {
  const v = setup[field];
  if (v === undefined) throw new Error(`validation row without ${field} (checked when the file is read)`);
  return v;
}

/** Seconds per generated token of one decoding sequence in a batch of `batch` at `context`. */
function secondsPerToken(c: ValidationCase, model: PerfModel, deployment: Deployment, batch: number, context: number): number {
  const spec = c.setup.speculative;
  if (!spec || !c.draft) return model.step(decodeBatch(batch, context)).seconds;
  const placed = speculativeDeployment(c.llm, c.hardware, deployment, c.draft, { k: spec.k, acceptance: spec.acceptance });
  const s = speculativeStep(placed.target, placed.draft, { draftId: c.draft.id, k: spec.k, acceptance: spec.acceptance }, batch, context);
  return s.seconds / s.tokensPerStep;
}

function fromServing(metric: ValidationMetric, s: ServingSummary): number {
  switch (metric) {
    case 'tokensPerSecondPerUser':
      return 1 / s.tpotMeanSeconds;
    case 'itlMs':
    case 'tpotMeanMs':
      return s.tpotMeanSeconds * 1000;
    case 'tpotP99Ms':
      return s.tpotP99Seconds * 1000;
    case 'ttftMeanMs':
      return s.ttftMeanSeconds * 1000;
    case 'ttftP99Ms':
      return s.ttftP99Seconds * 1000;
    case 'totalTokensPerSecond':
      return s.outputTokensPerSecond;
    case 'prefillTokensPerSecond':
    case 'endToEndTokensPerSecond':
      throw new Error(`${metric} is not a serving-level metric`);
  }
}

/** The row's figure as the simulator computes it, for the given setup (the row's, or a perturbed one). */
export function simulate(c: ValidationCase, setup: RowSetup = c.setup): number {
  const cs: ValidationCase = { ...c, setup };
  const deployment = deploymentOf(setup, c.hardware, c.row.load);
  const model = perfModel(c.llm, c.hardware, deployment);
  const { row } = c;
  const load = row.load;
  switch (load.kind) {
    case 'step':
      switch (row.metric) {
        case 'tokensPerSecondPerUser':
          return 1 / secondsPerToken(cs, model, deployment, setup.batch ?? 1, need(setup, 'context'));
        case 'itlMs':
          return 1000 * secondsPerToken(cs, model, deployment, setup.batch ?? 1, need(setup, 'context'));
        case 'prefillTokensPerSecond':
          return need(setup, 'input') / model.step(prefillBatch(need(setup, 'input'))).seconds;
        case 'ttftMeanMs':
          return 1000 * model.step(prefillBatch(need(setup, 'input'))).seconds;
        case 'endToEndTokensPerSecond': {
          const input = need(setup, 'input');
          const output = need(setup, 'output');
          // The first token comes with the prefill; each later one is a decode step at its context.
          let seconds = model.step(prefillBatch(input)).seconds;
          for (let k = 1; k < output; k++) seconds += secondsPerToken(cs, model, deployment, 1, input + k);
          return output / seconds;
        }
        default:
          throw new Error(`${row.metric} with a step load (checked when the file is read)`);
      }
    case 'offline': {
      // MLPerf Offline hands the system every sample at once and the engine runs full: a closed
      // loop of as many sequences as its sequence cap. The engine admits on the blocks a prompt
      // needs now and preempts when growth runs out, as NVIDIA's harness schedules TensorRT-LLM
      // (max_util, its default: closed/NVIDIA/code/harness/harness_llm/main_llm.cc in MLPerf
      // Inference v4.1). The same engine gives the Server rows' figures.
      const running = setup.engine?.maxSeqs ?? DEFAULT_ENGINE.maxSeqs;
      const closed = { kind: 'closed' as const, concurrency: Math.max(1, running), seconds: OFFLINE_SECONDS };
      return memo(c, setup, () => runServing(c.llm, model, setup, closed)).outputTokensPerSecond;
    }
    case 'closed':
    case 'poisson':
      return fromServing(row.metric, memo(c, setup, () => runServing(c.llm, model, setup, load)));
    case 'serverLimits':
      return serverLimitRate(c.llm, model, setup, load) * need(setup, 'output');
    default:
      return assertNever(load);
  }
}

// Rows that report different figures of one serving run (NIM ITL and throughput at one
// concurrency; MLPerf Server TTFT and TPOT) share the run: keyed by everything that determines it.
// Bounded: a fitter evaluates many calibrations, and only the latest few are ever asked again.
const servingRuns = new Map<string, ServingSummary>();
function memo(c: ValidationCase, setup: RowSetup, run: () => ServingSummary): ServingSummary {
  const key = JSON.stringify([c.llm.id, c.hardware.id, c.hardware.calibration, setup, c.row.load]);
  let summary = servingRuns.get(key);
  if (!summary) {
    if (servingRuns.size >= 64) servingRuns.clear();
    summary = run();
    servingRuns.set(key, summary);
  }
  return summary;
}

export type RowStatus = 'pass' | 'fail' | 'known gap' | 'gap closed';

export interface ValidationResult {
  id: string;
  role: Role;
  stack: string;
  what: string;
  source: string;
  metric: ValidationMetric;
  /** The kind of load the figure was measured under (a step alone, or a serving run). */
  load: ValidationLoad['kind'];
  published: number;
  simulated: number;
  /** (simulated − published) / published */
  error: number;
  tolerance: number;
  status: RowStatus;
  gap?: string;
  /** The model does not fit the configuration (the figure is then not meaningful). */
  fitProblem?: string;
  assumed: Record<string, unknown>;
  sensitivity?: Sensitivity[];
}

export function resultOf(c: ValidationCase, simulated: number, sensitivity?: Sensitivity[]): ValidationResult {
  const { row } = c;
  const error = Number.isFinite(simulated) ? (simulated - row.published) / row.published : Infinity;
  const tolerance = TOLERANCE[row.role];
  const within = Math.abs(error) <= tolerance;
  const status: RowStatus = row.gap ? (within ? 'gap closed' : 'known gap') : within ? 'pass' : 'fail';
  const fit = perfModel(c.llm, c.hardware, deploymentOf(c.setup, c.hardware, c.row.load)).fit;
  return {
    id: row.id,
    role: row.role,
    stack: row.stack,
    what: row.what,
    source: row.source,
    metric: row.metric,
    load: row.load.kind,
    published: row.published,
    simulated,
    error,
    tolerance,
    status,
    gap: row.gap,
    fitProblem: fit.fits ? undefined : fit.reason,
    assumed: row.assumed,
    sensitivity,
  };
}

export function evaluate(c: ValidationCase): ValidationResult {
  return resultOf(c, simulate(c));
}

export interface ErrorSummary {
  rows: number;
  medianAbsError: number;
  maxAbsError: number;
}

export function summarise(results: readonly ValidationResult[], role: Role): ErrorSummary {
  const errors = results.filter((r) => r.role === role).map((r) => Math.abs(r.error)).sort((a, b) => a - b);
  const n = errors.length;
  const median = n === 0 ? NaN : n % 2 === 1 ? errors[(n - 1) / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2;
  return { rows: n, medianAbsError: median, maxAbsError: n === 0 ? NaN : errors[n - 1] };
}
