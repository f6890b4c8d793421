/**
 * How far a validation row's error moves when each of its assumed inputs (those its source does
 * not publish: input length, acceptance, batch limit …) moves by ±25%: `validate` prints it so a
 * reader can see which assumption a row's error hangs on.
 */
import { simulate, type RowSetup, type ValidationCase } from './validation.js';

export interface Sensitivity {
  /** The assumed input, as a dotted path (e.g. `speculative.acceptance`). */
  input: string;
  /** The row's error with that input at −25% and at +25%. */
  errorLow: number;
  errorHigh: number;
}

/** Device counts and parallelism: assumed, but not quantities that move by 25% (TP 2 → 2.5). */
const STRUCTURAL = new Set(['count', 'tp', 'pp', 'replicas']);

/** The numeric leaves of a row's assumed inputs that can move by ±25%, as paths. */
export function assumedNumbers(assumed: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(assumed).flatMap(([key, value]) => {
    const path = [...prefix, key];
    if (STRUCTURAL.has(key)) return [];
    if (typeof value === 'number') return [path];
    if (value && typeof value === 'object') return assumedNumbers(value as Record<string, unknown>, path);
    return [];
  });
}

const INTEGER_FIELDS = new Set(['cores', 'batch', 'context', 'input', 'output', 'k', 'maxSeqs', 'maxBatchTokens']);

/** The setup with one assumed number scaled (integers rounded, at least 1; probabilities kept below 1). */
export function scaledSetup(setup: RowSetup, path: string[], factor: number): RowSetup {
  const copy = structuredClone(setup) as unknown as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  let value = (node[last] as number) * factor;
  if (INTEGER_FIELDS.has(last)) value = Math.max(1, Math.round(value));
  if (last === 'acceptance') value = Math.min(value, 0.99);
  node[last] = value;
  return copy as unknown as RowSetup;
}

/** How far the row's error moves when each numeric assumed input moves by ±25%. */
export function sensitivityOf(c: ValidationCase): Sensitivity[] {
  const errorWith = (setup: RowSetup) => {
    const s = simulate(c, setup);
    return Number.isFinite(s) ? (s - c.row.published) / c.row.published : Infinity;
  };
  return assumedNumbers(c.row.assumed).map((path) => ({
    input: path.join('.'),
    errorLow: errorWith(scaledSetup(c.setup, path, 0.75)),
    errorHigh: errorWith(scaledSetup(c.setup, path, 1.25)),
  }));
}
