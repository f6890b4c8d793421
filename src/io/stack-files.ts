/**
 * Serving-stack (calibration) files: models/calibration/<stack>.yaml, a user's folder, or any path.
 * One file per serving stack (TensorRT-LLM, vLLM, …) holds the constants of its hardware kind's
 * performance model, each assumed or fitted; converted to SI here.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { InputError, type InputProblem } from '../domain/errors.js';
import { HARDWARE_KINDS, type HardwareKind } from '../domain/kinds.js';
import type { HardwareSpec } from '../domain/specs.js';
import { HARDWARE_FORMATS } from '../perf/index.js';
import { zodProblems } from '../scenario/problems.js';
import { zodFields } from './file-fields.js';
import { displayPath, idsOf, resolveReference } from './model-folders.js';
import { readChecked } from './yaml.js';

/** Each kind's calibration parameters (its HardwareFormat's fields, perf/formats.ts). */
const calibrationSchema = (kind: HardwareKind) => z.strictObject(zodFields(HARDWARE_FORMATS[kind].calibrationFields));

/**
 * A serving-stack file: its hardware kind, then one entry per calibration parameter, either
 * assumed (a number) or fitted (`{ value, fit: [low, high] }`). The parameter names and checks
 * are the kind's calibration schema's; the fitter needs only the ranges.
 */
const stackParameter = z.union([
  z.number(),
  z.strictObject({ value: z.number(), fit: z.tuple([z.number(), z.number()]) }),
]);
const stackFileSchema = z.object({
  kind: z.enum(HARDWARE_KINDS),
  /** Written by `wafersim calibrate` with measurements: the hardware id its values were fitted to. */
  fittedTo: z.string().min(1).optional(),
}).catchall(stackParameter);

export interface StackParameter {
  name: string;
  value: number;
  /** Search range of a fitted parameter; absent: assumed. */
  fit?: [number, number];
}

export interface StackFile {
  /** Its id (file name without .yaml). */
  stack: string;
  kind: HardwareKind;
  /** As named in messages and results (models/calibration/<stack>.yaml for built-in ones). */
  file: string;
  /** Absolute path. */
  path: string;
  parameters: StackParameter[];
  /** Every parameter's value, by name (file units). */
  values: Record<string, number>;
  /** The hardware id a user's measurements fitted it to (that hardware is then calibrated under it). */
  fittedTo?: string;
}

export const stackIds = (): string[] => idsOf('calibration');

/**
 * A serving-stack file by id (the user's folders, then models/calibration/) or by path (relative
 * to `baseDir`): its kind, every parameter's value, and the search ranges of the fitted ones.
 */
export function readStack(ref: string, where = 'stack', baseDir = process.cwd()): StackFile {
  const { path } = resolveReference('calibration', ref, where, baseDir);
  const f = readChecked(path, stackFileSchema, (v) => {
    const problems: InputProblem[] = [];
    for (const [name, p] of Object.entries(v)) {
      if (typeof p !== 'object') continue;
      const [low, high] = p.fit;
      if (!(low < high) || p.value < low || p.value > high) {
        problems.push({ path: [name], where: name, expected: 'fit: [low, high] with low < high and low ≤ value ≤ high', found: `value ${p.value}, fit [${low}, ${high}]` });
      }
    }
    return problems;
  });
  const { kind, fittedTo, ...rest } = f;
  const parameters: StackParameter[] = Object.entries(rest as Record<string, z.infer<typeof stackParameter>>).map(([name, p]) =>
    typeof p === 'number' ? { name, value: p } : { name, value: p.value, fit: p.fit });
  const file = displayPath(path);
  const values = Object.fromEntries(parameters.map((p) => [p.name, p.value]));
  checkCalibration(calibrationSchema(kind), values, file);
  return { stack: basename(path).replace(/\.ya?ml$/i, ''), kind, file, path, parameters, values, fittedTo };
}

/** Check calibration values (a stack file's, or a fitter's candidate) against the kind's schema. */
function checkCalibration<S extends z.ZodType>(schema: S, values: Record<string, number>, file: string): z.infer<S> {
  const result = schema.safeParse(values);
  if (!result.success) throw new InputError(zodProblems(result.error, values, file));
  return result.data;
}

export function checkStackKind(hardware: { id: string; kind: HardwareKind }, stack: StackFile, where: string): void {
  if (stack.kind !== hardware.kind) {
    throw new InputError([{ where, expected: `a serving stack for ${hardware.kind} hardware (${hardware.id})`, found: `${JSON.stringify(stack.stack)}, a ${stack.kind} stack` }]);
  }
}

/** A stack's calibration (values replaced by `overrides`, e.g. a fitter's candidate) for hardware of its kind, in SI. */
export function calibrationOf<H extends HardwareSpec>(kind: H['kind'], stack: StackFile, overrides: Record<string, number> = {}): H['calibration'] {
  const values = checkCalibration(calibrationSchema(kind), { ...stack.values, ...overrides }, stack.file);
  return HARDWARE_FORMATS[kind].calibration(values as never, stack.file);
}

/** The same hardware under a serving stack's calibration, with some values replaced (a fitter's candidate). */
export function withCalibration<H extends HardwareSpec>(hardware: H, stack: StackFile, overrides: Record<string, number> = {}): H {
  checkStackKind(hardware, stack, 'stack');
  return { ...hardware, calibration: calibrationOf<H>(hardware.kind, stack, overrides) };
}
