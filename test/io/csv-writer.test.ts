/** The output CSV writer writes exactly the bytes fast-csv's formatter writes (property test). */
import { mkdtempSync, readFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { format } from 'fast-csv';
import { CsvWriter, type Cell } from '../../src/io/csv-writer.js';

async function withFastCsv(path: string, header: string[], rows: Cell[][]): Promise<void> {
  const file = createWriteStream(path);
  const stream = format<Cell[], Cell[]>({ headers: header, writeHeaders: true, includeEndRowDelimiter: true });
  stream.pipe(file);
  for (const row of rows) stream.write(row);
  stream.end();
  await once(file, 'finish');
}

async function withOurs(path: string, header: string[], rows: Cell[][]): Promise<void> {
  const w = new CsvWriter(path, header);
  rows.forEach((row, i) => {
    w.write(row);
    if (i % 7 === 6) void w.drain();
  });
  await w.drain();
  await w.close();
}

describe('CsvWriter', () => {
  it('writes the bytes fast-csv writes: quotes, commas, pipes, CR/LF, NUL, numbers of every kind, no rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-csv-'));
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '|', '\n', '\r', '\0', "'", ';', 'é', '\t') });
    const cell: fc.Arbitrary<Cell> = fc.oneof(text, fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -0, 1e21, 5e-324));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 30 }), async (width, rows) => {
        const header = Array.from({ length: width }, (_, i) => (i === 1 ? 'a,"b"' : `col${i}`));
        const ours = join(dir, `ours-${n}.csv`);
        const theirs = join(dir, `theirs-${n++}.csv`);
        await withOurs(ours, header, rows);
        await withFastCsv(theirs, header, rows);
        expect(readFileSync(ours, 'utf8')).toBe(readFileSync(theirs, 'utf8'));
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  it('writes every double as String(x) does, in long runs of numbers as a request record has them', async () => {
    // The writer formats a row's numbers with one JSON.stringify; this pins that the text is String(x)'s
    // for arbitrary doubles (subnormals, -0, 1e21 and up, NaN, infinities) and that runs split correctly.
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-csv-'));
    const number = fc.oneof(fc.double(), fc.double({ min: 0, max: 1e6 }), fc.integer(), fc.constantFrom(-0, NaN, -Infinity, 1e21, 1e-7, 5e-324));
    const cell: fc.Arbitrary<Cell> = fc.oneof({ arbitrary: number, weight: 6 }, { arbitrary: fc.constantFrom('h100', 'a,b', ''), weight: 1 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 40, maxLength: 40 }), { minLength: 1, maxLength: 20 }), async (rows) => {
        const header = Array.from({ length: 40 }, (_, i) => `c${i}`);
        const ours = join(dir, `ours-${n}.csv`);
        const theirs = join(dir, `theirs-${n++}.csv`);
        await withOurs(ours, header, rows);
        await withFastCsv(theirs, header, rows);
        const text = readFileSync(ours, 'utf8');
        expect(text).toBe(readFileSync(theirs, 'utf8'));
        const byString = rows.map((row) => row.map((x) => (typeof x === 'number' ? String(x) : x === 'a,b' ? '"a,b"' : x)).join(','));
        expect(text).toBe(`${[header.join(','), ...byString].join('\n')}\n`);
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('streams a large output in chunks without losing or reordering rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-csv-'));
    const rows = Array.from({ length: 50_000 }, (_, i): Cell[] => [i, i * 0.001, i % 3 === 0 ? 'x,y' : 'z']);
    await withOurs(join(dir, 'ours.csv'), ['i', 't', 's'], rows);
    await withFastCsv(join(dir, 'theirs.csv'), ['i', 't', 's'], rows);
    const ours = readFileSync(join(dir, 'ours.csv'), 'utf8');
    expect(ours.split('\n').length).toBe(50_002);
    expect(ours).toBe(readFileSync(join(dir, 'theirs.csv'), 'utf8'));
  });

  it('a writer whose folder is gone reports the error from close() and never crashes the process', async () => {
    // A temporary output folder discarded (an error elsewhere, Ctrl-C) before the stream opened
    // its file: the stream's 'error' event used to be unhandled and killed the process.
    const w = new CsvWriter(join(tmpdir(), 'wafersim-no-such-folder', 'x.csv'), ['a']);
    w.write([1]);
    await new Promise((r) => setTimeout(r, 20));
    await expect(w.close()).rejects.toThrow(/ENOENT/);
  });
});
