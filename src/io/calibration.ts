/**
 * Writing fitted values into serving-stack files: back into a built-in one (models/calibration/
 * <stack>.yaml, `calibrate --write`), or into a new file fitted to a user's measurements. Only the
 * `value` of each fitted parameter changes; comments, order and layout stay (the yaml package's
 * Document API finds where each value is). Written to a temporary file and renamed or linked into
 * place, so a file is never half-written.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMap, isScalar, parseDocument } from 'yaml';
import { readStack, type StackFile } from './models.js';
import { writeNewFile } from './new-file.js';

/**
 * The text of a stack file with the `value` of each named fitted parameter replaced, spliced into
 * the original text at the value's own position: every other character (comments, spacing) stays.
 * A plain (assumed) parameter given a range in `newRanges` becomes `{ value, fit: [low, high] }`.
 */
export function withFittedValues(text: string, values: Record<string, number>, newRanges: Record<string, [number, number]> = {}): string {
  const doc = parseDocument(text);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const [name, value] of Object.entries(values)) {
    const node = doc.get(name, true);
    const range = newRanges[name];
    if (isMap(node) && node.has('fit')) {
      const scalar = node.get('value', true);
      if (isScalar(scalar) && scalar.range) edits.push({ start: scalar.range[0], end: scalar.range[1], text: String(value) });
    } else if (range && isScalar(node) && node.range) {
      edits.push({ start: node.range[0], end: node.range[1], text: `{ value: ${value}, fit: [${range[0]}, ${range[1]}] }` });
    }
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

/** A new stack file fitted to a user's measurements, under comment lines saying what it was fitted to; never replaces a file. */
export function writeFittedStack(stack: StackFile, values: Record<string, number>, newRanges: Record<string, [number, number]>, hardwareId: string, header: string[], out: string): void {
  // A fitted file's own `fittedTo` is replaced: it now belongs to this hardware.
  const body = withFittedValues(readFileSync(stack.path, 'utf8'), values, newRanges).replace(/^fittedTo:.*\n/m, '');
  const fittedTo = `fittedTo: ${JSON.stringify(hardwareId)}   # the hardware these values were fitted to: its results are not labelled uncalibrated`;
  writeNewFile(out, `${header.map((l) => `# ${l}`.trimEnd()).join('\n')}\n${fittedTo}\n${body}`, '--out');
}
