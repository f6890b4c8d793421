/**
 * Writing 1 M request records (requests.csv rows) with the output's CSV writer, and with fast-csv's
 * formatter stream in the same process: the baseline, and the bytes the writer must reproduce. The
 * baseline is given the same text: each number already formatted as its column says (toFixed,
 * trimmed, for the nanosecond columns), since fast-csv would write raw doubles at full precision.
 */
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'fast-csv';
import { CsvWriter, type Cell } from '../src/io/csv-writer.js';
import { fixedText } from '../src/io/csv-numbers.js';
import { REQUEST_COLUMNS, requestRow, type CsvColumn } from '../src/report/csv.js';
import type { RequestRecord } from '../src/metrics/recorder.js';
import type { Row } from './rows.js';

const RECORDS = 1_000_000;
const SLICE = 10_000; // rows between drains, as a run drains between slices of simulated time

function record(i: number): RequestRecord & { repeat: number } {
  const send = i * 0.0037;
  return {
    system: 'h100', repeat: 0, id: i, session: -1, cls: 'interactive', replica: `h100/gpus/${i % 1000}`,
    send, arrive: send + 0.011, admit: send + 0.012, serverFirst: send + 0.05 + (i % 7) * 1e-3, serverDone: send + 0.4,
    clientFirst: send + 0.061, clientFirstVisible: send + 0.061, clientDone: send + 0.411, input: 1469 + (i % 300), cached: 0,
    output: 13 + (i % 50), reasoning: 0, preemptions: 0, connect: 0, upload: 1.2e-4, frontend: 0.002, rtt: 0.01, reloadSeconds: 0,
    outcome: i % 100_000 === 0 ? 'rejected' : 'completed', rejectReason: i % 100_000 === 0 ? 'exceeds_kv_capacity' : '',
  };
}

/** Records written by each writer before the timed million: in a run, the writer is compiled hot after its first thousands of records. */
const WARM_UP = 100_000;

async function writeWith(sink: { write(row: Cell[]): void; drain(): Promise<void>; close(): Promise<void> }, records = RECORDS): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < records; i++) {
    sink.write(requestRow(record(i)));
    if (i % SLICE === SLICE - 1) await sink.drain();
  }
  await sink.close();
  return (performance.now() - t0) / 1000;
}

/** A cell as the column's number format writes it: fast-csv then writes the same text. */
function formatted(x: Cell, column: CsvColumn): Cell {
  return typeof x === 'number' && column.numbers.kind === 'fixed' ? fixedText(x, column.numbers.decimals) : x;
}

function fastCsv(path: string) {
  const file = createWriteStream(path);
  const stream = format<Cell[], Cell[]>({ headers: REQUEST_COLUMNS.map((c) => c.name), writeHeaders: true, includeEndRowDelimiter: true });
  stream.pipe(file);
  let pending: Promise<unknown> | undefined;
  return {
    write: (row: Cell[]) => {
      if (!stream.write(row.map((x, i) => formatted(x, REQUEST_COLUMNS[i]))) && !pending) pending = once(stream, 'drain');
    },
    drain: async () => {
      if (pending) await pending;
      pending = undefined;
    },
    close: async () => {
      stream.end();
      await once(file, 'finish');
    },
  };
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export async function recordRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wafersim-bench-records-'));
  try {
    let ours = Infinity;
    let theirs = Infinity;
    await writeWith(new CsvWriter(join(dir, 'ours.csv'), REQUEST_COLUMNS), WARM_UP);
    await writeWith(fastCsv(join(dir, 'fast-csv.csv')), WARM_UP);
    for (let round = 0; round < 1; round++) {
      ours = Math.min(ours, await writeWith(new CsvWriter(join(dir, 'ours.csv'), REQUEST_COLUMNS)));
      theirs = Math.min(theirs, await writeWith(fastCsv(join(dir, 'fast-csv.csv'))));
    }
    if (digest(join(dir, 'ours.csv')) !== digest(join(dir, 'fast-csv.csv'))) throw new Error('bench: the CSV writer and fast-csv wrote different bytes');
    return [{ name: 'writing 1 M request records (requests.csv), warm', value: ours, unit: 's', baseline: { name: 'fast-csv formatter stream, given the same formatted numbers', value: theirs }, higherIsBetter: false, goal: '<= 1.5 s' }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
