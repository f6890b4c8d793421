import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { hardwareIds, llmIds, loadHardware, loadLlm, readLlmFile } from '../../src/io/models.js';

const good = `id: tiny
name: Tiny
source: test
layers: 2
hidden: 64
heads: 4
kvHeads: 2
headDim: 16
ffn: 128
vocab: 100
tiedEmbeddings: true
contextTokens: 1024
publishedParamsB: 0.0001
publishedActiveParamsB: 0.0001
precision: { default: bf16 }
`;

function problemsOf(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wafersim-'));
  const file = join(dir, 'tiny.yaml');
  writeFileSync(file, text);
  try {
    readLlmFile(file, 'tiny');
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
}

describe('model files', () => {
  it('loads every shipped model and hardware file', () => {
    expect(llmIds().length).toBeGreaterThanOrEqual(11);
    for (const id of llmIds()) expect(loadLlm(id).id).toBe(id);
    for (const id of hardwareIds()) expect(loadHardware(id).id).toBe(id);
    expect(hardwareIds()).toEqual(['a100-80gb', 'b200', 'cs-2', 'cs-3', 'gb200', 'h100-sxm', 'h200', 'mi300x']);
  });
  it('accepts a good file', () => {
    expect(problemsOf(good)).toBe('');
  });
  it('names the file, field and line of a wrong type', () => {
    expect(problemsOf(good.replace('layers: 2', 'layers: two'))).toMatch(/tiny\.yaml: layers \(line 4\): expected a number, found "two"/);
  });
  it('rejects unknown keys (typos) with their line', () => {
    expect(problemsOf(good + 'hiddne: 3\n')).toMatch(/hiddne \(line 16\): expected a known key/);
  });
  it('rejects a missing field, a negative size and heads not divisible by KV heads', () => {
    expect(problemsOf(good.replace('vocab: 100\n', ''))).toMatch(/vocab: expected a value \(number\); it is required, found nothing/);
    expect(problemsOf(good.replace('hidden: 64', 'hidden: -64'))).toMatch(/hidden \(line 5\): expected a number > 0, found -64/);
    expect(problemsOf(good.replace('kvHeads: 2', 'kvHeads: 3'))).toMatch(/kvHeads \(line 7\): expected a divisor of heads \(4\), found 3/);
  });
  it('model files carry a format version: absent reads as 1, a newer one is refused naming file, field and line', () => {
    expect(problemsOf(`version: 1\n${good}`)).toBe('');
    expect(problemsOf(`version: 2\n${good}`)).toMatch(/tiny\.yaml: version \(line 1\): expected a model format version from 1 to 1 \(a newer wafersim wrote this file; this one reads up to 1\), found 2/);
    expect(problemsOf(`version: one\n${good}`)).toMatch(/tiny\.yaml: version \(line 1\): expected a model format version from 1 to 1, found "one"/);
  });
  it('every shipped model, hardware and calibration file says its format version', () => {
    const root = join(__dirname, '../../models');
    for (const dir of ['llm', 'hardware', 'calibration']) {
      for (const f of readdirSync(join(root, dir)).filter((x) => x.endsWith('.yaml'))) expect(readFileSync(join(root, dir, f), 'utf8'), `${dir}/${f}`).toMatch(/^version: 1$/m);
    }
  });
  it('a hardware file with a newer version is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-'));
    const file = join(dir, 'hw.yaml');
    writeFileSync(file, readFileSync(join(__dirname, '../../models/hardware/h100-sxm.yaml'), 'utf8').replace(/^version: 1$/m, 'version: 7').replace(/^calibration: .*$/m, 'calibration: vllm'));
    expect(() => loadHardware(file, 'hardware')).toThrow(/hw\.yaml: version \(line \d+\): expected a model format version from 1 to 1 .*found 7/);
  });
  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf(good.replace('ffn: 128', 'ffn: [128'))).toMatch(/line \d+: expected valid YAML/);
  });
});
