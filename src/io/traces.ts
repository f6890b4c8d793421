/**
 * Trace files, streamed: Azure LLM inference CSV (2023 naive and 2024 UTC-offset timestamps),
 * Mooncake JSONL, kv-cache-tester agentic CSV. A malformed row (missing column, non-numeric or
 * negative value, time going backwards) is an InputError naming the file and line, or, with
 * `skipBad`, is skipped and counted.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { InputError, describe, type InputProblem } from '../domain/errors.js';
import { csvCells } from './csv-reader.js';
import type { AgenticRow, ArrivalRow } from '../workload/replay.js';

export interface TraceReadOptions {
  skipBad: boolean;
}

export interface TraceStats {
  rows: number;
  skipped: number;
  /** The first few skipped rows' problems, to show the user. */
  examples: InputProblem[];
}

export const newTraceStats = (): TraceStats => ({ rows: 0, skipped: 0, examples: [] });

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** The common shape, `YYYY-MM-DD hh:mm:ss[.fraction]` with nothing around it: read without the regex. */
const PLAIN_LAYOUT = '0000-00-00 00:00:00';

/** The number in text[from, to) if it is all digits, else -1. */
function digits(text: string, from: number, to: number): number {
  let x = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

/**
 * `parseTimestamp` of a plain naive timestamp (the 2023 traces' every row), or undefined for any
 * other text, which then takes the regex; the same number as the regex path (see dayStartMs).
 */
function plainTimestamp(text: string): number | undefined {
  const n = text.length;
  if (n < PLAIN_LAYOUT.length || n === PLAIN_LAYOUT.length + 1) return undefined;
  for (let i = 0; i < PLAIN_LAYOUT.length; i++) {
    const expected = PLAIN_LAYOUT.charCodeAt(i);
    if (expected !== 48 && text.charCodeAt(i) !== expected) return undefined; // '-', ' ', ':'
  }
  const h = digits(text, 11, 13);
  const mi = digits(text, 14, 16);
  const s = digits(text, 17, 19);
  if (digits(text, 0, 4) < 0 || digits(text, 5, 7) < 0 || digits(text, 8, 10) < 0 || h < 0 || mi < 0 || s < 0) return undefined;
  // Date.UTC(y, mo, d, h, mi, s) is Date.UTC(y, mo, d) + h·3600000 + mi·60000 + s·1000 in exact integer
  // arithmetic (ECMA-262 MakeTime, MakeDate), so a row's day is computed once for all its rows.
  const ms = dayStartMs(text) + h * 3_600_000 + mi * 60_000 + s * 1000;
  if (n === PLAIN_LAYOUT.length) return ms;
  if (text.charCodeAt(19) !== 46 || digits(text, 20, n) < 0) return undefined; // '.' and digits to the end
  return ms + Number(`0.${text.slice(20)}`) * 1000;
}

let lastDay = '';
let lastDayMs = 0;
/** Date.UTC of the date part of a plain timestamp (its first 10 characters, known to be digits and '-'). */
function dayStartMs(text: string): number {
  const day = text.slice(0, 10);
  if (day !== lastDay) {
    lastDayMs = Date.UTC(digits(text, 0, 4), digits(text, 5, 7) - 1, digits(text, 8, 10));
    lastDay = day;
  }
  return lastDayMs;
}

/** Milliseconds since the epoch of an Azure timestamp; naive ones are read as UTC. */
export function parseTimestamp(text: string): number | undefined {
  const plain = plainTimestamp(text);
  if (plain !== undefined) return plain;
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + (frac ? Number(`0.${frac}`) * 1000 : 0);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

class RowError extends Error {
  constructor(readonly problem: Omit<InputProblem, 'file' | 'where'> & { column?: string }) {
    super(problem.expected);
  }
}

function num(row: Record<string, string | undefined>, column: string, opts: { integer?: boolean; min?: number; ifEmpty?: number } = {}): number {
  const raw = row[column];
  if (raw === '' && opts.ifEmpty !== undefined) return opts.ifEmpty;
  if (raw === undefined || raw === '') throw new RowError({ column, expected: `a value in column ${column}`, found: 'nothing' });
  const x = Number(raw);
  if (!Number.isFinite(x) || (opts.integer && !Number.isInteger(x))) throw new RowError({ column, expected: `${opts.integer ? 'a whole number' : 'a number'} in column ${column}`, found: describe(raw) });
  if (x < (opts.min ?? 0)) throw new RowError({ column, expected: `a number >= ${opts.min ?? 0} in column ${column}`, found: raw });
  return x;
}

/**
 * Run `convert` on each row; bad rows throw an InputError or are skipped and counted. A trace with
 * no usable row is an error. Rows are handed on in the batches they were read in: one promise per
 * row cost ~0.5 µs each (an async generator's step), ~2% of replaying the Azure trace.
 */
async function* checked<R, T>(file: string, batches: AsyncIterable<[number, R | RowError][]>, convert: (row: R) => T, o: TraceReadOptions, stats: TraceStats): AsyncGenerator<T[]> {
  let used = 0;
  let skipped = 0;
  for await (const batch of batches) {
    const values: T[] = [];
    for (const [line, row] of batch) {
      let value: T;
      try {
        if (row instanceof RowError) throw row;
        value = convert(row);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        const problem: InputProblem = { file, where: `line ${line}${error.problem.column ? `, column ${error.problem.column}` : ''}`, expected: error.problem.expected, found: error.problem.found };
        if (!o.skipBad) throw new InputError([{ ...problem, expected: `${problem.expected} (or set skipBadRows: true)` }]);
        stats.skipped++;
        skipped++;
        if (stats.examples.length < 5) stats.examples.push(problem);
        continue;
      }
      stats.rows++;
      used++;
      values.push(value);
    }
    if (values.length > 0) yield values;
  }
  if (used === 0) throw new InputError([{ file, where: '(file)', expected: 'at least one data row', found: skipped > 0 ? `none usable (${skipped} bad rows skipped)` : 'no rows (an empty or header-only file)' }]);
}

/** Longest line a trace may have: a longer one is a broken file, and would be slow to parse. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * A trace file as a byte stream, after refusing what is not a regular file (a FIFO or a device
 * would block or never end) and with every line at most MAX_LINE_BYTES long.
 */
function openTrace(path: string, file: string): NodeJS.ReadableStream {
  let info;
  try {
    info = statSync(path);
  } catch (e) {
    throw openError(file, e);
  }
  if (!info.isFile()) throw new InputError([{ file, where: '(file)', expected: 'a regular file', found: info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a FIFO (named pipe)' : 'a special file (device or socket)' }]);
  const input = createReadStream(path);
  let line = 1;
  let length = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let start = 0; ; ) {
        const nl = chunk.indexOf(10, start);
        length += (nl < 0 ? chunk.length : nl) - start;
        if (length > MAX_LINE_BYTES) return done(new InputError([{ file, where: `line ${line}`, expected: `lines of at most ${MAX_LINE_BYTES} bytes`, found: 'a longer line' }]));
        if (nl < 0) break;
        line++;
        length = 0;
        start = nl + 1;
      }
      done(null, chunk);
    },
  });
  input.on('error', (e) => limit.destroy(openError(file, e)));
  return input.pipe(limit);
}

function openError(file: string, e: unknown): InputError {
  return new InputError([{ file, where: '(file)', expected: 'a readable file', found: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e) }]);
}

