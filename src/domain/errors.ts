/**
 * Bad input is data, not a crash: each problem names where (file, line or field path), what was
 * expected and what was found. The command line turns an InputError into exit code 2.
 */
export interface InputProblem {
  /** File the problem is in, if any. */
  file?: string;
  /** Field path (`systems[1].count`) or `line 17`. */
  where: string;
  /** The field path as keys, when the problem is about a field (lets a reader add its line). */
  path?: readonly PropertyKey[];
  expected: string;
  found: string;
  /** When the file is one another file refers to (a model file named by a scenario): where it is named. */
  usedBy?: string;
}

export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

export function formatProblem(p: InputProblem): string {
  const place = p.file ? `${p.file}: ${p.where}` : p.where;
  return `${place}: expected ${p.expected}, found ${p.found}${p.usedBy ? ` (used by ${p.usedBy})` : ''}`;
}

export function inputError(where: string, expected: string, found: unknown, file?: string): InputError {
  return new InputError([{ file, where, expected, found: describe(found) }]);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
