/**
 * Benchmark results in the formats their tools write, each turned into measurement rows:
 *  - vLLM `benchmark_serving.py --save-result` / `vllm bench serve --save-result` JSON: top-level
 *    `max_concurrency`, `request_rate`, `completed`, `total_input_tokens`, `total_output_tokens`,
 *    `mean_ttft_ms`, `mean_itl_ms` (or `mean_tpot_ms`), `output_throughput`, `model_id`; extra
 *    `--metadata KEY=VALUE` pairs are top-level keys too (`tensor_parallel_size=2`).
 *  - NVIDIA genai-perf `profile_export_genai_perf.json`: per metric `{ unit, avg, p50, … }`
 *    (`time_to_first_token`, `inter_token_latency`, `output_token_throughput`,
 *    `input_sequence_length`, `output_sequence_length`) and the run's arguments in `input_config`
 *    (`concurrency`, `model`).
 *  - genai-perf `profile_export_genai_perf.csv`: a table `Metric,avg,min,max,p99,…` (rows
 *    `Time To First Token (ms)`, `Inter Token Latency (ms)`, `Input Sequence Length (tokens)`,
 *    `Output Sequence Length (tokens)`), a blank line, and `Metric,Value` (`Output Token
 *    Throughput (per sec)`). It records neither the model nor the concurrency: `--model` and
 *    `--concurrency` give them.
 */
import { InputError, describe, type InputProblem } from '../domain/errors.js';
import type { MeasurementDefaults, MeasurementRow } from './measurements.js';

type Json = Record<string, unknown>;

/** Problems gathered while reading one file; thrown together. */
class Reader {
  readonly problems: InputProblem[] = [];
  constructor(readonly file: string) {}
  /** A problem with a value (described as the messages describe values). */
  problem(where: string, expected: string, found: unknown): undefined {
    return this.said(where, expected, describe(found));
  }
  /** A problem whose finding is said in words, e.g. "(no such row)". */
  said(where: string, expected: string, found: string): undefined {
    this.problems.push({ file: this.file, where, expected, found });
    return undefined;
  }
  /** A finite number > 0 (or ≥ 0 with `zeroOk`), reported at `where` otherwise. */
  positive(value: unknown, where: string, what: string, zeroOk = false): number | undefined {
    const x = typeof value === 'string' && value.trim() !== '' ? Number(value.replaceAll(',', '')) : value;
    if (typeof x === 'number' && Number.isFinite(x) && (x > 0 || (zeroOk && x === 0))) return x;
    return this.problem(where, `${what}, a number ${zeroOk ? '≥ 0' : '> 0'}`, value);
  }
  whole(value: unknown, where: string, what: string): number | undefined {
    const x = this.positive(value, where, what);
    if (x === undefined) return undefined;
    if (Number.isInteger(x)) return x;
    return this.problem(where, `${what}, a whole number`, value);
  }
  done<T>(value: T): T {
    if (this.problems.length > 0) throw new InputError(this.problems);
    return value;
  }
}

/** A `--tp` (or metadata) default of vLLM's own: tensor_parallel_size 1. */
const tpOf = (r: Reader, value: unknown, where: string, fallback: number | undefined) =>
  value === undefined ? fallback ?? 1 : r.whole(value, where, 'the tensor-parallel size');

export function isVllmResult(json: Json): boolean {
  return 'mean_ttft_ms' in json || 'output_throughput' in json;
}

export function fromVllm(json: Json, file: string, d: MeasurementDefaults): MeasurementRow[] {
  const r = new Reader(file);
  const completed = r.whole(json.completed, 'completed', 'the number of completed requests');
  if (json.request_rate !== 'inf' && json.request_rate !== undefined && json.request_rate !== Infinity) {
    r.problem('request_rate', '"inf" with max_concurrency set: a closed loop of max_concurrency clients (wafersim calibrate fits closed-loop runs)', json.request_rate);
  }
  const concurrency = json.max_concurrency === null || json.max_concurrency === undefined
    ? d.concurrency ?? r.problem('max_concurrency', 'the number of concurrent clients (run with --max-concurrency N, or give --concurrency)', json.max_concurrency)
    : r.whole(json.max_concurrency, 'max_concurrency', 'the number of concurrent clients');
  const model = d.model ?? (typeof json.model_id === 'string' ? json.model_id : r.problem('model_id', 'the model served (or give --model)', json.model_id));
  const tp = tpOf(r, json.tensor_parallel_size ?? json.tp, 'tensor_parallel_size', d.tp);
  const totalIn = r.positive(json.total_input_tokens, 'total_input_tokens', 'the input tokens of all requests');
  const totalOut = r.positive(json.total_output_tokens, 'total_output_tokens', 'the output tokens of all requests');
  const ttftMs = r.positive(json.mean_ttft_ms, 'mean_ttft_ms', 'the mean time to first token in ms');
  const itlKey = json.mean_itl_ms !== undefined ? 'mean_itl_ms' : 'mean_tpot_ms';
  const itlMs = r.positive(json[itlKey], itlKey, 'the mean inter-token latency in ms');
  const throughput = r.positive(json.output_throughput, 'output_throughput', 'the output tokens per second');
  return r.done([{
    file,
    model: model!,
    tp: tp!,
    inputTokens: Math.max(1, Math.round(totalIn! / completed!)),
    outputTokens: Math.max(2, Math.round(totalOut! / completed!)),
    concurrency: concurrency!,
    ttftMs,
    itlMs,
    outputTokensPerSecond: throughput,
  }]);
}

