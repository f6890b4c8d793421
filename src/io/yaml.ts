/** Reading YAML (or JSON) files so that every problem can name its line. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { InputError, type InputProblem } from '../domain/errors.js';

export interface ParsedFile {
  file: string;
  value: unknown;
  /** The line (1-based) of the value at a field path, if it is in the file. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export function readYamlFile(file: string, display = file): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ file: display, where: '(file)', expected: 'a readable file', found: code === 'ENOENT' ? 'no such file' : String(code ?? error) }]);
  }
  return parseYaml(text, display);
}

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
  const value = doc.toJS();
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
    const line = p.path ? parsed.lineOf(p.path) : undefined;
    return line ? { ...p, where: `${p.where} (line ${line})` } : p;
  });
}
