/**
 * A streaming CSV writer for the outputs that can hold a million rows (requests.csv). It writes
 * exactly the bytes fast-csv's `format({ headers, writeHeaders: true, includeEndRowDelimiter:
 * true })` writes (a test checks this on random rows) but joins rows into 64 KB chunks itself:
 * fast-csv's per-row stream transform cost ~3x more than the formatting (docs/performance.md).
 *
 * fast-csv's rules, kept: NUL characters are dropped; a field holding a double quote is quoted with
 * its quotes doubled; a field holding a comma, CR, LF or '|' is quoted; nothing else is; a row is
 * cut or padded with empty fields to the header's width. As in fast-csv, the header line is
 * written with the first row, and an output with no rows is a single newline.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export type Cell = string | number;

const CHUNK_CHARACTERS = 1 << 16;
const NEEDS_QUOTES = /[,\r\n|]/;

export function csvField(x: Cell): string {
  if (typeof x === 'number') return `${x}`;
  const field = x.includes('\0') ? x.replace(/\0/g, '') : x;
  if (field.includes('"')) return `"${field.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(field) ? `"${field}"` : field;
}

const isFiniteNumber = (x: Cell | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** The finite numbers of the row being written, reused from row to row (see `csvLine`). */
const rowNumbers: number[] = [];

/**
 * One CSV line. A row's finite numbers are turned into text by one `JSON.stringify` of them all:
 * V8 does that in C++ 1.4-4x faster per number than `String(x)` one by one (docs/performance.md),
 * which was most of the cost of a request record. The text is the same: JSON writes a finite
 * number as ToString(number) (ECMA-262 SerializeJSONProperty), as `String(x)` does, -0 as "0"
 * included; non-finite numbers go through `csvField` (JSON would write `null`). Consecutive
 * numbers are separated by a comma in both, so a run of them is copied as one slice.
 */
function csvLine(row: readonly (Cell | undefined)[], width: number): string {
  let count = 0;
  for (let i = 0; i < width; i++) {
    const x = row[i];
    if (isFiniteNumber(x)) rowNumbers[count++] = x;
  }
  rowNumbers.length = count;
  const json = count === 0 ? '' : JSON.stringify(rowNumbers);
  let from = 1; // the text of the next number starts here, after '[' or ','
  let line = '';
  for (let i = 0; i < width; ) {
    if (i > 0) line += ',';
    if (!isFiniteNumber(row[i])) {
      line += csvField(row[i] ?? '');
      i++;
      continue;
    }
    let to = from;
    for (i++; i < width && isFiniteNumber(row[i]); i++) to = json.indexOf(',', to) + 1;
    const end = json.indexOf(',', to); // none after the row's last number: ']' ends it
    const stop = end === -1 ? json.length - 1 : end;
    line += json.slice(from, stop);
    from = stop + 1;
  }
  return `${line}\n`;
}

export class CsvWriter {
  private readonly file: ReturnType<typeof createWriteStream>;
  private chunk = '';
  private started = false;
  private pending: Promise<unknown> | undefined;
  /** A write error, kept for `drain()`/`close()`: a stream whose folder was already discarded must not crash the process. */
  private failed: Error | undefined;

  constructor(
    path: string,
    private readonly header: readonly string[],
  ) {
    this.file = createWriteStream(path);
    this.file.on('error', (error) => {
      this.failed ??= error;
    });
  }

  /** Write a row; back-pressure is honoured by `drain()`. */
  write(row: readonly Cell[]): void {
    if (!this.started) {
      this.started = true;
      this.chunk = csvLine(this.header, this.header.length);
    }
    this.chunk += csvLine(row, this.header.length);
    if (this.chunk.length >= CHUNK_CHARACTERS) this.flush();
  }

  async drain(): Promise<void> {
    this.flush();
    if (this.pending) await this.pending;
    this.pending = undefined;
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.started) this.chunk = '\n';
    this.flush();
    this.file.end();
    await once(this.file, 'finish');
  }

  private flush(): void {
    if (this.chunk === '') return;
    if (!this.file.write(this.chunk) && !this.pending) this.pending = once(this.file, 'drain').catch(() => undefined); // an error is kept in `failed`
    this.chunk = '';
  }
}
