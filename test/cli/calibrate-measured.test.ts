/**
 * `wafersim calibrate --hardware ID --stack NAME FILE…` on the shipped examples
 * (examples/measurements/: illustrative figures made by wafersim with the vLLM stack's
 * stepOverheadMs at 4.0 ms, then moved by −5% … +5%; see its README). The fit must come back near
 * 4 ms and its printed errors must be what its printed figures say.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMeasurementFile } from '../../src/io/measurements.js';
import { readStack } from '../../src/io/models.js';
import { ROOT, wafersim } from '../support/cli.js';

const EXAMPLES = join(ROOT, 'examples/measurements');
const example = (name: string) => join(EXAMPLES, name);

interface PrintedRow {
  id: string;
  published: number;
  simulated: number;
  inSample: number;
  leaveOneOut: number;
}

/** The fit-row table `calibrate` prints: id, published, simulated, in-sample %, leave-one-out %. */
function printedRows(stdout: string): PrintedRow[] {
  return stdout.split('\n')
    .map((line) => /^(\S+ (?:TTFT ms|ITL ms|output tok\/s))\s+([\d,.]+)\s+([\d,.]+)\s+([+-][\d.]+)%\s+([+-][\d.]+)%$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: m[1], published: Number(m[2].replaceAll(',', '')), simulated: Number(m[3].replaceAll(',', '')), inSample: Number(m[4]) / 100, leaveOneOut: Number(m[5]) / 100 }));
}

const fittedOverhead = (stdout: string) => Number(/^stepOverheadMs\s+[\d.]+\s+([\d.]+)/m.exec(stdout)?.[1]);

