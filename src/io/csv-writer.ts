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

function csvLine(row: readonly (Cell | undefined)[], width: number): string {
  let line = csvField(row[0] ?? '');
  for (let i = 1; i < width; i++) line += `,${csvField(row[i] ?? '')}`;
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
