/**
 * "Did you mean …?": the closest known name to a mistyped one (Levenshtein distance, from the
 * `leven` package), and the keys a schema allows at a path (for a mistyped scenario key).
 */
import leven from 'leven';
import type { z } from 'zod';

/** The known name nearest to `typed`, if it is near enough to be a typo (case is ignored). */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  // Two edits (a swapped pair of letters is two) for words of 3 or more letters, a third of longer ones.
  const limit = typed.length < 3 ? 1 : Math.max(2, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = leven(lower, k.toLowerCase(), { maxDistance: limit + 1 });
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean "x"?)" or nothing. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const near = closest(typed, known);
  return near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`;
}

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; valueType?: z.ZodType; getter?: () => z.ZodType };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas `schema` may be at `path` (several under a union). */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): Def[] {
  const d = defOf(schema);
  if (d.innerType) return objectsAt(d.innerType, path);
  if (d.type === 'pipe' && d.in) return objectsAt(d.in, path);
  if (d.type === 'lazy' && d.getter) return objectsAt(d.getter(), path);
  if (d.type === 'union' && d.options) return d.options.flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return d.type === 'object' ? [d] : [];
  const [head, ...rest] = path;
  if (d.type === 'object' && d.shape && typeof head === 'string' && head in d.shape) return objectsAt(d.shape[head], rest);
  if (d.type === 'array' && d.element && typeof head === 'number') return objectsAt(d.element, rest);
  if (d.type === 'record' && d.valueType) return objectsAt(d.valueType, rest);
  return [];
}

/** Keys an object at `path` may have under `schema`. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}
