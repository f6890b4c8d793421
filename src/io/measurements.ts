/**
 * A user's own serving measurements, for `wafersim calibrate --hardware ID --stack NAME FILE…`:
 * vLLM and genai-perf results (measurement-formats.ts) or wafersim's plain CSV, one row per run:
 *
 *   model,hardware,tp,input_tokens,output_tokens,concurrency,ttft_ms,itl_ms,output_throughput
 *
 * model: a wafersim model id (or path, or a Hugging Face name a model file's source names);
 * hardware: the `--hardware` being fitted; tp: GPUs per replica (tensor parallel); input/output
 * tokens per request; concurrency: clients in a closed loop (each sends its next request when the
 * last one ends); ttft_ms, itl_ms (mean, ms) and output_throughput (output tokens/s of the run):
 * each may be empty when not measured, but not all three.
 *
 * Each row becomes up to three fit observations (one per measured figure) of one simulated
 * closed-loop run: the same engine that checks the NIM rows of models/validation.yaml.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseString } from 'fast-csv';
import { InputError } from '../domain/errors.js';
import type { HardwareSpec } from '../domain/specs.js';
import { hardwareFormat } from '../perf/index.js';
import type { ValidationCase, ValidationMetric } from '../study/validation.js';
import { fromGenaiPerfCsv, fromGenaiPerfJson, fromVllm, isGenaiPerfCsv, isGenaiPerfJson, isVllmResult, Reader } from './measurement-formats.js';
import { llmIds, loadLlm } from './models.js';

export interface MeasurementRow {
  file: string;
  /** A plain CSV row's line. */
  line?: number;
  model: string;
  /** Only the plain CSV names the hardware (it must be the one being fitted). */
  hardware?: string;
  tp: number;
  inputTokens: number;
  outputTokens: number;
  concurrency: number;
  ttftMs?: number;
  itlMs?: number;
  outputTokensPerSecond?: number;
}

/** A row's name in messages and in the printed errors: file, or file:line. */
export const sourceOf = (r: MeasurementRow): string => (r.line === undefined ? r.file : `${r.file}:${r.line}`);

/** What the command line says for files that do not record it. */
export interface MeasurementDefaults {
  model?: string;
  tp?: number;
  concurrency?: number;
}

export const PLAIN_COLUMNS = ['model', 'hardware', 'tp', 'input_tokens', 'output_tokens', 'concurrency', 'ttft_ms', 'itl_ms', 'output_throughput'] as const;

async function csvCells(text: string): Promise<string[][]> {
  const rows: string[][] = [];
  // Empty lines are kept (as one empty cell) so that a row's index + 1 is its line number.
  await new Promise<void>((done, fail) => {
    parseString(text, { headers: false, ignoreEmpty: false, trim: true })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', fail)
      .on('end', () => done());
  });
  return rows;
}

function fromPlainCsv(rows: string[][], file: string): MeasurementRow[] {
  const r = new Reader(file);
  const header = rows[0] ?? [];
  if (header.join(',') !== PLAIN_COLUMNS.join(',')) {
    r.said('line 1', `the header ${PLAIN_COLUMNS.join(',')} (or a vLLM / genai-perf result)`, header.join(','));
    return r.done([]);
  }
  const out: MeasurementRow[] = [];
  rows.slice(1).forEach((cells, i) => {
    const line = i + 2;
    if (cells.length === 1 && cells[0] === '') return;
    const at = (column: string) => `line ${line}, column ${column}`;
    if (cells.length !== PLAIN_COLUMNS.length) {
      r.said(`line ${line}`, `${PLAIN_COLUMNS.length} cells`, `${cells.length} cells`);
      return;
    }
    const cell = Object.fromEntries(PLAIN_COLUMNS.map((c, k) => [c, cells[k]])) as Record<(typeof PLAIN_COLUMNS)[number], string>;
    const optional = (column: 'ttft_ms' | 'itl_ms' | 'output_throughput', what: string) => (cell[column] === '' ? undefined : r.positive(cell[column], at(column), what));
    const row: MeasurementRow = {
      file,
      line,
      model: cell.model || (r.problem(at('model'), 'a model id', '') ?? ''),
      hardware: cell.hardware || undefined,
      tp: r.whole(cell.tp, at('tp'), 'GPUs per replica') ?? 1,
      inputTokens: r.whole(cell.input_tokens, at('input_tokens'), 'input tokens per request') ?? 1,
      outputTokens: r.whole(cell.output_tokens, at('output_tokens'), 'output tokens per request') ?? 2,
      concurrency: r.whole(cell.concurrency, at('concurrency'), 'concurrent clients') ?? 1,
      ttftMs: optional('ttft_ms', 'the mean time to first token in ms'),
      itlMs: optional('itl_ms', 'the mean inter-token latency in ms'),
      outputTokensPerSecond: optional('output_throughput', 'output tokens per second'),
    };
    if (row.ttftMs === undefined && row.itlMs === undefined && row.outputTokensPerSecond === undefined && ['ttft_ms', 'itl_ms', 'output_throughput'].every((c) => cell[c as 'ttft_ms'] === '')) {
      r.said(`line ${line}`, 'at least one of ttft_ms, itl_ms, output_throughput', 'all three empty');
    }
    out.push(row);
  });
  if (out.length === 0 && r.problems.length === 0) r.said('(file)', 'at least one row after the header', 'none');
  return r.done(out);
}

