import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ROOT, wafersim } from '../support/cli.js';

describe('command line', () => {
  it('prints help with every command and exits 0', () => {
    const r = wafersim(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'sweep', 'merge', 'plan', 'explain', 'validate', 'schema']) expect(r.stdout).toContain(`wafersim ${c}`);
  });
  it('prints the package version', () => {
    const r = wafersim(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version);
  });
  it('rejects an unknown command with exit 2 and says what was wrong', () => {
    const r = wafersim(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate: expected a command or flag that exists .*, found no such command or flag/);
  });
  it('rejects an unknown flag with exit 2', () => {
    const r = wafersim(['--help-me']);
    expect(r.code).toBe(2);
  });
});
