/**
 * The hardware ids with rows of their own in models/validation.yaml, which every run needs (to mark
 * uncalibrated hardware). Parsing the whole file with the YAML library cost 0.15–0.45 s per
 * process (650 lines through a parser not yet compiled), a large part of a small run's start-up.
 * The file's rows are a block sequence of block mappings (`  - key: value`, `    key: value`), so
 * each row's `hardware` is on a line of its own at that indentation: it is read off the lines,
 * and the file is parsed as before whenever a line at indentation 0 to 4 is outside that layout
 * (flow or aliased rows, merge keys, anchors or quotes on `hardware`, other top-level keys).
 * Deeper lines (nested mappings, block scalars, wrapped values) cannot hold a row's key: YAML
 * needs them indented more than the row's keys.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readYamlFile } from './yaml.js';

const BLANK_OR_COMMENT = /^\s*(#.*)?$/;
const ROWS = /^rows:\s*(#.*)?$/;
/** Indented 5 or more: inside a row's value. */
const NESTED = /^ {5}/;
/** `  - key:` starts a row, `    key:` continues it. */
const ROW_KEY = /^(?: {2}- | {4})([A-Za-z_]\w*):(?:\s+(.*))?$/;
/** A plain id, as the parser reads it: a string equal to its text (not null, a boolean or a number). */
const PLAIN_ID = /^([a-z][a-z0-9._-]*)\s*(?:#.*)?$/;
const NOT_A_STRING = new Set(['null', 'true', 'false']);

/** The ids, read off the lines; undefined when a line is outside the layout (the caller parses then). */
export function scanValidatedHardware(text: string): Set<string> | undefined {
  const ids = new Set<string>();
  let rows = false;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (BLANK_OR_COMMENT.test(line) || (rows && NESTED.test(line))) continue;
    if (!rows) {
      if (!ROWS.test(line)) return undefined;
      rows = true;
      continue;
    }
    const key = ROW_KEY.exec(line);
    if (!key) return undefined;
    if (key[1] !== 'hardware') continue;
    const id = PLAIN_ID.exec(key[2] ?? '');
    if (!id || NOT_A_STRING.has(id[1])) return undefined;
    ids.add(id[1]);
  }
  return rows ? ids : undefined;
}

/** The ids in the file at `path` (none if there is no file): scanned, or parsed when the scan declines. */
export function validatedHardwareIds(path: string): Set<string> {
  if (!existsSync(path)) return new Set();
  const scanned = scanValidatedHardware(readFileSync(path, 'utf8'));
  if (scanned) return scanned;
  const rows = (readYamlFile(path, 'models/validation.yaml').value as { rows?: { hardware?: unknown }[] }).rows;
  return new Set((Array.isArray(rows) ? rows : []).map((r) => String(r?.hardware)));
}
