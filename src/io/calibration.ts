/**
 * Writing fitted values back into a serving-stack file (models/calibration/<stack>.yaml): only the
 * `value` of each fitted parameter changes; comments, order and layout stay (the yaml package's
 * Document API finds where each value is). Written to a temporary file and renamed into place, so the file is never half-written.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMap, isScalar, parseDocument } from 'yaml';
import { readStack } from './models.js';

/**
 * The text of a stack file with the `value` of each named fitted parameter replaced, spliced into
 * the original text at the value's own position: every other character (comments, spacing) stays.
 */
export function withFittedValues(text: string, values: Record<string, number>): string {
  const doc = parseDocument(text);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const [name, value] of Object.entries(values)) {
    const node = doc.get(name, true);
    if (!isMap(node) || !node.has('fit')) continue;
    const scalar = node.get('value', true);
    if (isScalar(scalar) && scalar.range) edits.push({ start: scalar.range[0], end: scalar.range[1], text: String(value) });
  }
  edits.sort((a, b) => b.start - a.start);
  return edits.reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
}

export function writeStackValues(stack: string, values: Record<string, number>): string {
  const file = readStack(stack); // checks the file first
  const path = file.path;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, withFittedValues(readFileSync(path, 'utf8'), values));
  renameSync(tmp, path);
  return file.file;
}
