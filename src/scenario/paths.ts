/** Field paths into a scenario (`systems[0].pools[0].replicas`), for `--set` and sweep axes. */
import { InputError } from '../domain/errors.js';

export function parsePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = 0;
  for (const m of path.matchAll(re)) {
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
    consumed += m[0].length;
  }
  const dots = (path.match(/\./g) ?? []).length;
  if (parts.length === 0 || consumed + dots !== path.length) {
    throw new InputError([{ where: path, expected: 'a field path like systems[0].pools[0].replicas', found: JSON.stringify(path) }]);
  }
  return parts;
}

/** A copy of `root` with the value at `path` replaced (objects and lists along the way are copied). */
export function setPath(root: unknown, path: string, value: unknown): unknown {
  const parts = parsePath(path);
  const go = (node: unknown, i: number): unknown => {
    if (i === parts.length) return value;
    const key = parts[i];
    if (typeof key === 'number') {
      if (!Array.isArray(node) || key >= node.length) throw new InputError([{ where: path, expected: `a list with an item ${key} at ${parts.slice(0, i).join('.') || 'the top'}`, found: Array.isArray(node) ? `${node.length} items` : 'no list' }]);
      const copy = node.slice();
      copy[key] = go(node[key], i + 1);
      return copy;
    }
    const obj = node === undefined || node === null ? {} : node;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new InputError([{ where: path, expected: `an object at ${parts.slice(0, i).join('.') || 'the top'}`, found: JSON.stringify(node) }]);
    return { ...(obj as Record<string, unknown>), [key]: go((obj as Record<string, unknown>)[key], i + 1) };
  };
  return go(root, 0);
}