describe('calibrate from measurements', () => {
  it('fits the vLLM stack to the plain CSV example: step overhead near the 4.0 ms it was made with; 9 figures with in-sample and leave-one-out errors', () => {
    const r = wafersim(['calibrate', '--hardware', 'h100-sxm', '--stack', 'vllm', example('plain-h100-llama-3.1-8b.csv')]);
    expect(r.stderr).not.toMatch(/bad input/);
    expect(r.code).toBe(0);
    // The perturbations (±5%) move the optimum, not by more than ~20%.
    expect(fittedOverhead(r.stdout)).toBeGreaterThan(3.2);
    expect(fittedOverhead(r.stdout)).toBeLessThan(4.8);
    const rows = printedRows(r.stdout);
    expect(rows.map((x) => x.id.replace(/^.*csv:/, ''))).toEqual(['2 TTFT ms', '2 ITL ms', '2 output tok/s', '3 TTFT ms', '3 ITL ms', '3 output tok/s', '4 TTFT ms', '4 ITL ms', '4 output tok/s']);
    for (const row of rows) {
      // The printed error is the printed figures' (4 significant figures each).
      expect(Math.abs(row.inSample - (row.simulated - row.published) / row.published)).toBeLessThan(0.002);
      // The figures were perturbed by at most 5%: a fit of the right model stays near that.
      expect(Math.abs(row.inSample)).toBeLessThan(0.07);
      expect(Math.abs(row.leaveOneOut)).toBeLessThan(0.12);
    }
  });

  it('reads the same runs from the vLLM, genai-perf JSON, genai-perf CSV and plain CSV examples', async () => {
    const plain = await readMeasurementFile(example('plain-h100-llama-3.1-8b.csv'), {});
    const strip = (r: (typeof plain)[number]) => ({ tp: r.tp, inputTokens: r.inputTokens, outputTokens: r.outputTokens, concurrency: r.concurrency, ttftMs: r.ttftMs, itlMs: r.itlMs, outputTokensPerSecond: r.outputTokensPerSecond });
    const vllm = await Promise.all([1, 16, 64].map((c) => readMeasurementFile(example(`vllm-h100-llama-3.1-8b-c${c}.json`), {})));
    expect(vllm.flat().map(strip)).toEqual(plain.map(strip));
    expect(vllm[0][0].model).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect((await readMeasurementFile(example('genai-perf-h100-llama-3.1-8b-c16.json'), {})).map(strip)).toEqual([strip(plain[1])]);
    expect((await readMeasurementFile(example('genai-perf-h100-llama-3.1-8b-c64.csv'), { model: 'llama-3.1-8b', concurrency: 64 })).map(strip)).toEqual([strip(plain[2])]);
  });

  it('writes the fitted stack to a new file only; it loads as a stack and says what it was fitted to', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-cal-'));
    const out = join(dir, 'my-vllm.yaml');
    const r = wafersim(['calibrate', '--hardware', 'h100-sxm', '--stack', 'vllm', ...[1, 16, 64].map((c) => example(`vllm-h100-llama-3.1-8b-c${c}.json`)), '--out', out]);
    expect(r.code).toBe(0);
    const stack = readStack(out);
    expect(stack.values.stepOverheadMs).toBe(fittedOverhead(r.stdout));
    expect(stack.values.computeEfficiency).toBe(readStack('vllm').values.computeEfficiency);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Serving stack vllm \(models\/calibration\/vllm\.yaml\) fitted by `wafersim calibrate --hardware h100-sxm --stack vllm`/);
    const before = readFileSync(out, 'utf8');
    const again = wafersim(['calibrate', '--hardware', 'h100-sxm', '--stack', 'vllm', example('plain-h100-llama-3.1-8b.csv'), '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out: expected a path where no file exists yet/);
    expect(again.stderr).not.toMatch(/fitting/); // refused before any work
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('--fit adds a parameter the stack assumes, with a built-in stack\'s range or the one given', () => {
    const r = wafersim(['calibrate', '--hardware', 'h100-sxm', '--stack', 'vllm', example('plain-h100-llama-3.1-8b.csv'), '--fit', 'memoryEfficiency']);
    expect(r.code).toBe(0);
    // "was" is the stack's own value; the range, the built-in stack's.
    const was = String(readStack('vllm').values.memoryEfficiency).replace('.', '\\.');
    expect(r.stdout).toMatch(new RegExp(`^memoryEfficiency\\s+${was}\\s+[\\d.]+\\s+\\[0\\.4, 0\\.95\\]`, 'm'));
    const bad = wafersim(['calibrate', '--hardware', 'h100-sxm', '--stack', 'vllm', example('plain-h100-llama-3.1-8b.csv'), '--fit', 'speed=1:2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fit: expected NAME or NAME=LOW:HIGH, NAME one of computeEfficiency, .*found "speed=1:2"/);
  });

  describe('bad measurement files: file, line or field, expected, found; exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-bad-measurements-'));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const plainHeader = 'model,hardware,tp,input_tokens,output_tokens,concurrency,ttft_ms,itl_ms,output_throughput\n';
    const vllm = JSON.parse(readFileSync(example('vllm-h100-llama-3.1-8b-c16.json'), 'utf8')) as Record<string, unknown>;
    const cases: [string, string, string[], RegExp][] = [
      ['a non-number cell', file('cell.csv', `${plainHeader}llama-3.1-8b,h100-sxm,1,1024,128,16,268.7,13.8,1014\nllama-3.1-8b,h100-sxm,1,1024,128,64,abc,31.3,2055\n`), [], /cell\.csv: line 3, column ttft_ms: expected the mean time to first token in ms, a number > 0, found "abc"/],
      ['another hardware', file('hw.csv', `${plainHeader}llama-3.1-8b,h200,1,1024,128,16,268.7,13.8,1014\n`), [], /hw\.csv: line 2, column hardware: expected the hardware being fitted \(--hardware h100-sxm\), found "h200"/],
      ['a wrong header', file('header.csv', 'model,gpu,ttft\nx,y,1\n'), [], /header\.csv: line 1: expected the header model,hardware,tp,/],
      ['no figure at all', file('empty-row.csv', `${plainHeader}llama-3.1-8b,h100-sxm,1,1024,128,16,,,\n`), [], /empty-row\.csv: line 2: expected at least one of ttft_ms, itl_ms, output_throughput/],
      ['a vLLM result without max_concurrency', file('open.json', JSON.stringify({ ...vllm, max_concurrency: null })), [], /open\.json: max_concurrency: expected the number of concurrent clients \(run with --max-concurrency N, or give --concurrency\), found null/],
      ['a vLLM result at a request rate', file('rate.json', JSON.stringify({ ...vllm, request_rate: 4 })), [], /rate\.json: request_rate: expected "inf" with max_concurrency set/],
      ['a vLLM result for a model wafersim lacks', file('model.json', JSON.stringify({ ...vllm, model_id: 'acme/Secret-9B' })), [], /model\.json: model: expected a model wafersim has .*or --model ID, found "acme\/Secret-9B"/],
      ['a genai-perf CSV without --concurrency', example('genai-perf-h100-llama-3.1-8b-c64.csv'), ['--model', 'llama-3.1-8b'], /genai-perf-h100-llama-3\.1-8b-c64\.csv: --concurrency: expected the concurrency profiled \(genai-perf's CSV does not record it\)/],
      ['JSON of another tool', file('other.json', '{"results": []}'), [], /other\.json: \(file\): expected a vLLM benchmark result .* or a genai-perf export/],
      ['no such file', join(dir, 'gone.csv'), [], /gone\.csv: \(file\): expected a readable measurement file, found no such file/],
    ];
    it.each(cases)('%s', (_what, path, extra, message) => {
      const r = wafersim(['calibrate', '--hardware', 'h100-sxm', '--stack', 'vllm', path, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
    it('measurements without --hardware, or --hardware without measurements', () => {
      expect(wafersim(['calibrate', '--stack', 'vllm', example('plain-h100-llama-3.1-8b.csv')]).stderr).toMatch(/--hardware: expected the hardware the measurements were taken on/);
      expect(wafersim(['calibrate', '--stack', 'vllm', '--hardware', 'h100-sxm']).stderr).toMatch(/--hardware: expected measurement files to go with it/);
    });
  });
});
