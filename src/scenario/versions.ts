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