/** CSV rows as records keyed by the header; a row with another number of cells than the header is a RowError. */
async function* csvRows(path: string, file: string, required: string[]): AsyncGenerator<[number, Record<string, string> | RowError][]> {
  const input = openTrace(path, file) as AsyncIterable<Buffer>;
  let line = 0; // counts rows read (blank rows are not rows), as fast-csv numbered them
  let header: string[] | undefined;
  try {
    for await (const batch of csvCells(input)) {
      const rows: [number, Record<string, string> | RowError][] = [];
      for (const cells of batch) {
        const at = ++line;
        if (!header) {
          header = cells;
          const missing = required.filter((c) => !header!.includes(c));
          if (missing.length > 0) throw new InputError([{ file, where: 'line 1 (header)', expected: `columns ${required.join(', ')}`, found: `no column ${missing.join(', ')}` }]);
          continue;
        }
        if (cells.length !== header.length) {
          rows.push([at, new RowError({ expected: `${header.length} cells, as in the header`, found: `${cells.length}` })]);
          continue;
        }
        const record: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) record[header[i]] = cells[i];
        rows.push([at, record]);
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ file, where: `line ${line + 1}`, expected: 'a CSV row', found: (error as Error).message }]);
  }
  if (!header) throw new InputError([{ file, where: '(file)', expected: `a header line (${required.join(', ')}) and data rows`, found: 'an empty file' }]);
}

