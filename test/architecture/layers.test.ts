/**
 * DESIGN.md §2: imports only point down the layer table. This test reads every import under src/
 * and fails on one that points up or sideways outside the table, and on any package import from
 * the kernel (none) or random (seedrandom only).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

/** Each layer and the layers it may import (its own folder is always allowed). */
const MAY_IMPORT: Record<string, string[]> = {
  cli: ['io', 'study', 'report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  io: ['study', 'report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  study: ['report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  report: ['metrics', 'domain'],
  metrics: ['domain'],
  serving: ['kernel', 'perf', 'domain', 'random'],
  client: ['kernel', 'domain', 'random'],
  workload: ['kernel', 'domain', 'random'],
  perf: ['domain'],
  // scenario also reads random/'s distribution specs (a leaf, no LLM words): scenario files describe distributions.
  scenario: ['domain', 'random'],
  domain: [],
  random: [],
  kernel: [],
};
/** Packages a pure layer may use; other layers may use any dependency. */
const PACKAGES_ALLOWED: Record<string, string[] | undefined> = {
  kernel: [],
  random: ['seedrandom'],
  domain: [],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

export function importsOf(source: string): string[] {
  const found: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) found.push(m[1] ?? m[2]);
  return found;
}

function layerOf(file: string): string {
  return relative(SRC, file).split(sep)[0];
}

export function violations(): string[] {
  const out: string[] = [];
  for (const file of files(SRC)) {
    const layer = layerOf(file);
    const allowed = MAY_IMPORT[layer];
    if (!allowed) {
      out.push(`${relative(SRC, file)}: folder src/${layer} is not in the layer table`);
      continue;
    }
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC + sep)) {
          out.push(`${relative(SRC, file)}: imports ${spec}, outside src/`);
          continue;
        }
        const targetLayer = layerOf(target);
        if (targetLayer !== layer && !allowed.includes(targetLayer)) {
          out.push(`${relative(SRC, file)}: ${layer}/ may not import ${targetLayer}/ (${spec})`);
        }
      } else {
        const pkgs = PACKAGES_ALLOWED[layer];
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (pkgs && !pkgs.includes(name)) out.push(`${relative(SRC, file)}: ${layer}/ may not import the package ${spec}`);
      }
    }
  }
  return out;
}

describe('layer rule (DESIGN.md §2)', () => {
  it('finds imports in all their forms', () => {
    expect(importsOf(`import { a } from '../x.js';\nimport type { B } from "./y.js";\nexport * from './z.js';\nconst m = await import('../w.js');\nimport {\n  c,\n} from 'pkg';`))
      .toEqual(['../x.js', './y.js', './z.js', '../w.js', 'pkg']);
  });
  it('has no import pointing up the table', () => {
    expect(violations()).toEqual([]);
  });
  it('kernel and random know no LLM words', () => {
    const words = /\b(request|token|gpu|wafer|prefill|decode|llm|kv)\b/i;
    const offending = files(SRC)
      .filter((f) => ['kernel', 'random'].includes(layerOf(f)))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, i, line })))
      .filter(({ line }) => words.test(line))
      .map(({ f, i, line }) => `${relative(SRC, f)}:${i + 1}: ${line.trim()}`);
    expect(offending).toEqual([]);
  });
});
