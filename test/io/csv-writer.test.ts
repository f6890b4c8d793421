/**
 * The output CSV writer writes exactly the bytes fast-csv's formatter writes (property tests):
 * given the same rows, or for columns at a fixed resolution, the same rows with their numbers
 * formatted by toFixed, trimmed.
 */
import { mkdtempSync, readFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { format } from 'fast-csv';
import { CsvWriter, type Cell } from '../../src/io/csv-writer.js';
import { REQUEST_COLUMNS, requestRow, type CsvColumn } from '../../src/report/csv.js';
import { LATENCY_METRICS, latencies, type RequestRecord } from '../../src/metrics/recorder.js';

async function withFastCsv(path: string, header: string[], rows: Cell[][]): Promise<void> {
  const file = createWriteStream(path);
  const stream = format<Cell[], Cell[]>({ headers: header, writeHeaders: true, includeEndRowDelimiter: true });
  stream.pipe(file);
  for (const row of rows) stream.write(row);
  stream.end();
  await once(file, 'finish');
}

async function withOurs(path: string, header: readonly (string | CsvColumn)[], rows: Cell[][]): Promise<void> {
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
    // Whole numbers are written digit by digit, others by String(x): this pins the text for arbitrary
    // doubles (subnormals, -0, 1e21 and up, NaN, infinities) in rows as wide as a request record.
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-csv-'));
    const number = fc.oneof(fc.double(), fc.double({ min: 0, max: 1e6 }), fc.integer(), fc.maxSafeInteger(), fc.constantFrom(-0, NaN, -Infinity, 1e21, 1e-7, 5e-324));
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

  it('columns at a fixed resolution: the bytes fast-csv writes given the numbers as toFixed writes them, trimmed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-csv-'));
    const columns: CsvColumn[] = [
      { name: 't_s', numbers: { kind: 'fixed', decimals: 9 } },
      { name: 'x_ms', numbers: { kind: 'fixed', decimals: 6 } },
      { name: 'n', numbers: { kind: 'shortest' } },
      { name: 'whole', numbers: { kind: 'fixed', decimals: 0 } },
    ];
    const trimmed = (x: number, decimals: number) => {
      const s = x.toFixed(decimals);
      const t = s.includes('.') && !s.includes('e') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
      return t === '-0' ? '0' : t;
    };
    const formatted = (row: Cell[]) => row.map((x, i) => (typeof x !== 'number' || i >= columns.length || columns[i].numbers.kind === 'shortest' ? x : trimmed(x, (columns[i].numbers as { decimals: number }).decimals)));
    const number = fc.oneof(fc.double(), fc.double({ min: -1e7, max: 1e7 }), fc.integer(), fc.maxSafeInteger(), fc.constantFrom(-0, NaN, -Infinity, 1e21, 2 ** 53, 5e-324, 0.5, -1e-12));
    const cell: fc.Arbitrary<Cell> = fc.oneof({ arbitrary: number, weight: 5 }, { arbitrary: fc.constantFrom('h100', 'a,b', 'q"uote', 'é|', ''), weight: 1 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 30 }), async (rows) => {
        const ours = join(dir, `ours-${n}.csv`);
        const theirs = join(dir, `theirs-${n++}.csv`);
        await withOurs(ours, columns, rows);
        await withFastCsv(theirs, columns.map((c) => c.name), rows.map(formatted));
        expect(readFileSync(ours, 'utf8')).toBe(readFileSync(theirs, 'utf8'));
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('requests.csv: one cell per column; times in s and ms to the nanosecond, counts whole', () => {
    const record: RequestRecord & { repeat: number } = {
      system: 'h100', repeat: 0, id: 7, session: -1, cls: 'interactive', replica: 'h100/gpus/7', send: 1, arrive: 1.011, admit: 1.012, serverFirst: 1.05,
      serverDone: 1.4, clientFirst: 1.061, clientFirstVisible: 1.07, clientDone: 1.411, input: 1469, cached: 0, output: 13, reasoning: 0, preemptions: 0,
      connect: 0, upload: 1.2e-4, frontend: 0.002, rtt: 0.01, reloadSeconds: 0, outcome: 'completed', rejectReason: '',
    };
    const row = requestRow(record);
    expect(row.length).toBe(REQUEST_COLUMNS.length);
    const cell = (name: string) => row[REQUEST_COLUMNS.findIndex((c) => c.name === name)];
    const l = latencies(record);
    for (const m of LATENCY_METRICS) expect(cell(`${m}_ms`), m).toBe(l[m] * 1000);
    expect([cell('send_s'), cell('client_done_s'), cell('upload_ms'), cell('outcome')]).toEqual([1, 1.411, 1.2e-4 * 1000, 'completed']);
    for (const c of REQUEST_COLUMNS) {
      const decimals = c.name.endsWith('_ms') ? 6 : c.name.endsWith('_s') ? 9 : undefined;
      expect(c.numbers, c.name).toEqual(decimals === undefined ? { kind: 'shortest' } : { kind: 'fixed', decimals });
    }
    expect(REQUEST_COLUMNS.filter((c) => c.numbers.kind === 'fixed').map((c) => c.name)).toContain('ttft_ms');
  });

  it('streams a large output in chunks without losing or reordering rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-csv-'));
    const rows = Array.from({ length: 50_000 }, (_, i): Cell[] => [i, i * 0.001, i % 3 === 0 ? 'x,y' : 'z']);
    // Fields longer than a 64 KB chunk, plain and quoted, and past ASCII.
    rows.splice(20_000, 0, [1, 'a'.repeat(200_000), 'b'], [2, 'c,"'.repeat(70_000), 'é'.repeat(40_000)]);
    await withOurs(join(dir, 'ours.csv'), ['i', 't', 's'], rows);
    await withFastCsv(join(dir, 'theirs.csv'), ['i', 't', 's'], rows);
    const ours = readFileSync(join(dir, 'ours.csv'), 'utf8');
    expect(ours.split('\n').length).toBe(50_004);
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
