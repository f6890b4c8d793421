/**
 * Outputs can never harm inputs (issue 16, item 1): `--out` names a new folder, an empty one, or
 * one wafersim wrote before (it holds .wafersim-output); anything else is refused with exit 2
 * before any work, and every file in the working directory stays as it was.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, wafersim } from '../support/cli.js';

const SMALL = ['--set', 'durationMinutes=1', '--set', 'drainMinutes=1', '--set', 'workload.interactive.developers=4', '--set', 'workload.agents.concurrency=1', '--progress=false'];

/** A working directory holding a copy of the default scenario and a user's file. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wafersim-out-'));
  copyFileSync(join(ROOT, 'scenarios/codex-spark.yaml'), join(dir, 's.yaml'));
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  mkdirSync(join(dir, 'papers'));
  writeFileSync(join(dir, 'papers', 'a.pdf'), 'pdf');
  return dir;
}

/** Every path under `dir` with its size and modification time. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const s = statSync(join(d, name));
      out[prefix + name] = `${s.isDirectory() ? 'dir' : s.size}:${s.mtimeMs}`;
      if (s.isDirectory()) walk(join(d, name), `${prefix}${name}/`);
    }
  };
  walk(dir, '');
  return out;
}

describe('--out never harms inputs', () => {
  const refused: [string, string[]][] = [
    ['the working directory', ['--out', '.']],
    ['an empty path', ['--out', '']],
    ['a bare --out', ['--out']],
    ['the scenario itself', ['--out', 's.yaml']],
    ['an existing file', ['--out', 'notes.txt']],
    ['a path under a file', ['--out', 'notes.txt/sub']],
    ['a folder with other files', ['--out', 'papers']],
    ['the parent folder', ['--out', '..']],
  ];
  it.each(refused)('refuses %s with exit 2 before any work, touching nothing', (_label, flags) => {
    const dir = workspace();
    const before = snapshot(dir);
    const r = wafersim(['run', 's.yaml', ...SMALL, ...flags], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out: expected .*, found /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses the same targets for sweep, merge and plan', () => {
    const dir = workspace();
    copyFileSync(join(ROOT, 'scenarios/long-context-cliff.yaml'), join(dir, 'sweep.yaml'));
    copyFileSync(join(ROOT, 'scenarios/capacity-2000-developers.yaml'), join(dir, 'plan.yaml'));
    const before = snapshot(dir);
    for (const args of [['sweep', 'sweep.yaml', '--out', '.'], ['sweep', 'sweep.yaml', '--out', 'papers'], ['merge', 'papers', '--out', '.'], ['merge', 'papers', '--out', 'papers'], ['plan', 'plan.yaml', '--out', 'notes.txt'], ['plan', 'plan.yaml', '--out', '']]) {
      const r = wafersim(args[0] === 'merge' ? args : [...args, '--progress=false'], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--out: expected/);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses scenario names that are not safe folder names', () => {
    const dir = workspace();
    for (const name of ['..', '.', '.hidden', 'a/b']) {
      const r = wafersim(['run', 's.yaml', ...SMALL, '--set', `name=${JSON.stringify(name)}`], { cwd: dir });
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(/name.*expected letters, digits/);
    }
    expect(existsSync(join(dir, 'output'))).toBe(false);
  });

  it('writes a new folder with its marker, replaces it on a rerun, and leaves no temporary folder', () => {
    const dir = workspace();
    const first = wafersim(['run', 's.yaml', ...SMALL, '--out', 'results'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'results', '.wafersim-output'), 'utf8'))).toMatchObject({ kind: 'run' });
    writeFileSync(join(dir, 'results', 'stale.txt'), 'from before');
    expect(wafersim(['run', 's.yaml', ...SMALL, '--out', 'results'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'results', 'stale.txt'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'papers', 'results', 's.yaml']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
