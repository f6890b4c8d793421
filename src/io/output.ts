/**
 * Outputs appear whole or not at all: a run writes into a temporary folder beside the target
 * and renames it into place at the end; on failure the temporary folder is removed and an older
 * output folder stays as it was. CSV files stream row by row (fast-csv).
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { format, type CsvFormatterStream } from 'fast-csv';

type Cell = string | number;

export class CsvWriter {
  private stream: CsvFormatterStream<Cell[], Cell[]>;
  private file: ReturnType<typeof createWriteStream>;
  private pending: Promise<unknown> | undefined;
  constructor(path: string, header: string[]) {
    this.file = createWriteStream(path);
    this.stream = format<Cell[], Cell[]>({ headers: header, writeHeaders: true, includeEndRowDelimiter: true });
    this.stream.pipe(this.file);
  }
  /** Write a row; back-pressure is honoured by `drain()`. */
  write(row: Cell[]): void {
    if (!this.stream.write(row) && !this.pending) this.pending = once(this.stream, 'drain');
  }
  async drain(): Promise<void> {
    if (this.pending) await this.pending;
    this.pending = undefined;
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.file, 'finish');
  }
}

export class OutputDir {
  readonly tmp: string;
  private closed = false;
  constructor(readonly target: string) {
    const parent = dirname(target);
    mkdirSync(parent, { recursive: true });
    this.tmp = join(parent, `.${basename(target)}.tmp-${process.pid}`);
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp);
  }
  path(name: string): string {
    return join(this.tmp, name);
  }
  csv(name: string, header: string[]): CsvWriter {
    return new CsvWriter(this.path(name), header);
  }
  write(name: string, text: string): void {
    writeFileSync(this.path(name), text);
  }
  /** Move the finished folder into place (replacing an older one). */
  commit(): void {
    const old = `${this.target}.old-${process.pid}`;
    if (existsSync(this.target)) renameSync(this.target, old);
    renameSync(this.tmp, this.target);
    rmSync(old, { recursive: true, force: true });
    this.closed = true;
  }
  discard(): void {
    if (!this.closed) rmSync(this.tmp, { recursive: true, force: true });
    this.closed = true;
  }
}
