import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../src/domain/errors.js';
import { MAX_LINE_BYTES, newTraceStats, parseTimestamp, readAgentic, readAzure, readMooncake } from '../../src/io/traces.js';
import { sessionsOf } from '../../src/workload/index.js';

const TRACES = resolve(__dirname, '../../data/traces');
const dir = mkdtempSync(join(tmpdir(), 'wafersim-traces-'));

/** A reader's rows (they come in batches). */
async function collect<T>(batches: AsyncIterable<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('Azure trace reader', () => {
  it('reads the 2023 naive and 2024 UTC-offset timestamps', () => {
    expect(parseTimestamp('2023-11-16 18:17:03.9799600')).toBe(Date.UTC(2023, 10, 16, 18, 17, 3) + 979.96);
    expect(parseTimestamp('2024-05-10 00:00:00.009930+00:00')).toBeCloseTo(Date.UTC(2024, 4, 10) + 9.93, 6);
    expect(parseTimestamp('2024-05-10 02:00:00+02:00')).toBe(Date.UTC(2024, 4, 10));
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });
  it('reads a plain timestamp without the regex to exactly the regex\'s number, and leaves anything else to it', () => {
    // A leading space makes parseTimestamp trim and take the regex, so it is the reference here.
    const field = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
    // Mostly the right separator, so most texts take the fast path.
    const sep = (right: string) => fc.oneof({ arbitrary: fc.constant(right), weight: 30 }, { arbitrary: fc.constantFrom('-', ':', ' ', 'T', '.', 'x'), weight: 1 });
    const text = fc
      .tuple(field(4), sep('-'), field(2), sep('-'), field(2), sep(' '), field(2), sep(':'), field(2), sep(':'), field(2), fc.oneof(fc.constant(''), fc.constant('.'), field(7).map((f) => `.${f}`), fc.stringMatching(/^\.\d{1,12}$/), fc.constantFrom('Z', '+02:00', '.5 ', '.5x', ' ')))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(parseTimestamp(t)).toBe(parseTimestamp(` ${t}`));
      }),
      { numRuns: 3000, seed: 17 },
    );
  });
  it('streams the shipped code trace: 8,819 requests over ~57 minutes', async () => {
    const stats = newTraceStats();
    const rows = await collect(readAzure(`${TRACES}/azure2023_code.csv`, 'azure2023_code.csv', { skipBad: false }, stats));
    expect(rows).toHaveLength(8819);
    expect(rows[0]).toEqual({ time: 0, input: 4808, output: 10 });
    expect(rows.at(-1)!.time / 60).toBeGreaterThan(55);
    expect(rows.at(-1)!.time / 60).toBeLessThan(60);
  });
  const header = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';
  const good = '2023-11-16 18:17:03.9799600,4808,10\n';
  it.each([
    ['a missing cell', `${good}2023-11-16 18:17:04.0,100\n`, /bad\.csv: line 3: expected 3 cells, as in the header .*, found 2/],
    ['an extra cell', `${good}2023-11-16 18:17:04.0,100,5,7\n`, /bad\.csv: line 3: expected 3 cells, as in the header .*, found 4/],
    ['an empty cell', `${good}2023-11-16 18:17:04.0,100,\n`, /bad\.csv: line 3, column GeneratedTokens: expected a value in column GeneratedTokens/],
    ['an infinite value', `${good}2023-11-16 18:17:04.0,1e999,5\n`, /line 3, column ContextTokens: expected a whole number in column ContextTokens .*, found "1e999"/],
    ['a non-numeric value', `${good}2023-11-16 18:17:04.0,lots,5\n`, /line 3, column ContextTokens: expected a whole number in column ContextTokens .*, found "lots"/],
    ['a negative value', `${good}2023-11-16 18:17:04.0,-5,5\n`, /line 3, column ContextTokens: expected a number >= 0/],
    ['time going backwards', `${good}2023-11-16 18:17:02.0,5,5\n`, /line 3, column TIMESTAMP: expected a time no earlier than the previous row's .*, found 2023-11-16 18:17:02.0, 1\.980 s earlier/],
    ['a bad timestamp', `${good}tuesday,5,5\n`, /line 3, column TIMESTAMP: expected a timestamp like/],
  ])('rejects %s naming the file and line', async (_what, body, message) => {
    const path = file('bad.csv', header + body);
    const error = await collect(readAzure(path, 'bad.csv', { skipBad: false }, newTraceStats())).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(message);
  });
  it.each([
    ['an empty file', '', /empty\.csv: \(file\): expected a header line .*, found an empty file/],
    ['a header-only file', header, /empty\.csv: \(file\): expected at least one data row, found no rows/],
    ['a line longer than the limit', `${header}${good}${'9'.repeat(MAX_LINE_BYTES + 10)}\n`, /empty\.csv: line 3: expected lines of at most 1048576 bytes, found a longer line/],
  ])('rejects %s', async (_what, body, message) => {
    const path = file('empty.csv', body);
    const error = await collect(readAzure(path, 'empty.csv', { skipBad: false }, newTraceStats())).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(message);
  });
  it('refuses a FIFO, a device and a folder without reading them', async () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    for (const [path, found] of [[fifo, 'a FIFO \\(named pipe\\)'], ['/dev/zero', 'a special file'], [dir, 'a folder']] as const) {
      for (const read of [readAzure, readMooncake, readAgentic]) {
        const error = await collect(read(path, 'x', { skipBad: false }, newTraceStats()) as AsyncIterable<readonly unknown[]>).catch((e) => e);
        expect(error.message).toMatch(new RegExp(`x: \\(file\\): expected a regular file, found ${found}`));
      }
    }
  });
  it('rejects a Mooncake line longer than the limit without reading it whole', async () => {
    const path = file('long.jsonl', `{"timestamp": 0, "input_length": 5, "output_length": 5}\n${' '.repeat(3 * MAX_LINE_BYTES)}\n`);
    const error = await collect(readMooncake(path, 'long.jsonl', { skipBad: false }, newTraceStats())).catch((e) => e);
    expect(error.message).toMatch(/long\.jsonl: line 2: expected lines of at most/);
  });
  it('rejects a file without the expected columns', async () => {
    const path = file('cols.csv', 'time,in,out\n1,2,3\n');
    const error = await collect(readAzure(path, 'cols.csv', { skipBad: false }, newTraceStats())).catch((e) => e);
    expect(error.message).toMatch(/cols\.csv: line 1 \(header\): expected columns TIMESTAMP, ContextTokens, GeneratedTokens/);
  });
  it('skips and counts bad rows when asked', async () => {
    const path = file('skip.csv', header + good + '2023-11-16 18:17:04.0,x,5\n2023-11-16 18:17:05.0,7,5\n2023-11-16 18:17:01.0,7,5\n');
    const stats = newTraceStats();
    const rows = await collect(readAzure(path, 'skip.csv', { skipBad: true }, stats));
    expect(rows.map((r) => r.input)).toEqual([4808, 7]);
    expect(stats).toMatchObject({ rows: 2, skipped: 2 });
    expect(stats.examples.map((p) => p.where)).toEqual(['line 3, column ContextTokens', 'line 5, column TIMESTAMP']);
  });
  it('streams a 100 MB trace in bounded memory', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write(header);
    let bytes = header.length;
    const start = Date.UTC(2024, 4, 10);
    let i = 0;
    while (bytes < 100e6) {
      const line = `${new Date(start + i * 10).toISOString().replace('T', ' ').replace('Z', '+00:00')},${1000 + (i % 5000)},${10 + (i % 300)}\n`;
      if (!out.write(line)) await once(out, 'drain');
      bytes += line.length;
      i++;
    }
    out.end();
    await once(out, 'finish');
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let n = 0;
    for await (const batch of readAzure(path, 'big.csv', { skipBad: false }, newTraceStats())) {
      for (const _row of batch) if (++n % 100_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(n).toBe(i);
    console.log(`100 MB trace: ${n.toLocaleString('en-US')} rows, heap grew by at most ${((peak - before) / 1e6).toFixed(1)} MB`);
    expect(peak - before).toBeLessThan(64e6);
  }, 120_000);
});

