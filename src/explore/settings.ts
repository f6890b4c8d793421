/**
 * Everything a student can set, kept in the page's URL (after #) so a teacher can link to an
 * exact configuration. A value that cannot be read falls back to its default and is reported.
 */
export const WEIGHT_PRECISIONS = ['model', 'bf16', 'fp8', 'mxfp4'] as const;
export type WeightPrecision = (typeof WEIGHT_PRECISIONS)[number];

export interface SystemSettings {
  hardware: string;
  /** Wafers or GPUs per replica. */
  count: number;
  /** GPU tensor parallelism (ignored on wafers). */
  tp: number;
  /** Wafer region in cores; 0 = whole wafers (layers as a spatial pipeline). */
  cores: number;
  precision: WeightPrecision;
  /** Replicas in the small scenario run. */
  replicas: number;
}

export interface Settings {
  model: string;
  a: SystemSettings;
  b: SystemSettings;
  context: number;
  batch: number;
  input: number;
  /** Draft model for speculative decoding; '' = none. */
  draft: string;
  k: number;
  accept: number;
  developers: number;
  agents: number;
  agentSteps: number;
  minutes: number;
  seed: number;
}

/** gpt-oss-120b on CS-3 (16-bit, 6 wafers, as the default study's Codex-Spark stand-in) against H100s (MXFP4 experts, TP2). */
export const DEFAULTS: Settings = {
  model: 'gpt-oss-120b',
  a: { hardware: 'cs-3', count: 6, tp: 1, cores: 0, precision: 'bf16', replicas: 1 },
  b: { hardware: 'h100-sxm', count: 2, tp: 2, cores: 0, precision: 'model', replicas: 4 },
  context: 8192,
  batch: 1,
  input: 2048,
  draft: '',
  k: 4,
  accept: 0.8,
  developers: 20,
  agents: 4,
  agentSteps: 8,
  minutes: 10,
  seed: 2026,
};

interface NumberField {
  min: number;
  max: number;
  integer: boolean;
}

/** Ranges of the numeric fields (the controls use the same). */
export const RANGES = {
  count: { min: 1, max: 64, integer: true },
  tp: { min: 1, max: 64, integer: true },
  cores: { min: 0, max: 10_000_000, integer: true },
  replicas: { min: 1, max: 16, integer: true },
  context: { min: 0, max: 10_000_000, integer: true },
  batch: { min: 1, max: 4096, integer: true },
  input: { min: 1, max: 1_000_000, integer: true },
  k: { min: 1, max: 16, integer: true },
  accept: { min: 0, max: 1, integer: false },
  developers: { min: 0, max: 200, integer: true },
  agents: { min: 0, max: 50, integer: true },
  agentSteps: { min: 1, max: 100, integer: true },
  minutes: { min: 1, max: 30, integer: true },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
} satisfies Record<string, NumberField>;

export type NumberKey = keyof typeof RANGES;

export interface Parsed {
  settings: Settings;
  /** `key=value (expected …)` for each value that was ignored. */
  ignored: string[];
}

function readNumber(text: string, r: NumberField): number | undefined {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < r.min || v > r.max || (r.integer && !Number.isInteger(v))) return undefined;
  return v;
}

function expected(r: NumberField): string {
  return `${r.integer ? 'a whole number' : 'a number'} from ${r.min} to ${r.max}`;
}

/** Settings from a URL hash such as `#model=llama-3.1-70b&a.count=4`; `known` checks ids. */
export function parseHash(hash: string, known: { model(id: string): boolean; hardware(id: string): boolean }): Parsed {
  const settings: Settings = structuredClone(DEFAULTS);
  const ignored: string[] = [];
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [key, value] of params) {
    const [head, field] = key.split('.');
    const target: Record<string, unknown> = (head === 'a' || head === 'b') && field ? settings[head] as never : settings as never;
    const name = (head === 'a' || head === 'b') && field ? field : head;
    const bad = (what: string) => ignored.push(`${key}=${value} (expected ${what})`);
    if (!(name in target) || (target === (settings as never) && (name === 'a' || name === 'b'))) {
      bad('a known setting');
      continue;
    }
    if (name === 'model' || name === 'draft') {
      if ((name === 'draft' && value === '') || known.model(value)) target[name] = value;
      else bad('a model id');
    } else if (name === 'hardware') {
      if (known.hardware(value)) target[name] = value;
      else bad('a hardware id');
    } else if (name === 'precision') {
      if ((WEIGHT_PRECISIONS as readonly string[]).includes(value)) target[name] = value;
      else bad(`one of ${WEIGHT_PRECISIONS.join(', ')}`);
    } else {
      const r = RANGES[name as NumberKey];
      const v = readNumber(value, r);
      if (v === undefined) bad(expected(r));
      else target[name] = v;
    }
  }
  return { settings, ignored };
}

/** Only what differs from the defaults, so links stay short. */
export function toHash(s: Settings): string {
  const params = new URLSearchParams();
  const add = (prefix: string, value: object, base: object) => {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'object') continue;
      if (v !== (base as Record<string, unknown>)[k]) params.set(prefix + k, String(v));
    }
  };
  add('', s, DEFAULTS);
  add('a.', s.a, DEFAULTS.a);
  add('b.', s.b, DEFAULTS.b);
  return params.toString();
}
