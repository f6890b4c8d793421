/** Reading YAML (or JSON) files so that every problem can name its line. */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError, type InputProblem } from '../domain/errors.js';
import { zodProblems } from '../scenario/problems.js';
import { MODEL_FORMAT, RENAMED_MODEL_KEYS, takeVersion } from '../scenario/versions.js';

export interface ParsedFile {
  file: string;
  value: unknown;
  /** The line (1-based) of the value at a field path, if it is in the file. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Scenario and model files are small; a bigger one is a mistake (a trace named as a scenario). */
export const MAX_YAML_BYTES = 4 << 20;

export function readYamlFile(file: string, display = file): ParsedFile {
  const fail = (expected: string, found: string): never => {
    throw new InputError([{ file: display, where: '(file)', expected, found }]);
  };
  let text = '';
  try {
    const info = statSync(file);
    if (!info.isFile()) fail('a regular file', info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a FIFO (named pipe)' : 'a special file (device or socket)');
    if (info.size > MAX_YAML_BYTES) fail(`a file of at most ${MAX_YAML_BYTES} bytes`, `${info.size} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    fail('a readable file', code === 'ENOENT' ? 'no such file' : String(code ?? error));
  }
  return parseYaml(text, display);
}

const MAX_ALIASES = 100;

export function parseYaml(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(doc.errors.map((e) => ({
      file,
      where: `line ${e.linePos?.[0].line ?? '?'}`,
      expected: 'valid YAML',
      found: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
    })));
  }
  let value: unknown;
  try {
    // Aliases are expanded at most MAX_ALIASES times: a "billion laughs" file is refused, not expanded.
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new InputError([{ file, where: '(file)', expected: `YAML whose aliases resolve, expanded at most ${MAX_ALIASES} times`, found: (error as Error).message.split('\n')[0] }]);
  }
  return {
    file,
    value,
    lineOf(path) {
      // The field's own line, or its parent's when it is missing (never the whole document's).
      for (let n = path.length; n >= 1; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** Add the line of each problem's field to its `where`. */
export function withLines(problems: InputProblem[], parsed: ParsedFile): InputProblem[] {
  return problems.map((p) => {
    const line = p.path && (p.file === undefined || p.file === parsed.file) ? parsed.lineOf(p.path) : undefined;
    return line ? { ...p, where: `${p.where} (line ${line})` } : p;
  });
}

/**
 * Read and check one model file (LLM, hardware, calibration) against a schema; problems name the
 * file, field and line. Its format `version` (scenario/versions.ts) is checked and taken off first.
 */
export function readChecked<S extends z.ZodType>(path: string, schema: S, extra?: (v: z.infer<S>) => InputProblem[]): z.infer<S> {
  const display = relative(process.cwd(), path) || path;
  const parsed = readYamlFile(path, display);
  const { value, problem } = takeVersion(parsed.value, MODEL_FORMAT, 'model');
  if (problem) throw new InputError(withLines([{ ...problem, file: display }], parsed));
  const result = schema.safeParse(value);
  if (!result.success) throw new InputError(withLines(zodProblems(result.error, value, display, { renamed: RENAMED_MODEL_KEYS, format: 'model' }), parsed));
  const problems = extra?.(result.data) ?? [];
  if (problems.length > 0) throw new InputError(withLines(problems.map((p) => ({ ...p, file: display })), parsed));
  return result.data;
}
