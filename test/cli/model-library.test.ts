/** The model library (issue 14, item 5): `wafersim explain --list` names every model and kind of hardware. */
import { describe, expect, it } from 'vitest';
import { wafersim } from '../support/cli.js';

/** The models and hardware the issue asks for by name. */
const ASKED_MODELS = [
  'llama-2-7b', 'llama-2-13b', 'llama-2-70b', 'llama-3.2-1b', 'llama-3.2-3b', 'llama-3.1-8b', 'llama-3.1-70b', 'llama-3.3-70b', 'llama-3.1-405b',
  'code-llama-34b', 'llama-4-scout', 'llama-4-maverick', 'qwen2-72b', 'qwen2.5-coder-32b', 'qwen3-8b', 'qwen3-14b', 'qwen3-32b', 'qwen3-30b-a3b',
  'qwen3-235b-a22b', 'qwen3-coder-480b-a35b', 'gpt-oss-20b', 'gpt-oss-120b', 'deepseek-v3', 'deepseek-r1', 'kimi-k2', 'glm-4.5', 'glm-4.6',
  'mistral-small-24b', 'mixtral-8x7b', 'gemma-3-27b',
];
const ASKED_HARDWARE = ['gb200', 'mi300x', 'cs-2', 'cs-3', 'h100-sxm'];

describe('explain --list', () => {
  it('lists at least 25 models (every one the issue names) and the hardware, uncalibrated ones labelled', () => {
    const r = wafersim(['explain', '--list']);
    expect(r.code).toBe(0);
    const count = Number(/^(\d+) models$/m.exec(r.stdout)?.[1]);
    expect(count).toBeGreaterThanOrEqual(25);
    const firstCells = new Set(r.stdout.split('\n').map((l) => l.split(/\s+/)[0]));
    for (const id of [...ASKED_MODELS, ...ASKED_HARDWARE]) expect(firstCells, id).toContain(id);
    expect(r.stdout).toMatch(/^gb200 .*uncalibrated$/m);
    expect(r.stdout).toMatch(/^mi300x .*uncalibrated$/m);
    expect(r.stdout).not.toMatch(/^h100-sxm .*uncalibrated$/m);
  });
  it('without --list, --model and --hardware are required (exit 2)', () => {
    const r = wafersim(['explain', '--model', 'llama-3.1-8b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--hardware: expected a hardware id or file \(or --list\), found nothing/);
  });
});