export function isGenaiPerfJson(json: Json): boolean {
  return typeof json.time_to_first_token === 'object' && json.time_to_first_token !== null;
}

export function fromGenaiPerfJson(json: Json, file: string, d: MeasurementDefaults): MeasurementRow[] {
  const r = new Reader(file);
  const stat = (key: string, unit: string, what: string): number | undefined => {
    const m = json[key] as Json | undefined;
    if (!m || typeof m !== 'object') return r.problem(key, `${what} ({ unit: "${unit}", avg: … })`, m);
    if (m.unit !== unit) return r.problem(`${key}.unit`, `"${unit}"`, m.unit);
    return r.positive(m.avg, `${key}.avg`, what);
  };
  const config = (json.input_config ?? {}) as Json;
  const models = config.model;
  const named = Array.isArray(models) && typeof models[0] === 'string' ? models[0] : typeof models === 'string' ? models : undefined;
  const model = d.model ?? named ?? r.problem('input_config.model', 'the model profiled (or give --model)', models);
  const concurrency = config.concurrency === undefined ? d.concurrency ?? r.problem('input_config.concurrency', 'the concurrency profiled (or give --concurrency)', undefined) : r.whole(config.concurrency, 'input_config.concurrency', 'the concurrency profiled');
  const row = {
    file,
    model: model!,
    tp: tpOf(r, config.tensor_parallel_size, 'input_config.tensor_parallel_size', d.tp)!,
    inputTokens: Math.round(stat('input_sequence_length', 'tokens', 'the mean input length') ?? 0),
    outputTokens: Math.round(stat('output_sequence_length', 'tokens', 'the mean output length') ?? 0),
    concurrency: concurrency!,
    ttftMs: stat('time_to_first_token', 'ms', 'the mean time to first token'),
    itlMs: stat('inter_token_latency', 'ms', 'the mean inter-token latency'),
    outputTokensPerSecond: stat('output_token_throughput', 'tokens/sec', 'the output tokens per second'),
  };
  return r.done([row]);
}

/** The genai-perf CSV's rows this reader uses, by their `Metric` cell. */
const GENAI_CSV = {
  ttft: 'Time To First Token (ms)',
  itl: 'Inter Token Latency (ms)',
  input: 'Input Sequence Length (tokens)',
  output: 'Output Sequence Length (tokens)',
  throughput: 'Output Token Throughput (per sec)',
} as const;

export const isGenaiPerfCsv = (rows: string[][]): boolean => rows[0]?.[0] === 'Metric';

/** `rows`: the CSV's cells, line by line (index + 1 = line number). */
export function fromGenaiPerfCsv(rows: string[][], file: string, d: MeasurementDefaults): MeasurementRow[] {
  const r = new Reader(file);
  const value = (metric: string): number | undefined => {
    const i = rows.findIndex((cells) => cells[0] === metric);
    if (i < 0) return r.said('(file)', `a row "${metric}" (genai-perf's profile_export_genai_perf.csv)`, 'no such row');
    // Both tables put the figure wanted (avg, or the single Value) in the second column.
    return r.positive(rows[i][1], `line ${i + 1}`, `${metric}: a value in its second column (avg or Value)`);
  };
  const model = d.model ?? r.problem('--model', 'the model profiled (genai-perf\'s CSV does not record it)', undefined);
  const concurrency = d.concurrency ?? r.problem('--concurrency', 'the concurrency profiled (genai-perf\'s CSV does not record it)', undefined);
  const row = {
    file,
    model: model!,
    tp: d.tp ?? 1,
    inputTokens: Math.round(value(GENAI_CSV.input) ?? 0),
    outputTokens: Math.round(value(GENAI_CSV.output) ?? 0),
    concurrency: concurrency!,
    ttftMs: value(GENAI_CSV.ttft),
    itlMs: value(GENAI_CSV.itl),
    outputTokensPerSecond: value(GENAI_CSV.throughput),
  };
  return r.done([row]);
}

export { Reader };
