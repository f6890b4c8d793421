/** Schema issues (zod) as InputProblems: where, what was expected, what was found. */
import type { z } from 'zod';
import { describe, type InputProblem } from '../domain/errors.js';
import { didYouMean, keysAt } from './suggest.js';
import type { RenamedKey } from './versions.js';

/** What helps name a mistyped key: the schema (for its known keys) and keys renamed by a format version. */
export interface KeyHelp {
  schema?: z.ZodType;
  renamed?: RenamedKey[];
  /** "scenario" or "model": names the format in messages. */
  format?: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function zodProblems(error: z.ZodError, input: unknown, file?: string, help: KeyHelp = {}): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const issue of error.issues) {
    const found = valueAt(input, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) problems.push({ file, path: [...issue.path, key], where: formatPath([...issue.path, key]), ...unknownKey(key, issue.path, help) });
        break;
      case 'invalid_type':
        problems.push({ file, path: issue.path, where: formatPath(issue.path), expected: found === undefined ? `a value (${issue.expected}); it is required` : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`, found: describe(found) });
        break;
      case 'too_small':
        problems.push({ file, path: issue.path, where: formatPath(issue.path), expected: `${issue.origin === 'array' ? 'a list of length ' : 'a number '}${issue.inclusive ? '>=' : '>'} ${issue.minimum}`, found: describe(found) });
        break;
      case 'too_big':
        problems.push({ file, path: issue.path, where: formatPath(issue.path), expected: `${issue.origin === 'array' ? 'a list of length ' : 'a number '}${issue.inclusive ? '<=' : '<'} ${issue.maximum}`, found: describe(found) });
        break;
      case 'invalid_value':
        problems.push({ file, path: issue.path, where: formatPath(issue.path), expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, found: describe(found) });
        break;
      case 'invalid_union': {
        const discriminator = issue.discriminator;
        const options = 'options' in issue ? issue.options : undefined;
        if (discriminator && options) {
          problems.push({ file, path: [...issue.path, discriminator], where: formatPath([...issue.path, discriminator]), expected: `one of ${options.map((v) => JSON.stringify(v)).join(', ')}`, found: describe(valueAt(found, [discriminator])) });
        } else {
          // Name the choices the alternatives offer (enum values, distribution kinds).
          const choices = new Set<string>();
          for (const branch of 'errors' in issue ? issue.errors : []) {
            for (const e of branch) if (e.code === 'invalid_value' && e.path.length <= 1) e.values.forEach((v) => choices.add(JSON.stringify(v)));
          }
          const kind = found && typeof found === 'object' && 'kind' in found ? ` (its kind ${JSON.stringify((found as { kind: unknown }).kind)})` : '';
          problems.push({ file, path: issue.path, where: formatPath(issue.path), expected: choices.size > 0 ? `one of ${[...choices].join(', ')}${kind ? ' as its kind' : ''}` : 'one of the allowed forms', found: kind ? `an object${kind}` : describe(found) });
        }
        break;
      }
      default:
        problems.push({ file, path: issue.path, where: formatPath(issue.path), expected: issue.message, found: describe(found) });
    }
  }
  return problems;
}

/** An unknown key: renamed by a newer format (name the new key), or a typo (name the nearest known one). */
function unknownKey(key: string, parent: readonly PropertyKey[], help: KeyHelp): { expected: string; found: string } {
  const renamed = help.renamed?.find((r) => r.old === key && r.parent.test(formatPath(parent)));
  if (renamed) return { expected: `${JSON.stringify(renamed.now)}: the key's name since ${help.format ?? 'file'} format version ${renamed.version}`, found: `its old name ${JSON.stringify(key)}` };
  const known = help.schema ? keysAt(help.schema, parent) : [];
  return { expected: 'a known key (unknown keys are errors, to catch typos)', found: `the unknown key ${JSON.stringify(key)}${didYouMean(key, known)}` };
}
