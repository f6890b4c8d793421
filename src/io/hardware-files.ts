/**
 * Hardware files (models/hardware/<id>.yaml, a user's folder, or any path): parsed, checked and
 * converted to SI with the serving stack that calibrates them.
 */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../domain/errors.js';
import { HARDWARE_KINDS } from '../domain/kinds.js';
import type { HardwareSpec } from '../domain/specs.js';
import { HARDWARE_FORMATS } from '../perf/index.js';
import { zodFields } from './file-fields.js';
import { displayPath, idsOf, isBuiltIn, modelsDir, resolveReference } from './model-folders.js';
import { calibrationOf, checkStackKind, readStack, type StackFile } from './stack-files.js';
import { readChecked } from './yaml.js';
import { validatedHardwareIds } from './validated-hardware.js';

const common = {
  id: z.string(),
  name: z.string(),
  source: z.string().min(1),
  priceUsdPerHour: z.number().nonnegative(),
  /** The default serving stack: an id, or a path to a stack file relative to this file. */
  calibration: z.string(),
};

/** One member per kind: the common fields, then the kind's own (its HardwareFormat, perf/formats.ts). */
const members = HARDWARE_KINDS.map((kind) => z.strictObject({ ...common, kind: z.literal(kind), ...zodFields(HARDWARE_FORMATS[kind].fileFields) }));
export const hardwareFileSchema = z.discriminatedUnion('kind', members as [(typeof members)[number], ...(typeof members)[number][]]);

type HardwareFile = z.infer<typeof hardwareFileSchema>;

export const hardwareIds = (): string[] => idsOf('hardware');

/** Hardware ids with published measurements of their own in models/validation.yaml. */
let validatedIds: Set<string> | undefined;
function isValidated(id: string): boolean {
  validatedIds ??= validatedHardwareIds(join(modelsDir(), 'validation.yaml'));
  return validatedIds.has(id);
}

export interface HardwareOptions {
  /** Folder a path reference (hardware or stack) is relative to (default: the working directory). */
  baseDir?: string;
  /** Serving stack, an id or a path to a stack file; default: the one the hardware file names. */
  stack?: string;
  /** Where `stack` was given, for messages (default: `where`). */
  stackWhere?: string;
  /** Calibration values (file units) replacing the stack file's, e.g. a fitter's candidate. */
  calibration?: Record<string, number>;
}

// Read once per process (keyed by path and stack): a sweep resolves its scenario once per point.
const hardwareCache = new Map<string, HardwareSpec>();

/** Hardware by id (the user's folders, then models/) or path, under its serving stack. */
export function loadHardware(ref: string, where = 'hardware', options: HardwareOptions = {}): HardwareSpec {
  const baseDir = options.baseDir ?? process.cwd();
  const { path } = resolveReference('hardware', ref, where, baseDir);
  if (options.calibration) return readHardware(path, where, options);
  const key = `${path}\0${options.stack === undefined ? '' : resolveReference('calibration', options.stack, options.stackWhere ?? where, baseDir).path}`;
  const cached = hardwareCache.get(key);
  if (cached) return cached;
  const spec = readHardware(path, where, options);
  hardwareCache.set(key, spec);
  return spec;
}

/** The id of the serving stack a hardware file names as its default (the rows of models/validation.yaml name stacks by id). */
export function defaultStack(ref: string, where = 'hardware', baseDir = process.cwd()): string {
  const { path } = resolveReference('hardware', ref, where, baseDir);
  return stackOfFile(readChecked(path, hardwareFileSchema), path).stack;
}

/** The hardware file's own stack; its problems name the hardware file when they name no file of their own. */
function stackOfFile(f: HardwareFile, path: string): StackFile {
  try {
    return readStack(f.calibration, 'calibration', dirname(path));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.problems.map((p) => (p.file ? p : { ...p, file: displayPath(path) })));
  }
}

function readHardware(path: string, where: string, options: HardwareOptions): HardwareSpec {
  const f = readChecked(path, hardwareFileSchema);
  const stackWhere = options.stackWhere ?? where;
  const stack = options.stack === undefined ? stackOfFile(f, path) : readStack(options.stack, stackWhere, options.baseDir);
  checkStackKind(f, stack, options.stack === undefined ? `${displayPath(path)}: calibration` : stackWhere);
  // Validated: built-in hardware with rows of its own in models/validation.yaml, or a stack fitted to this hardware's measurements.
  const validated = (isBuiltIn(path) && isValidated(f.id)) || stack.fittedTo === f.id;
  const { id, name, source, priceUsdPerHour: pricePerHourUsd } = f;
  const calibration = calibrationOf(f.kind, stack, options.calibration);
  // The schema checked f against its kind's fields; TypeScript cannot follow the kind through the map.
  return HARDWARE_FORMATS[f.kind].spec(f as never, { id, name, source, validated, pricePerHourUsd, calibration } as never);
}
