import { mkdtempSync, writeFileSync } from 'node:fs';
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
  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf(good.replace('ffn: 128', 'ffn: [128'))).toMatch(/line \d+: expected valid YAML/);
  });
});
