import { parse } from 'yaml';
import { inputError } from '../domain/errors.js';
import { setPath } from './paths.js';

/** Apply `--set path=value` overrides (values read as YAML: numbers, strings, lists, objects). */
export function applySets(raw: unknown, sets: string[]): unknown {
  return sets.reduce((acc, s) => {
    const eq = s.indexOf('=');
    if (eq <= 0) throw inputError('--set', 'path=value, e.g. durationMinutes=5', s);
    let value: unknown;
    try {
      value = parse(s.slice(eq + 1));
    } catch {
      throw inputError(`--set ${s.slice(0, eq)}`, 'a YAML value', s.slice(eq + 1));
    }
    return setPath(acc, s.slice(0, eq), value);
  }, raw);
}
