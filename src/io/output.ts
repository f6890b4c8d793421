/**
 * Outputs appear whole or not at all: a run writes into a new temporary folder beside the target
 * and renames it into place at the end; on failure or interruption the temporary folder is removed
 * and an older output folder stays as it was. Nothing outside the output folder is moved or
 * deleted (the target is checked by output-target.ts first). CSV files stream row by row (csv-writer.ts).
 */
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CsvWriter } from './csv-writer.js';
import type { CsvColumn } from '../report/csv.js';
import { checkOutputTarget, makeFolders, removeCreatedFolders, writeMarker, type OutputKind } from './output-target.js';
import { packageVersion } from './package.js';

export { CsvWriter };

/** Temporary folders not yet committed or discarded: an interrupted process removes them. */
const unfinished = new Set<OutputDir>();

export function discardUnfinished(): void {
  for (const out of [...unfinished]) out.discard();
}

export class OutputDir {
  readonly tmp: string;
  private closed = false;
  /** Check the target (see checkOutputTarget) and open a new temporary folder beside it. */
  static open(text: string, kind: OutputKind, inputs: string[]): OutputDir {
    return new OutputDir(checkOutputTarget(text, inputs), kind, inputs);
  }
  private readonly createdParent: string | undefined;
  private constructor(readonly target: string, readonly kind: OutputKind, private readonly inputs: string[]) {
    this.createdParent = makeFolders(dirname(target));
    this.tmp = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
    unfinished.add(this);
    writeMarker(this.tmp, kind, packageVersion());
  }
  path(name: string): string {
    return join(this.tmp, name);
  }
  csv(name: string, header: readonly (string | CsvColumn)[]): CsvWriter {
    return new CsvWriter(this.path(name), header);
  }
  write(name: string, text: string): void {
    writeFileSync(this.path(name), text);
  }
  /** Move the finished folder into place, replacing an older one only if it is still replaceable. */
  commit(): void {
    checkOutputTarget(this.target, this.inputs); // it may have changed while the run ran
    // The old folder steps aside under our temporary folder's unique name, then goes.
    const old = existsSync(this.target) ? `${this.tmp}.old` : undefined;
    if (old) renameSync(this.target, old);
    renameSync(this.tmp, this.target);
    if (old) rmSync(old, { recursive: true, force: true });
    this.closed = true;
    unfinished.delete(this);
  }
  discard(): void {
    if (!this.closed) {
      // On a signal, a stream's file open may still land in the folder while it is removed
      // (ENOTEMPTY, seen under load even with retries). Renamed first, the folder is out of those
      // opens' path (they fail instead); retrying re-lists and removes what arrived before.
      const doomed = `${this.tmp}.discard`;
      let gone = this.tmp;
      try {
        renameSync(this.tmp, doomed);
        gone = doomed;
      } catch {
        // Already gone, or not renameable: remove it where it is.
      }
      rmSync(gone, { recursive: true, force: true, maxRetries: 10, retryDelay: 10 });
      removeCreatedFolders(this.createdParent, dirname(this.target));
    }
    this.closed = true;
    unfinished.delete(this);
  }
}
