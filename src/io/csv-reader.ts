/**
 * Rows of CSV cells from a byte stream, for trace files (tens of thousands to millions of rows of
 * plain numbers). A line without quotes or stray carriage returns is split at commas by hand; the
 * first line that has either hands itself and the rest of the file to fast-csv, so quoting (and a
 * quoted cell spanning lines) follows fast-csv's rules exactly. Both paths read with the options
 * the trace readers use: cells trimmed, rows whose cells are all blank skipped, a UTF-8 BOM at the
 * start dropped. `bench/traces.ts` measures this against fast-csv alone, rows compared.
 */
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'fast-csv';

export const CSV_OPTIONS = { headers: false, ignoreEmpty: true, trim: true } as const;

const QUOTE = 34;
const CR = 13;
const NON_BLANK = /[^\s,]/;

/** Cells of a line with no quote and no carriage return, or undefined when fast-csv must read it. */
function plainCells(line: string): string[] | undefined {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === QUOTE || c === CR) return undefined;
  }
  const cells = line.split(',');
  for (let i = 0; i < cells.length; i++) cells[i] = cells[i].trim();
  return cells;
}

/**
 * Batches of rows (each row its trimmed cells), in file order; blank rows are left out. A reader
 * that stops early (a bad row) closes the input: a file stream is destroyed, not left open.
 */
export async function* csvCells(input: AsyncIterable<Buffer>): AsyncGenerator<string[][]> {
  const chunks = input[Symbol.asyncIterator]();
  try {
    yield* cellsOf(chunks);
  } finally {
    await chunks.return?.();
  }
}

async function* cellsOf(chunks: AsyncIterator<Buffer>): AsyncGenerator<string[][]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let atStart = true;
  for (;;) {
    const next = await chunks.next();
    let text = rest + (next.done ? decoder.end() : decoder.write(next.value));
    if (atStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStart = false;
    }
    const rows: string[][] = [];
    let start = 0;
    for (;;) {
      let nl = text.indexOf('\n', start);
      if (nl < 0 && next.done && start < text.length) nl = text.length; // a last line without newline
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      const line = text.slice(start, end);
      const cells = plainCells(line);
      if (cells === undefined) {
        if (rows.length > 0) yield rows;
        yield* withFastCsv(text.slice(start), next.done ? undefined : chunks, decoder);
        return;
      }
      if (NON_BLANK.test(line)) rows.push(cells);
      start = nl + 1;
    }
    rest = text.slice(start);
    if (rows.length > 0) yield rows;
    if (next.done) return;
  }
}

/** The rest of the file through fast-csv: `text` (already decoded), then the remaining chunks. */
async function* withFastCsv(text: string, chunks: AsyncIterator<Buffer> | undefined, decoder: StringDecoder): AsyncGenerator<string[][]> {
  const parser = parse<string[], string[]>(CSV_OPTIONS);
  let rows: string[][] = [];
  let failure: Error | undefined;
  parser.on('data', (row: string[]) => rows.push(row));
  parser.on('error', (e: Error) => (failure ??= e));
  const ended = new Promise<void>((resolve) => parser.on('end', resolve).on('close', resolve));
  const write = (data: string) => new Promise<void>((resolve) => parser.write(data, () => resolve()));
  const take = () => {
    if (failure) throw failure;
    const out = rows;
    rows = [];
    return out;
  };
  await write(text);
  for (let next = await chunks?.next(); next && !next.done; next = await chunks!.next()) {
    const batch = take();
    if (batch.length > 0) yield batch;
    await write(decoder.write(next.value));
  }
  const tail = decoder.end();
  if (tail) await write(tail);
  parser.end();
  await ended;
  const batch = take();
  if (batch.length > 0) yield batch;
}
