/**
 * Reading trace CSVs: the trace readers' CSV reader (plain lines split by hand, fast-csv for the
 * rest) against fast-csv's parser stream alone, in the same process, alternating, best of five;
 * both must give the same rows.
 */
import { performance } from 'node:perf_hooks';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'fast-csv';
import { CSV_OPTIONS, csvCells } from '../src/io/csv-reader.js';
import { packageRoot } from '../src/io/package.js';
import type { Row } from './rows.js';

const FILES = ['azure2023_conv.csv', 'weka_claude_code_requests.csv'];

async function ours(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of csvCells(createReadStream(path))) for (const row of batch) rows.push(row);
  return rows;
}

async function fastCsv(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of createReadStream(path).pipe(parse<string[], string[]>(CSV_OPTIONS))) rows.push(row as string[]);
  return rows;
}

export async function traceRows(): Promise<Row[]> {
  const out: Row[] = [];
  for (const name of FILES) {
    const path = join(packageRoot(), 'data/traces', name);
    let best = Infinity;
    let baseline = Infinity;
    let rows = 0;
    for (let round = 0; round <= 5; round++) {
      let t0 = performance.now();
      const a = await ours(path);
      const mine = performance.now() - t0;
      t0 = performance.now();
      const b = await fastCsv(path);
      const theirs = performance.now() - t0;
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`bench: the trace CSV reader and fast-csv read ${name} differently`);
      rows = a.length;
      if (round > 0) {
        best = Math.min(best, mine);
        baseline = Math.min(baseline, theirs);
      }
    }
    out.push({ name: `parsing ${name} (${rows} rows)`, value: best, unit: 'ms', baseline: { name: 'fast-csv parser stream', value: baseline }, higherIsBetter: false });
  }
  return out;
}
