/**
 * A streaming CSV writer for the outputs that can hold a million rows (requests.csv). Rows are
 * written as bytes into reused 64 KB chunks (no string per row or per number): fast-csv's per-row
 * stream transform, and then building each line as a string, cost more than the formatting
 * (docs/performance.md). A column's numbers are written as its `NumberFormat` says (report/csv.ts):
 * `shortest` as String(x), `fixed` by csv-numbers.ts; a number that is not finite as String(x).
 *
 * fast-csv's rules for text, kept (a test compares the bytes with fast-csv's
 * `format({ headers, writeHeaders: true, includeEndRowDelimiter: true })`): NUL characters are
 * dropped; a field holding a double quote is quoted with its quotes doubled; a field holding a
 * comma, CR, LF or '|' is quoted; nothing else is; a row is cut or padded with empty fields to the
 * header's width. As in fast-csv, the header line is written with the first row, and an output
 * with no rows is a single newline.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { assertNever } from '../domain/never.js';
import type { CsvColumn } from '../report/csv.js';
import { fixedText, MAX_FIXED_DECIMALS, writeFixed, writeInteger } from './csv-numbers.js';

export type Cell = string | number;

const CHUNK_BYTES = 1 << 16;
/** Room for any number's text: String(x) and toFixed(≤ 9) of a finite double are at most 32 characters. */
const NUMBER_BYTES = 40;
const NEEDS_QUOTES = /[,\r\n|]/;
const COMMA = 44;
const NEWLINE = 10;
/** `decimals` of a column whose numbers are written in their shortest form. */
const SHORTEST = -1;

export function csvField(x: Cell): string {
  if (typeof x === 'number') return `${x}`;
  const field = x.includes('\0') ? x.replace(/\0/g, '') : x;
  if (field.includes('"')) return `"${field.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(field) ? `"${field}"` : field;
}

/** A column given by its name alone writes its numbers in their shortest form. */
function decimalsOf(column: string | CsvColumn): number {
  if (typeof column === 'string') return SHORTEST;
  const format = column.numbers;
  switch (format.kind) {
    case 'shortest':
      return SHORTEST;
    case 'fixed':
      if (!(Number.isInteger(format.decimals) && format.decimals >= 0 && format.decimals <= MAX_FIXED_DECIMALS)) throw new Error(`CSV column ${column.name}: decimals must be a whole number from 0 to ${MAX_FIXED_DECIMALS}, found ${format.decimals}`);
      return format.decimals;
    default:
      return assertNever(format);
  }
}

/** Whole numbers of 32 bits are the same text in every format; the caller made room for NUMBER_BYTES. */
function writeNumber(out: Buffer, at: number, x: number, decimals: number): number {
  if (x === (x | 0)) return writeInteger(out, at, x);
  if (decimals === SHORTEST) return Number.isSafeInteger(x) ? writeInteger(out, at, x) : writeAscii(out, at, `${x}`); // ids reach 2^31 and more
  const end = writeFixed(out, at, x, decimals);
  return end >= 0 ? end : writeAscii(out, at, Number.isFinite(x) ? fixedText(x, decimals) : `${x}`);
}

function writeAscii(out: Buffer, at: number, x: string): number {
  for (let i = 0; i < x.length; i++) out[at++] = x.charCodeAt(i);
  return at;
}

/** Text with nothing to quote or drop and no byte above 127 is copied as it is; the rest goes through csvField, as UTF-8. */
function writeText(out: Buffer, at: number, x: string): number {
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    // NUL, LF, CR, '"', ',', '|' and everything past ASCII take the slow path.
    if (c === 0 || c === 10 || c === 13 || c === 34 || c === 44 || c === 124 || c > 127) return at + out.write(csvField(x), at, 'utf8');
    out[at + i] = c;
  }
  return at + x.length;
}

export class CsvWriter {
  private readonly file: ReturnType<typeof createWriteStream>;
  private readonly header: string[];
  /** Per column, its fixed decimals or SHORTEST. */
  private readonly decimals: Int8Array;
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;
  /** Chunks the file stream has finished with, to fill again. */
  private readonly spare: Buffer[] = [];
  private started = false;
  private pending: Promise<unknown> | undefined;
  /** A write error, kept for `drain()`/`close()`: a stream whose folder was already discarded must not crash the process. */
  private failed: Error | undefined;

  constructor(path: string, columns: readonly (string | CsvColumn)[]) {
    this.header = columns.map((c) => (typeof c === 'string' ? c : c.name));
    this.decimals = Int8Array.from(columns, decimalsOf);
    this.file = createWriteStream(path);
    this.file.on('error', (error) => {
      this.failed ??= error;
    });
  }

  /** Write a row; back-pressure is honoured by `drain()`. */
  write(row: readonly Cell[]): void {
    if (!this.started) {
      this.started = true;
      this.line(this.header);
    }
    this.line(row); // a full chunk is handed to the file as soon as the next field does not fit
  }

  async drain(): Promise<void> {
    this.flush();
    if (this.pending) await this.pending;
    this.pending = undefined;
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.started) this.chunk[this.at++] = NEWLINE;
    this.flush();
    this.file.end();
    await once(this.file, 'finish');
  }

  private line(row: readonly (Cell | undefined)[]): void {
    const width = this.header.length;
    let out = this.chunk;
    let at = this.at;
    for (let i = 0; i < width; i++) {
      const x = row[i];
      // A comma and the field: quoting and UTF-8 make text at most 3 bytes per UTF-16 unit, plus 2.
      const bytes = typeof x === 'string' ? 3 * x.length + 3 : NUMBER_BYTES;
      if (at + bytes > out.length) {
        this.at = at;
        this.reserve(bytes);
        out = this.chunk;
        at = this.at;
      }
      if (i > 0) out[at++] = COMMA;
      if (typeof x === 'number') at = writeNumber(out, at, x, this.decimals[i]);
      else at = writeText(out, at, x ?? '');
    }
    if (at === out.length) {
      this.at = at;
      this.reserve(1);
      out = this.chunk;
      at = this.at;
    }
    out[at++] = NEWLINE;
    this.at = at;
  }

  /** Hand the chunk over and start an empty one that holds `bytes` (a field may be longer than a chunk). */
  private reserve(bytes: number): void {
    this.flush();
    if (bytes > this.chunk.length) this.chunk = Buffer.allocUnsafe(bytes);
  }

  private flush(): void {
    if (this.at === 0) return;
    const chunk = this.chunk;
    const written = this.file.write(chunk.subarray(0, this.at), () => {
      if (chunk.length === CHUNK_BYTES) this.spare.push(chunk);
    });
    if (!written && !this.pending) this.pending = once(this.file, 'drain').catch(() => undefined); // an error is kept in `failed`
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.at = 0;
  }
}
