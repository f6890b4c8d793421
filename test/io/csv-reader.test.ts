import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'fast-csv';
import { CSV_OPTIONS, csvCells } from '../../src/io/csv-reader.js';

/** `bytes` cut into chunks at `cuts` (byte offsets, so a UTF-8 character may be split). */
function chunked(bytes: Buffer, cuts: number[]): AsyncIterable<Buffer> {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) parts.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  return Readable.from(parts, { objectMode: true });
}

async function ours(bytes: Buffer, cuts: number[] = []): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of csvCells(chunked(bytes, cuts))) rows.push(...batch);
  return rows;
}

async function fastCsv(bytes: Buffer): Promise<string[][]> {
  const rows: string[][] = [];
  const parser = Readable.from([bytes]).pipe(parse<string[], string[]>(CSV_OPTIONS));
  for await (const row of parser) rows.push(row as string[]);
  return rows;
}

describe('CSV reader for traces', () => {
  it('reads every shipped CSV trace exactly as fast-csv does', async () => {
    for (const name of ['azure2023_code.csv', 'azure2023_conv.csv', 'weka_claude_code_requests.csv', 'weka_claude_code_traces.csv']) {
      const bytes = readFileSync(resolve(__dirname, '../../data/traces', name));
      const expected = await fastCsv(bytes);
      expect(expected.length).toBeGreaterThan(700);
      expect(await ours(bytes, [1000, 65536, 100_001])).toEqual(expected);
    }
  });

  it('hands quoted cells, cells spanning lines and stray carriage returns to fast-csv', async () => {
    const text = 'a,b,c\n1, 2 ,3\r\n"x,y",2,3\n"multi\nline",5,6\n\n , ,\n7,8,9\r10,11,12';
    const bytes = Buffer.from(text);
    const rows = await ours(bytes, [3, 17, 30]);
    expect(rows).toEqual(await fastCsv(bytes));
    expect(rows).toContainEqual(['x,y', '2', '3']);
    expect(rows).toContainEqual(['multi\nline', '5', '6']);
  });

  it('closes its input when the reader stops early', async () => {
    let closed = false;
    const input: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => {
        const parts = [Buffer.from('a,b\n1,2\n'), Buffer.from('3,4\n')];
        return {
          next: async () => (parts.length > 0 ? { done: false, value: parts.shift()! } : { done: true, value: undefined }),
          return: async () => {
            closed = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    for await (const batch of csvCells(input)) {
      expect(batch[0]).toEqual(['a', 'b']);
      break;
    }
    expect(closed).toBe(true);
  });

  it('agrees with fast-csv on any text and any chunking (property)', async () => {
    const cell = fc.oneof(
      fc.integer({ min: 0, max: 99999 }).map(String),
      fc.constantFrom('', ' ', ' 7 ', '"q"', '"a,b"', '"x""y"', '"l1\nl2"', '\r', 'é', '😀', '\t3'),
    );
    const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    const text = fc.tuple(fc.boolean(), fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(
      ([bom, lines, eol, finalEol]) => (bom ? '\ufeff' : '') + lines.join(eol) + (finalEol ? eol : ''),
    );
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 5 }), async (t, cuts) => {
        const bytes = Buffer.from(t);
        let expected: string[][] | Error;
        try {
          expected = await fastCsv(bytes);
        } catch (e) {
          expected = e as Error;
        }
        if (expected instanceof Error) await expect(ours(bytes, cuts)).rejects.toThrow(expected.message);
        else expect(await ours(bytes, cuts)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
