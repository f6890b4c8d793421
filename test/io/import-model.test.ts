/**
 * import-model against an independent reference: each family's published config.json (fixtures)
 * imported, then compared field by field with the model file written by hand from the same config.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import type { LlmSpec } from '../../src/domain/specs.js';
import { importModelFile, moePattern, shortestPeriod } from '../../src/io/import-model.js';
import { readLlmFile } from '../../src/io/models.js';
import { llm } from '../support/models.js';
import { wafersim } from '../support/cli.js';

const CONFIGS = resolve(__dirname, '../fixtures/configs');
const tmp = () => mkdtempSync(join(tmpdir(), 'wafersim-import-'));
const architecture = (m: LlmSpec) => ({ layers: m.layers, hidden: m.hidden, heads: m.heads, kvHeads: m.kvHeads, headDim: m.headDim, ffn: m.ffn, vocab: m.vocab, tiedEmbeddings: m.tiedEmbeddings, moe: m.moe, attention: m.attention, latentProjections: m.latentProjections, precision: m.precision });

describe('import-model', () => {
  it.each(['llama-3.1-8b', 'qwen3-235b-a22b', 'mixtral-8x7b', 'deepseek-v3', 'kimi-k2', 'glm-4.5', 'gpt-oss-120b', 'llama-4-maverick', 'gemma-3-27b'])('%s: the imported file describes the same model as models/llm/', (id) => {
    const out = join(tmp(), `${id}.yaml`);
    const config = join(CONFIGS, `${id}.json`);
    importModelFile(config, { out, id });
    const imported = readLlmFile(out, id);
    expect(architecture(imported)).toEqual(architecture(llm(id)));
    const c = JSON.parse(readFileSync(config, 'utf8'));
    expect(imported.contextTokens).toBe((c.text_config ?? c).max_position_embeddings);
    // Without the model card's counts the file says its counts are computed, not published.
    expect(readFileSync(out, 'utf8')).toMatch(/publishedParamsB: [\d.]+ {3}# computed from this config, not a published count/);
  });
  it('an unknown architecture is refused naming model_type; a missing key is named', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'mamba.json'), JSON.stringify({ model_type: 'mamba', architectures: ['MambaForCausalLM'], hidden_size: 768 }));
    expect(() => importModelFile(join(dir, 'mamba.json'), {})).toThrow(/model_type: expected one of the families wafersim maps: .*found "mamba" \(architectures: \["MambaForCausalLM"\]\)/);
    const llama = JSON.parse(readFileSync(join(CONFIGS, 'llama-3.1-8b.json'), 'utf8'));
    delete llama.intermediate_size;
    delete llama.vocab_size;
    writeFileSync(join(dir, 'partial.json'), JSON.stringify(llama));
    let message = '';
    try {
      importModelFile(join(dir, 'partial.json'), {});
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/partial\.json: intermediate_size: expected a whole number \(needed for llama\), found nothing/);
    expect(message).toMatch(/partial\.json: vocab_size: expected/);
  });
  it('MoE layer sets: first-k-dense and every-n-th found exactly; others refused', () => {
    expect(moePattern([false, false, false, true, true])).toEqual([1, 3]);
    expect(moePattern([false, true, false, true])).toEqual([2, 0]);
    expect(moePattern([true, false, true, false])).toBeUndefined();
    expect(shortestPeriod(['s', 's', 'f', 's', 's', 'f'])).toEqual(['s', 's', 'f']);
    expect(shortestPeriod(['s', 'f', 'f'])).toEqual(['s', 'f', 'f']);
  });
  it('CLI: writes a new file, never over an existing one (exit 2), and the file runs in explain', () => {
    const dir = tmp();
    const out = join(dir, 'mine.yaml');
    const args = ['import-model', join(CONFIGS, 'llama-3.1-8b.json'), '--id', 'mine', '--out', out, '--params-b', '8.03', '--active-params-b', '8.03'];
    expect(wafersim(args).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/publishedParamsB: 8.03\n/);
    writeFileSync(out, 'mine');
    const again = wafersim(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out: expected a path where no file exists yet/);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    const fresh = join(dir, 'fresh.yaml');
    expect(wafersim(['import-model', join(CONFIGS, 'llama-3.1-8b.json'), '--out', fresh]).code).toBe(0);
    const e = wafersim(['explain', '--model', fresh, '--hardware', 'h100-sxm', '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).fits).toBe(true);
    expect(existsSync(`${fresh}.tmp`)).toBe(false);
  });
});