describe('Mooncake and kv-cache-tester readers', () => {
  it('reads Mooncake JSONL with prefix hashes', async () => {
    const rows = await collect(readMooncake(`${TRACES}/mooncake_conversation_trace.jsonl`, 'mooncake', { skipBad: false }, newTraceStats()));
    expect(rows).toHaveLength(12031);
    expect(rows[0]).toMatchObject({ time: 0, input: 6758, output: 500 });
    expect(rows[0].hashIds).toHaveLength(14);
  });
  it('names the line of a malformed JSONL row', async () => {
    const path = file('bad.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 1}\n{"timestamp": 1, "input_length": "many"}\nnot json\n');
    const error = await collect(readMooncake(path, 'bad.jsonl', { skipBad: false }, newTraceStats())).catch((e) => e);
    expect(error.message).toMatch(/bad\.jsonl: line 2, column input_length: expected a whole number/);
    const stats = newTraceStats();
    expect(await collect(readMooncake(path, 'bad.jsonl', { skipBad: true }, stats))).toHaveLength(1);
    expect(stats.skipped).toBe(2);
  });
  it('groups kv-cache-tester rows into 710 sessions with their sub-agents', async () => {
    let sessions = 0;
    let subagents = 0;
    for await (const s of sessionsOf(readAgentic(`${TRACES}/weka_claude_code_requests.csv`, 'weka', { skipBad: false }, newTraceStats()))) {
      sessions++;
      subagents += s.agents.size - 1;
      for (const rows of s.agents.values()) rows.forEach((r, i) => i > 0 && expect(r.reqIdx).toBeGreaterThan(rows[i - 1].reqIdx));
    }
    expect(sessions).toBe(710);
    expect(subagents).toBe(63);
  });
});