async function* jsonLines(path: string, file: string): AsyncGenerator<[number, unknown][]> {
  const input = openTrace(path, file);
  let failure: unknown;
  const lines = createInterface({ input, crlfDelay: Infinity });
  input.on('error', (e) => {
    failure = e;
    lines.close();
  });
  let line = 0;
  const batch: [number, unknown][] = [];
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = new RowError({ expected: 'a JSON object', found: describe(text.slice(0, 40)) });
    }
    batch.push([line, value]);
    if (batch.length >= 2048) yield batch.splice(0);
  }
  if (failure) throw failure;
  if (batch.length > 0) yield batch;
}

export function readAzure(path: string, file: string, o: TraceReadOptions, stats: TraceStats): AsyncGenerator<ArrivalRow[]> {
  let first: number | undefined;
  let last = -Infinity;
  return checked(file, csvRows(path, file, ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens']), (row) => {
    const ms = parseTimestamp(row.TIMESTAMP ?? '');
    if (ms === undefined) throw new RowError({ column: 'TIMESTAMP', expected: 'a timestamp like 2023-11-16 18:17:03.9799600 or 2024-05-10 00:00:00.009930+00:00 in column TIMESTAMP', found: describe(row.TIMESTAMP ?? '') });
    if (ms < last) throw new RowError({ column: 'TIMESTAMP', expected: `a time no earlier than the previous row's`, found: `${row.TIMESTAMP}, ${((last - ms) / 1000).toFixed(3)} s earlier` });
    last = ms;
    first ??= ms;
    return { time: (ms - first) / 1000, input: num(row, 'ContextTokens', { integer: true }), output: Math.max(1, num(row, 'GeneratedTokens', { integer: true })) };
  }, o, stats);
}

/**
 * Tokens each Mooncake `hash_ids` entry stands for: the published traces hash the prompt in blocks
 * of 512 tokens (Mooncake, FAST '25, trace README: "block size 512"). Part of the format, not a setting.
 */
export const MOONCAKE_BLOCK_TOKENS = 512;

export function readMooncake(path: string, file: string, o: TraceReadOptions, stats: TraceStats): AsyncGenerator<ArrivalRow[]> {
  let last = -Infinity;
  return checked(file, jsonLines(path, file), (value) => {
    if (typeof value !== 'object' || value === null) throw new RowError({ expected: 'a JSON object', found: describe(value) });
    const row = value as Record<string, unknown>;
    const str = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined]));
    const time = num(str, 'timestamp') / 1000;
    if (time < last) throw new RowError({ column: 'timestamp', expected: "a time no earlier than the previous row's", found: String(row.timestamp) });
    last = time;
    const hashIds = row.hash_ids;
    if (hashIds !== undefined && !(Array.isArray(hashIds) && hashIds.every((h) => Number.isInteger(h)))) throw new RowError({ column: 'hash_ids', expected: 'a list of whole numbers in hash_ids', found: describe(hashIds) });
    return { time, input: num(str, 'input_length', { integer: true, min: 1 }), output: Math.max(1, num(str, 'output_length', { integer: true })), hashIds: hashIds as number[] | undefined };
  }, o, stats);
}

export function readAgentic(path: string, file: string, o: TraceReadOptions, stats: TraceStats): AsyncGenerator<AgenticRow[]> {
  return checked(file, csvRows(path, file, ['trace_id', 'agent_id', 'parent_offset_s', 'req_idx', 'input_tokens', 'output_tokens', 'think_time_s', 'lcp_prev_blocks']), (row) => {
    if (!row.trace_id) throw new RowError({ column: 'trace_id', expected: 'a session id in column trace_id', found: 'nothing' });
    return {
      session: row.trace_id,
      agent: row.agent_id || 'main',
      reqIdx: num(row, 'req_idx', { integer: true }),
      parentOffset: num(row, 'parent_offset_s'),
      input: num(row, 'input_tokens', { integer: true, min: 1 }),
      output: num(row, 'output_tokens', { integer: true }),
      // 116 of the shipped rows have no think time (not recorded): no gap is the honest reading.
      think: num(row, 'think_time_s', { ifEmpty: 0 }),
      lcpBlocks: num(row, 'lcp_prev_blocks', { integer: true, ifEmpty: 0 }),
    };
  }, o, stats);
}
