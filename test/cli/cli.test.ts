import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, wafersim } from '../support/cli.js';
import { commands } from '../../src/cli/commands/index.js';

describe('command line', () => {
  it('prints help with every command and exits 0', () => {
    const r = wafersim(['--help']);
    expect(r.code).toBe(0);
    for (const c of commands.map((x) => x.name)) expect(r.stdout).toContain(`wafersim ${c}`);
  });
  it('prints the package version', () => {
    const r = wafersim(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version);
  });
  it('rejects an unknown command with exit 2 and says what was wrong', () => {
    const r = wafersim(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate: expected a command: run, sweep, .*, found no such command$/m);
  });
  it('rejects an unknown flag with exit 2', () => {
    const r = wafersim(['--help-me']);
    expect(r.code).toBe(2);
  });
});

describe('command-line conventions', () => {
  // The CLI's own registry: a command added there is checked here (help, README) without editing this list.
  const names = commands.map((c) => c.name);
  it('the registry lists at least the commands the README has always documented', () => {
    expect(names).toEqual(expect.arrayContaining(['run', 'sweep', 'merge', 'plan', 'explain', 'explore', 'calibrate', 'validate', 'import-model', 'schema']));
  });
  it('a bare wafersim prints the command list', () => {
    const r = wafersim([]);
    expect(r.code).toBe(0);
    for (const c of names) expect(r.stdout).toContain(`wafersim ${c}`);
  });
  it('suggests the nearest command, flag and scenario key', () => {
    const command = wafersim(['rnu', 'scenarios/codex-spark.yaml']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/rnu: expected a command: run, .*found no such command \(did you mean "run"\?\)/);
    const flag = wafersim(['run', 'scenarios/codex-spark.yaml', '--recrods', 'none']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--recrods: expected a flag this command has .*did you mean "--records"\?/);
    const key = wafersim(['run', 'scenarios/codex-spark.yaml', '--set', 'workload.interactive.develpers=3']);
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/workload\.interactive\.develpers \(line \d+\): .*found the unknown key "develpers" \(did you mean "developers"\?\)/);
    // Nothing near: no suggestion.
    expect(wafersim(['run', 'scenarios/codex-spark.yaml', '--set', 'workload.interactive.zzzzzzzz=3']).stderr).not.toMatch(/did you mean/);
  });
  it('scenario files carry a format version; a renamed key is refused with its new name', () => {
    for (const f of readdirSync(join(ROOT, 'scenarios')).filter((x) => x.endsWith('.yaml'))) expect(readFileSync(join(ROOT, 'scenarios', f), 'utf8'), f).toMatch(/^version: 2$/m);
    const renamed = wafersim(['run', 'scenarios/codex-spark.yaml', '--set', 'slo.interactive.e2eP99Seconds=3']);
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toMatch(/slo\.interactive\.e2eP99Seconds \(line \d+\): expected "e2elP99Seconds": the key's name since scenario format version 2, found its old name "e2eP99Seconds"/);
    const newer = wafersim(['run', 'scenarios/codex-spark.yaml', '--set', 'version=3']);
    expect(newer.code).toBe(2);
    expect(newer.stderr).toMatch(/version \(line \d+\): expected a number <= 2, found 3/);
  });
  it("every command's help fits 80 columns and its examples are whole commands", () => {
    for (const c of names) {
      const r = wafersim([c, '--help']);
      expect(r.code, c).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.filter((l) => l.length > 80), c).toEqual([]);
      const examples = lines.slice(lines.indexOf('Examples:') + 1).filter((l) => l.trim() !== '');
      expect(examples.length, c).toBeGreaterThan(0);
      // A comment, a command, or the continuation of a command whose line ended with " \".
      examples.forEach((l, i) => expect(/^  # /.test(l) || /^  wafersim /.test(l) || (/^      \S/.test(l) && examples[i - 1].endsWith(' \\')), `${c}: ${l}`).toBe(true));
    }
  });
  it('the README shows every command', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const c of names) expect(readme, c).toMatch(new RegExp(`wafersim ${c}\\b`));
  });
});
