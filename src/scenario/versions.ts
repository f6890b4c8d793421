import type { InputProblem } from '../domain/errors.js';

/**
 * Scenario file format versions. A file may say `version: N` (the shipped ones do); a key renamed
 * in a later version is refused with an error naming its new name, whatever version the file says.
 */
export const SCENARIO_FORMAT = 2;

export interface RenamedKey {
  /** The format version that renamed it. */
  version: number;
  /** Where the key sits (formatPath of its parent object). */
  parent: RegExp;
  old: string;
  now: string;
}

export const RENAMED_SCENARIO_KEYS: RenamedKey[] = [
  // Version 2: SLO keys follow vLLM's metric names (e2el is vLLM's end-to-end latency).
  { version: 2, parent: /^slo\.[a-z]+$/, old: 'e2eP99Seconds', now: 'e2elP99Seconds' },
];

/**
 * Model files (models/llm, models/hardware, models/calibration and a user's own) carry their own
 * format version: `version: 1` now; a file without one is read as version 1.
 */
export const MODEL_FORMAT = 1;

/** Keys renamed by a model format version (none yet: version 1 is the first). */
export const RENAMED_MODEL_KEYS: RenamedKey[] = [];

/**
 * A file's `version` checked and taken off (the schemas describe the content, not the format):
 * absent reads as version 1; a version this wafersim does not know is refused, naming the field.
 */
export function takeVersion(value: unknown, newest: number, format: string): { value: unknown; problem?: InputProblem } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('version' in value)) return { value };
  const { version, ...rest } = value as Record<string, unknown>;
  if (typeof version === 'number' && Number.isInteger(version) && version >= 1 && version <= newest) return { value: rest };
  const newer = typeof version === 'number' && version > newest;
  return {
    value: rest,
    problem: {
      path: ['version'],
      where: 'version',
      expected: `a ${format} format version from 1 to ${newest}${newer ? ` (a newer wafersim wrote this file; this one reads up to ${newest})` : ''}`,
      found: JSON.stringify(version),
    },
  };
}