/** One measurement file, its format told by its content. */
export async function readMeasurementFile(path: string, defaults: MeasurementDefaults): Promise<MeasurementRow[]> {
  const file = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ file, where: '(file)', expected: 'a readable measurement file', found: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : String(code ?? error) }]);
  }
  if (text.trimStart().startsWith('{')) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new InputError([{ file, where: '(file)', expected: 'valid JSON', found: (error as Error).message }]);
    }
    if (isGenaiPerfJson(json)) return fromGenaiPerfJson(json, file, defaults);
    if (isVllmResult(json)) return fromVllm(json, file, defaults);
    throw new InputError([{ file, where: '(file)', expected: 'a vLLM benchmark result (mean_ttft_ms, output_throughput, …) or a genai-perf export (time_to_first_token: { avg, … })', found: `keys ${Object.keys(json).slice(0, 6).join(', ')}` }]);
  }
  const rows = await csvCells(text);
  return isGenaiPerfCsv(rows) ? fromGenaiPerfCsv(rows, file, defaults) : fromPlainCsv(rows, file);
}

/** A Hugging Face repository name without the suffixes its variants add. */
const baseName = (name: string) => name.toLowerCase().replace(/-(instruct|hf|it|chat)(-\d+)?$/, '');

/** A model id or path as it is; a Hugging Face name matched to the model file whose source names it. */
export function modelIdOf(name: string, where: string): string {
  if (llmIds().includes(name) || name.endsWith('.yaml')) return name;
  const wanted = baseName(name);
  const match = llmIds().find((id) => baseName(loadLlm(id).source.split(/[\s,;]/)[0]) === wanted);
  if (match) return match;
  throw new InputError([{ where, expected: `a model wafersim has (one of ${llmIds().join(', ')}, or a Hugging Face name a model file's source names), or --model ID`, found: JSON.stringify(name) }]);
}

/** Simulated seconds of a row's closed loop: at least 10 requests per client and the kind's floor (the first quarter is warm-up). */
export function loopSeconds(row: MeasurementRow, hardware: HardwareSpec): number {
  const request = ((row.ttftMs ?? 0) + (row.itlMs ?? 0) * (row.outputTokens - 1)) / 1000;
  const fromThroughput = row.outputTokensPerSecond ? (row.concurrency * row.outputTokens) / row.outputTokensPerSecond : 0;
  const floor = hardwareFormat(hardware).minValidationLoopSeconds;
  return Math.min(1200, Math.max(floor, 10 * Math.max(request, fromThroughput)));
}

const METRICS: { key: 'ttftMs' | 'itlMs' | 'outputTokensPerSecond'; metric: ValidationMetric; label: string }[] = [
  { key: 'ttftMs', metric: 'ttftMeanMs', label: 'TTFT ms' },
  { key: 'itlMs', metric: 'itlMs', label: 'ITL ms' },
  { key: 'outputTokensPerSecond', metric: 'totalTokensPerSecond', label: 'output tok/s' },
];

/** Measurement rows as fit cases of one hardware × stack: one per measured figure, sharing the row's run. */
export function measurementCases(rows: readonly MeasurementRow[], hardware: HardwareSpec, hardwareRef: string, stack: string): ValidationCase[] {
  const problems = rows.filter((r) => r.hardware !== undefined && r.hardware !== hardwareRef)
    .map((r) => ({ file: r.file, where: `line ${r.line}, column hardware`, expected: `the hardware being fitted (--hardware ${hardwareRef})`, found: JSON.stringify(r.hardware) }));
  if (problems.length > 0) throw new InputError(problems);
  return rows.flatMap((r) => {
    const source = sourceOf(r);
    const llm = loadLlm(modelIdOf(r.model, `${source}: model`));
    const setup = { count: r.tp, tp: r.tp, input: r.inputTokens, output: r.outputTokens };
    const load = { kind: 'closed' as const, concurrency: r.concurrency, seconds: loopSeconds(r, hardware) };
    return METRICS.filter((m) => r[m.key] !== undefined).map(({ key, metric, label }) => ({
      row: {
        id: `${source} ${label}`, role: 'fit' as const, stack, what: `${llm.id} TP${r.tp}, ${r.inputTokens} in / ${r.outputTokens} out, concurrency ${r.concurrency}`,
        source, hardware: hardware.id, model: llm.id, load, metric, published: r[key]!, assumed: {},
      },
      setup,
      llm,
      hardware,
    }));
  });
}
