/**
 * docs/own-files.md, followed as written: its `sh` blocks run in order in an empty folder (a
 * `# edit:` comment applied to the file just copied), its `yaml` block is the scenario, with the
 * model's config.json (test/fixtures/configs) and the example vLLM results (examples/measurements)
 * where the page says they are. Checks that the scenario runs on the user's hardware, the imported
 * model and the calibration fitted to the results, at the user's price.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addModelFolders, loadScenario } from '../../src/api/index.js';
import type { GpuSpec } from '../../src/domain/specs.js';
import { MODELS_ENV } from '../../src/io/model-folders.js';
import { ROOT, wafersim } from '../support/cli.js';

const DOC = readFileSync(join(ROOT, 'docs/own-files.md'), 'utf8');

/** The page's fenced blocks, in order, with their language. */
const blocks = [...DOC.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));

afterEach(() => {
  delete process.env[MODELS_ENV];
});

describe('docs/own-files.md, end to end', () => {
  it('a scenario on your hardware file, a model imported from config.json and a calibration fitted to vLLM results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-own-doc-'));
    // What the page assumes is there: the package, the model's config.json, the benchmark results.
    mkdirSync(join(dir, 'node_modules'));
    const pkg = join(dir, 'node_modules', 'wafersim');
    mkdirSync(join(pkg, 'models', 'hardware'), { recursive: true });
    copyFileSync(join(ROOT, 'models/hardware/h100-sxm.yaml'), join(pkg, 'models/hardware/h100-sxm.yaml'));
    mkdirSync(join(dir, 'hf', 'Llama-3.1-8B-Instruct'), { recursive: true });
    copyFileSync(join(ROOT, 'test/fixtures/configs/llama-3.1-8b.json'), join(dir, 'hf/Llama-3.1-8B-Instruct/config.json'));
    mkdirSync(join(dir, 'results'));
    for (const f of readdirSync(join(ROOT, 'examples/measurements')).filter((f) => f.startsWith('vllm-'))) copyFileSync(join(ROOT, 'examples/measurements', f), join(dir, 'results', f));

    let copied = '';
    const outputs: string[] = [];
    let ran = 0;
    for (const block of blocks) {
      if (block.lang === 'yaml') writeFileSync(join(dir, 'my-fleet.yaml'), block.text);
      if (block.lang !== 'sh') continue;
      for (const line of block.text.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const [command, ...args] = line.split(/\s+/);
        if (command === 'mkdir') for (const d of args.filter((a) => a !== '-p')) mkdirSync(join(dir, d), { recursive: true });
        else if (command === 'cp') {
          copyFileSync(join(dir, args[0]), join(dir, args[1]));
          copied = join(dir, args[1]);
        } else if (line.startsWith('# edit:')) {
          // "# edit: key: value, key: value" applied to the file just copied.
          let text = readFileSync(copied, 'utf8');
          for (const edit of line.slice('# edit:'.length).split(',')) {
            const [key, value] = edit.split(/:\s*/).map((s) => s.trim());
            expect(text).toMatch(new RegExp(`^${key}: `, 'm'));
            text = text.replace(new RegExp(`^${key}: .*$`, 'm'), `${key}: ${value}`);
          }
          writeFileSync(copied, text);
        } else if (command === 'npx' && args[0] === 'wafersim') {
          const r = wafersim(args.slice(1), { cwd: dir });
          expect(r.stderr, line).not.toMatch(/bad input|error/i);
          expect(r.code, line).toBe(0);
          outputs.push(r.stdout);
          ran++;
        } else throw new Error(`docs/own-files.md: a command this test does not know how to follow: ${line}`);
      }
    }
    // import-model, explain --list is prose (not a block), calibrate, run.
    expect(ran).toBe(3);
    expect(existsSync(join(dir, 'my-models/llm/my-llama-8b.yaml'))).toBe(true);
    const fitted = Number(/^stepOverheadMs\s+[\d.]+\s+([\d.]+)/m.exec(outputs[1])?.[1]);
    expect(fitted).toBeGreaterThan(3);
    expect(readFileSync(join(dir, 'my-vllm.yaml'), 'utf8')).toMatch(/^fittedTo: "my-h100"/m);
    // The run: no uncalibrated label (its stack was fitted to this hardware's results).
    expect(outputs[2]).toMatch(/ours/);
    expect(outputs[2]).not.toMatch(/uncalibrated/);

    // What the run ran on, through the library (docs/api.md), from the same folder.
    addModelFolders(join(dir, 'my-models'));
    const pool = loadScenario(join(dir, 'my-fleet.yaml')).resolved.systems[0].pools[0];
    const hw = pool.hardware as GpuSpec;
    expect([hw.id, hw.name, hw.pricePerHourUsd, hw.powerBusyWatts, hw.validated]).toEqual(['my-h100', 'Our H100 (rented)', 1.9, 1100, true]);
    expect(hw.calibration.source).toMatch(/my-vllm\.yaml$/);
    expect(hw.calibration.stepOverheadSeconds).toBeCloseTo(fitted / 1000, 12);
    expect(pool.llm.id).toBe('my-llama-8b');
  });
});
