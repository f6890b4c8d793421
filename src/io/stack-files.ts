/**
 * Serving-stack (calibration) files: models/calibration/<stack>.yaml, a user's folder, or any path.
 * One file per serving stack (TensorRT-LLM, vLLM, …) holds the constants of its hardware kind's
 * performance model, each assumed or fitted; converted to SI here.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { InputError, type InputProblem } from '../domain/errors.js';
import { HARDWARE_KINDS, type HardwareKind } from '../domain/kinds.js';
import { assertNever } from '../domain/never.js';
import type { GpuCalibration, HardwareSpec, WaferCalibration } from '../domain/specs.js';
import { GB, MS, US } from '../domain/units.js';
import { zodProblems } from '../scenario/problems.js';
import { displayPath, idsOf, resolveReference } from './model-folders.js';
import { readChecked } from './yaml.js';

const gpuCalibrationSchema = z.strictObject({
  computeEfficiency: z.number().positive().max(1),
  memoryEfficiency: z.number().positive().max(1),
  stepOverheadMs: z.number().nonnegative(),
  layerOverheadUs: z.number().nonnegative(),
  allReduceLatencyUs: z.number().nonnegative(),
  linkLatencyUs: z.number().nonnegative(),
  interNodeLatencyUs: z.number().nonnegative(),
  memoryUtilisation: z.number().positive().max(1),
  activationReserveGB: z.number().nonnegative(),
});

const waferCalibrationSchema = z.strictObject({
  layerSyncUs: z.number().nonnegative(),
  sramEfficiency: z.number().positive().max(1),
  computeEfficiency: z.number().positive().max(1),
  meshEfficiency: z.number().positive().max(1),
  interWaferLatencyUs: z.number().nonnegative(),
  stepOverheadUs: z.number().nonnegative(),
  reserveFraction: z.number().nonnegative().lt(1),
});

export type GpuCalibrationFile = z.infer<typeof gpuCalibrationSchema>;
export type WaferCalibrationFile = z.infer<typeof waferCalibrationSchema>;

/** Each kind's calibration parameters: a new kind without its schema does not compile. */
const CALIBRATION_SCHEMAS: { readonly [K in HardwareKind]: z.ZodType } = { gpu: gpuCalibrationSchema, wafer: waferCalibrationSchema };

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
  checkCalibration(CALIBRATION_SCHEMAS[kind], values, file);
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

export const gpuCalibrationOf = (stack: StackFile, overrides: Record<string, number> = {}) =>
  gpuCalibration(checkCalibration(gpuCalibrationSchema, { ...stack.values, ...overrides }, stack.file), stack.file);
export const waferCalibrationOf = (stack: StackFile, overrides: Record<string, number> = {}) =>
  waferCalibration(checkCalibration(waferCalibrationSchema, { ...stack.values, ...overrides }, stack.file), stack.file);

/** The same hardware under a serving stack's calibration, with some values replaced (a fitter's candidate). */
export function withCalibration(hardware: HardwareSpec, stack: StackFile, overrides: Record<string, number> = {}): HardwareSpec {
  checkStackKind(hardware, stack, 'stack');
  switch (hardware.kind) {
    case 'gpu':
      return { ...hardware, calibration: gpuCalibrationOf(stack, overrides) };
    case 'wafer':
      return { ...hardware, calibration: waferCalibrationOf(stack, overrides) };
    default:
      return assertNever(hardware);
  }
}

/** Calibration file values (human units) → SI. */
export function gpuCalibration(c: GpuCalibrationFile, source: string): GpuCalibration {
  return {
    source,
    computeEfficiency: c.computeEfficiency,
    memoryEfficiency: c.memoryEfficiency,
    stepOverheadSeconds: c.stepOverheadMs * MS,
    layerOverheadSeconds: c.layerOverheadUs * US,
    allReduceLatencySeconds: c.allReduceLatencyUs * US,
    linkLatencySeconds: c.linkLatencyUs * US,
    interNodeLatencySeconds: c.interNodeLatencyUs * US,
    memoryUtilisation: c.memoryUtilisation,
    activationReserveBytes: c.activationReserveGB * GB,
  };
}

export function waferCalibration(c: WaferCalibrationFile, source: string): WaferCalibration {
  return {
    source,
    layerSyncSeconds: c.layerSyncUs * US,
    sramEfficiency: c.sramEfficiency,
    computeEfficiency: c.computeEfficiency,
    meshEfficiency: c.meshEfficiency,
    interWaferLatencySeconds: c.interWaferLatencyUs * US,
    stepOverheadSeconds: c.stepOverheadUs * US,
    reserveFraction: c.reserveFraction,
  };
}
