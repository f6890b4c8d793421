/**
 * wafersim as a library: the functions behind the command line, typed, with the same results the
 * CLI prints and writes (`import { loadScenario, runStudy } from 'wafersim'`). Bad input throws
 * `InputError` (its `problems` name file, field, line, expected and found); nothing here touches
 * the console or exits. Documented in docs/api.md.
 */
import type { HardwareSpec, LlmSpec } from '../domain/specs.js';
import type { Explanation } from '../domain/explanation.js';
import { importModelFile } from '../io/import-model.js';
import { useModelFolders } from '../io/model-folders.js';
import { hardwareIds, llmIds, loadHardware, loadLlm } from '../io/models.js';
import { readScenario, resolveScenario, type LoadedScenario } from '../io/scenario.js';
import { planSweep, runPoint } from '../io/sweep.js';
import { newTraceStats, type TraceStats } from '../io/traces.js';
import { loadValidationCases } from '../io/validation.js';
import { applySets } from '../scenario/sets.js';
import { explain, type ExplainOptions } from '../study/explain.js';
import { summaryRows, type SummaryRow } from '../report/summary-table.js';
import { runScenario, type ResolvedScenario, type RunOptions, type RunResult } from '../study/run.js';
import type { PointResult } from '../study/sweep.js';
import { evaluate, type ValidationResult } from '../study/validation.js';

export { InputError, type InputProblem } from '../domain/errors.js';
export type { HardwareSpec, LlmSpec, Explanation, ExplainOptions, ResolvedScenario, RunOptions, RunResult, PointResult, ValidationResult };
export type { SystemSummary, ClassSummary } from '../metrics/summary.js';
export type { SummaryRow } from '../report/summary-table.js';
export { SUMMARY_COLUMNS } from '../report/summary-table.js';
export { MODELS_ENV } from '../io/model-folders.js';

/** A scenario file read, checked and resolved: what `run` runs. */
export interface Scenario {
  /** The file as named in messages. */
  file: string;
  resolved: ResolvedScenario;
  /** The file's content after `set` and `seed` (what run.json records). */
  raw: unknown;
  loaded: LoadedScenario;
  /** Trace rows skipped while reading (when the trace says skipBadRows). */
  traceStats: TraceStats;
}

export interface LoadOptions {
  /** Overrides, as `--set path=value` takes them (values are YAML). */
  set?: string[];
  seed?: number;
}

/** Read, check and resolve a scenario file (models, hardware and calibration by id or path). */
export function loadScenario(path: string, o: LoadOptions = {}): Scenario {
  const loaded = readScenario(path);
  let raw = applySets(loaded.raw, o.set ?? []);
  if (o.seed !== undefined) raw = { ...(raw as object), seed: o.seed };
  const traceStats = newTraceStats();
  const { resolved } = resolveScenario(loaded, raw, traceStats);
  return { file: loaded.file, resolved, raw, loaded, traceStats };
}

/**
 * Run every system of a scenario against the same workload: the numbers of summary.csv (`rows`),
 * the console table (`summaries`), timeseries.csv and the report's distributions. Records default
 * to 'none' (summaries from streaming histograms, bounded memory); pass `onRecord` to see requests.
 */
export async function runStudy(scenario: Scenario | string, o: Partial<RunOptions> = {}): Promise<StudyResult> {
  const s = typeof scenario === 'string' ? loadScenario(scenario) : scenario;
  const result = await runScenario(s.resolved, { records: 'none', ...o });
  return { ...result, rows: summaryRows(result.runs) };
}

/** A run's results, with summary.csv's rows (what `wafersim run --json` prints). */
export interface StudyResult extends RunResult {
  rows: SummaryRow[];
}

/** Every point of a scenario's sweep (axes × repeats), one after another in this process. */
export async function sweepStudy(path: string, o: LoadOptions & { onPoint?: (r: PointResult) => void } = {}): Promise<PointResult[]> {
  const plan = planSweep(path, (raw) => {
    const set = applySets(raw, o.set ?? []);
    return o.seed === undefined ? set : { ...(set as object), seed: o.seed };
  });
  const results: PointResult[] = [];
  for (const p of plan.points) {
    const r = await runPoint(plan, p);
    o.onPoint?.(r);
    results.push(r);
  }
  return results;
}

export interface ExplainRequest extends Partial<ExplainOptions> {
  /** Model and hardware: ids, paths to YAML files, or specs already loaded. */
  model: string | LlmSpec;
  hardware: string | HardwareSpec;
}

/** What `wafersim explain` prints (as `--json`): fit, capacity, latency breakdown, regime, throughput. */
export function explainModel(r: ExplainRequest): Explanation {
  const { model, hardware, ...rest } = r;
  const llm = typeof model === 'string' ? loadLlm(model, 'model') : model;
  const hw = typeof hardware === 'string' ? loadHardware(hardware, 'hardware') : hardware;
  return explain(llm, hw, { batch: 1, context: 4096, input: 2048, ...rest });
}

/** Every published measurement in models/validation.yaml against the simulator (`wafersim validate`). */
export function validateModels(): ValidationResult[] {
  return loadValidationCases().map(evaluate);
}

/** A model file from a Hugging Face config.json (`wafersim import-model`); written only to a new `out`. */
export function importModel(configPath: string, o: { out?: string; id?: string; name?: string; publishedParamsB?: number; publishedActiveParamsB?: number } = {}): { id: string; text: string; out?: string } {
  return importModelFile(configPath, o);
}

/** Put folders of your own model files (llm/, hardware/, calibration/) ahead of the built-in ones. */
export function addModelFolders(...dirs: string[]): void {
  useModelFolders(dirs, 'addModelFolders');
}

export const listModels = (): string[] => llmIds();
export const listHardware = (): string[] => hardwareIds();
export const loadModel = (ref: string): LlmSpec => loadLlm(ref, 'model');
export const loadHardwareSpec = (ref: string): HardwareSpec => loadHardware(ref, 'hardware');
