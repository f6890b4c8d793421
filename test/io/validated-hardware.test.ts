/**
 * The validated hardware ids read off models/validation.yaml's lines equal those of a full YAML
 * parse, and the scan declines (so the file is parsed) whenever a row's layout could hide or
 * change a `hardware` value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scanValidatedHardware } from '../../src/io/validated-hardware.js';
import { ROOT } from '../support/cli.js';

const parsedIds = (text: string) => new Set(((parse(text) as { rows?: { hardware?: unknown }[] }).rows ?? []).map((r) => String(r?.hardware)));

describe('validated hardware ids', () => {
  it('the shipped models/validation.yaml is scanned (not parsed) and gives the ids a full parse gives', () => {
    const text = readFileSync(join(ROOT, 'models/validation.yaml'), 'utf8');
    const scanned = scanValidatedHardware(text);
    expect(scanned).toBeDefined();
    expect([...scanned!].sort()).toEqual([...parsedIds(text)].sort());
    expect(scanned!.size).toBeGreaterThan(3);
  });

  const row = (hardware: string, extra = '') => `  - id: r\n    role: fit${extra}\n    hardware: ${hardware}\n    count: 1\n`;
  const accepted: [string, string][] = [
    ['nested mappings, block scalars and comments', `# head\nrows:\n${row('cs-3', '\n    assumed: &a\n      context: 1024\n      hardware: not-a-row-key\n    gap: >-\n      text\n        hardware: nor-this\n')}${row('h100-sxm  # note', '\n    other: *a')}`],
    ['CRLF line ends', `rows:\r\n  - id: r\r\n    hardware: b200\r\n`],
    ['hardware first in its row', `rows:\n  - hardware: a100-80gb\n    id: x\n`],
    ['a wrapped plain value', `rows:\n  - id: r\n    what: a long\n      line\n    hardware: h200\n`],
  ];
  it.each(accepted)('%s: scanned, same ids as the parse', (_, text) => {
    const scanned = scanValidatedHardware(text);
    expect(scanned).toBeDefined();
    expect([...scanned!].sort()).toEqual([...parsedIds(text)].sort());
  });

  const declined: [string, string][] = [
    ['a merge key', `base: &b\n  hardware: cs-3\nrows:\n  - <<: *b\n    id: r\n`],
    ['an aliased row', `rows:\n  - &r\n    hardware: cs-3\n  - *r\n`],
    ['a flow row', `rows:\n  - { id: r, hardware: cs-3 }\n`],
    ['a quoted id', `rows:\n${row('"cs-3"')}`],
    ['an anchored id', `rows:\n${row('&h cs-3')}`],
    ['an id the parser reads as null', `rows:\n${row('Null')}`],
    ['an id the parser reads as a number', `rows:\n${row('1e3')}`],
    ['rows at indentation 0', `rows:\n- id: r\n  hardware: cs-3\n`],
    ['a document marker', `---\nrows:\n${row('cs-3')}`],
    ['no rows key', `other:\n${row('cs-3')}`],
    ['another top-level key after the rows', `rows:\n${row('cs-3')}extra: 1\n`],
  ];
  it.each(declined)('%s: declined, so the file is parsed', (_, text) => {
    expect(scanValidatedHardware(text)).toBeUndefined();
  });
});
