/**
 * Model, hardware and calibration files (models/): parsed → checked → converted to SI once here.
 * Every problem names the file, the field and its line.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { InputError, type InputProblem } from '../domain/errors.js';
import { assertNever } from '../domain/never.js';
import { ATTENTION_KINDS, type AttentionLayer, type GpuCalibration, type GpuSpec, type HardwareSpec, type LlmSpec, type Precision, type PrecisionGroups, type WaferCalibration, type WaferSpec } from '../domain/specs.js';
import { GB, KW, MS, PB, PFLOPS, TB, TFLOPS, US, GHZ } from '../domain/units.js';
import { zodProblems } from '../scenario/problems.js';
import { packageRoot } from './package.js';
import { readYamlFile, withLines } from './yaml.js';

const positive = z.number().positive();
const count = z.number().int().positive();
const precision = z.enum(['bf16', 'fp16', 'fp8', 'mxfp4']);
const precisionGroups = z.strictObject({
  default: precision,
  attention: precision.optional(),
  mlp: precision.optional(),
  experts: precision.optional(),
  embeddings: precision.optional(),
  kvCache: precision.optional(),
  activations: precision.optional(),
});

export const llmFileSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  source: z.string().min(1),
  layers: count,
  hidden: count,
  heads: count,
  kvHeads: count,
  headDim: count,
  ffn: z.number().int().nonnegative(),
  vocab: count,
  tiedEmbeddings: z.boolean(),
  contextTokens: count,
  moe: z.strictObject({
    experts: count,
    activeExperts: count,
    expertFfn: count,
    sharedExperts: z.number().int().nonnegative(),
    sharedExpertFfn: z.number().int().nonnegative(),
    layerStep: count,
  }).optional(),
  /**
   * How the layers attend: `pattern` repeats from layer 0 (absent: every layer full attention).
   * Sliding layers need `window`, chunked layers `chunk`, latent (MLA) layers `latentDim`.
   */
  attention: z.strictObject({
    pattern: z.array(z.enum(ATTENTION_KINDS)).min(1),
    window: count.optional(),
    chunk: count.optional(),
    latentDim: count.optional(),
  }).optional(),
  publishedParamsB: positive,
  publishedActiveParamsB: positive,
  precision: precisionGroups,
});

type LlmFile = z.infer<typeof llmFileSchema>;

/** What each layer's attention needs, with the key that must say it. */
const ATTENTION_NEEDS = { sliding: 'window', chunked: 'chunk', latent: 'latentDim' } as const;

function attentionProblems(v: LlmFile): InputProblem[] {
  const a = v.attention;
  if (!a) return [];
  const problems: InputProblem[] = [];
  for (const kind of new Set(a.pattern)) {
    if (kind === 'full') continue;
    const key = ATTENTION_NEEDS[kind];
    if (a[key] === undefined) problems.push({ path: ['attention', key], where: `attention.${key}`, expected: `a positive integer (the pattern has ${kind} layers)`, found: 'nothing' });
  }
  if (a.pattern.length > v.layers) problems.push({ path: ['attention', 'pattern'], where: 'attention.pattern', expected: `at most ${v.layers} entries (one per layer)`, found: `${a.pattern.length}` });
  return problems;
}

/** One entry per layer, the pattern repeated from layer 0. */
function attentionLayers(v: LlmFile): AttentionLayer[] {
  const a = v.attention;
  return Array.from({ length: v.layers }, (_, l): AttentionLayer => {
    const kind = a ? a.pattern[l % a.pattern.length] : 'full';
    switch (kind) {
      case 'full':
        return { kind };
      case 'sliding':
        return { kind, window: a!.window! };
      case 'chunked':
        return { kind, chunk: a!.chunk! };
      case 'latent':
        return { kind, latentDim: a!.latentDim! };
      default:
        return assertNever(kind);
    }
  });
}

const common = {
  id: z.string(),
  name: z.string(),
  source: z.string().min(1),
  priceUsdPerHour: z.number().nonnegative(),
  calibration: z.string(),
};

export const hardwareFileSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...common,
    kind: z.literal('gpu'),
    hbmGB: positive,
    hbmBandwidthTBps: positive,
    peakTflops: z.strictObject({ bf16: positive, fp8: z.number().nonnegative(), fp4: positive.optional() }),
    nvlinkGBps: positive,
    gpusPerNode: count,
    interNodeGBps: positive,
    powerBusyW: positive,
    powerIdleW: z.number().nonnegative(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('wafer'),
    cores: count,
    fabricWidth: count,
    fabricHeight: count,
    sramGB: positive,
    sramBandwidthPBps: positive,
    peakDensePflops: positive,
    clockGHz: positive,
    linkBytesPerCycle: positive,
    hopCycles: positive,
    ioGBps: positive,
    powerBusyKW: positive,
    powerIdleKW: z.number().nonnegative(),
  }),
]);

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

/**
 * A serving-stack file (models/calibration/<stack>.yaml): its hardware kind, then one entry per
 * calibration parameter, either assumed (a number) or fitted (`{ value, fit: [low, high] }`).
 * The parameter names and checks are the kind's calibration schema's; the fitter needs only the ranges.
 */
const stackParameter = z.union([
  z.number(),
  z.strictObject({ value: z.number(), fit: z.tuple([z.number(), z.number()]) }),
]);
const stackFileSchema = z.object({ kind: z.enum(['gpu', 'wafer']) }).catchall(stackParameter);

export interface StackParameter {
  name: string;
  value: number;
  /** Search range of a fitted parameter; absent: assumed. */
  fit?: [number, number];
}

export interface StackFile {
  stack: string;
  kind: 'gpu' | 'wafer';
  file: string;
  parameters: StackParameter[];
  /** Every parameter's value, by name (file units). */
  values: Record<string, number>;
}

export type GpuCalibrationFile = z.infer<typeof gpuCalibrationSchema>;
export type WaferCalibrationFile = z.infer<typeof waferCalibrationSchema>;

export function modelsDir(): string {
  return join(packageRoot(), 'models');
}

/** Read and check one YAML file against a schema; problems name the file, field and line. */
function readChecked<S extends z.ZodType>(path: string, schema: S, extra?: (v: z.infer<S>) => InputProblem[]): z.infer<S> {
  const display = relative(process.cwd(), path) || path;
  const parsed = readYamlFile(path, display);
  const result = schema.safeParse(parsed.value);
  if (!result.success) throw new InputError(withLines(zodProblems(result.error, parsed.value, display), parsed));
  const problems = extra?.(result.data) ?? [];
  if (problems.length > 0) throw new InputError(withLines(problems.map((p) => ({ ...p, file: display })), parsed));
  return result.data;
}

function ids(folder: string): string[] {
  const dir = join(modelsDir(), folder);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort() : [];
}

export const llmIds = (): string[] => ids('llm');
export const hardwareIds = (): string[] => ids('hardware');

function unknownId(kind: string, id: string, valid: string[], where: string): InputError {
  return new InputError([{ where, expected: `a ${kind} id, one of: ${valid.join(', ')}`, found: JSON.stringify(id) }]);
}

// Model files are read once per process: a sweep resolves its scenario once per point.
const llmCache = new Map<string, LlmSpec>();
const hardwareCache = new Map<string, HardwareSpec>();

export function loadLlm(id: string, where = 'model'): LlmSpec {
  const cached = llmCache.get(id);
  if (cached) return cached;
  if (!llmIds().includes(id)) throw unknownId('model', id, llmIds(), where);
  const spec = readLlmFile(join(modelsDir(), 'llm', `${id}.yaml`), id);
  llmCache.set(id, spec);
  return spec;
}

/** Read one model file; `id`, when given, must match the file's `id`. */
export function readLlmFile(path: string, id?: string): LlmSpec {
  const f = readChecked(path, llmFileSchema, (v) => {
    const problems: InputProblem[] = [];
    if (id !== undefined && v.id !== id) problems.push({ path: ['id'], where: 'id', expected: `the file's name (${JSON.stringify(id)})`, found: JSON.stringify(v.id) });
    if (v.heads % v.kvHeads !== 0) problems.push({ path: ['kvHeads'], where: 'kvHeads', expected: `a divisor of heads (${v.heads})`, found: String(v.kvHeads) });
    if (v.moe && v.moe.activeExperts > v.moe.experts) problems.push({ path: ['moe', 'activeExperts'], where: 'moe.activeExperts', expected: `at most moe.experts (${v.moe.experts})`, found: String(v.moe.activeExperts) });
    if (!v.moe && v.ffn === 0) problems.push({ path: ['ffn'], where: 'ffn', expected: 'a dense MLP size > 0 (or a moe: section)', found: '0' });
    return [...problems, ...attentionProblems(v)];
  });
  const p = f.precision;
  const group = (g?: Precision) => g ?? p.default;
  const groups: PrecisionGroups = {
    attention: group(p.attention),
    mlp: group(p.mlp),
    experts: group(p.experts),
    embeddings: group(p.embeddings),
    kvCache: group(p.kvCache),
    activations: group(p.activations),
  };
  return {
    id: f.id,
    name: f.name,
    source: f.source,
    layers: f.layers,
    hidden: f.hidden,
    heads: f.heads,
    kvHeads: f.kvHeads,
    headDim: f.headDim,
    ffn: f.ffn,
    vocab: f.vocab,
    tiedEmbeddings: f.tiedEmbeddings,
    moe: f.moe,
    attention: attentionLayers(f),
    contextTokens: f.contextTokens,
    publishedParams: f.publishedParamsB * 1e9,
    publishedActiveParams: f.publishedActiveParamsB * 1e9,
    precision: groups,
  };
}

export interface HardwareOptions {
  /** Serving stack (models/calibration/<stack>.yaml); default: the one the hardware file names. */
  stack?: string;
  /** Calibration values (file units) replacing the stack file's, e.g. a fitter's candidate. */
  calibration?: Record<string, number>;
}

export function loadHardware(id: string, where = 'hardware', options: HardwareOptions = {}): HardwareSpec {
  if (options.calibration) return readHardware(id, where, options);
  const key = `${id}@${options.stack ?? ''}`;
  const cached = hardwareCache.get(key);
  if (cached) return cached;
  const spec = readHardware(id, where, options);
  hardwareCache.set(key, spec);
  return spec;
}

/** The serving stack a hardware file names as its default. */
export function defaultStack(id: string, where = 'hardware'): string {
  if (!hardwareIds().includes(id)) throw unknownId('hardware', id, hardwareIds(), where);
  return readChecked(join(modelsDir(), 'hardware', `${id}.yaml`), hardwareFileSchema).calibration;
}

function readHardware(id: string, where: string, options: HardwareOptions): HardwareSpec {
  if (!hardwareIds().includes(id)) throw unknownId('hardware', id, hardwareIds(), where);
  const f = readChecked(join(modelsDir(), 'hardware', `${id}.yaml`), hardwareFileSchema);
  const stack = readStack(options.stack ?? f.calibration, options.stack ? where : `models/hardware/${id}.yaml: calibration`);
  checkStackKind(f, stack, where);
  switch (f.kind) {
    case 'gpu': {
      const calibration = gpuCalibrationOf(stack, options.calibration);
      const gpu: GpuSpec = {
        kind: 'gpu',
        id: f.id,
        name: f.name,
        source: f.source,
        hbmBytes: f.hbmGB * GB,
        hbmBytesPerSecond: f.hbmBandwidthTBps * TB,
        peakFlops: { bf16: f.peakTflops.bf16 * TFLOPS, fp8: f.peakTflops.fp8 * TFLOPS, fp4: f.peakTflops.fp4 && f.peakTflops.fp4 * TFLOPS },
        nvlinkBytesPerSecond: f.nvlinkGBps * GB,
        gpusPerNode: f.gpusPerNode,
        interNodeBytesPerSecond: f.interNodeGBps * GB,
        powerBusyWatts: f.powerBusyW,
        powerIdleWatts: f.powerIdleW,
        pricePerHourUsd: f.priceUsdPerHour,
        calibration,
      };
      return gpu;
    }
    case 'wafer': {
      const calibration = waferCalibrationOf(stack, options.calibration);
      const wafer: WaferSpec = {
        kind: 'wafer',
        id: f.id,
        name: f.name,
        source: f.source,
        cores: f.cores,
        fabricWidth: f.fabricWidth,
        fabricHeight: f.fabricHeight,
        sramBytes: f.sramGB * GB,
        sramBytesPerSecond: f.sramBandwidthPBps * PB,
        peakFlops: f.peakDensePflops * PFLOPS,
        clockHz: f.clockGHz * GHZ,
        linkBytesPerCycle: f.linkBytesPerCycle,
        hopCycles: f.hopCycles,
        ioBytesPerSecond: f.ioGBps * GB,
        powerBusyWatts: f.powerBusyKW * KW,
        powerIdleWatts: f.powerIdleKW * KW,
        pricePerHourUsd: f.priceUsdPerHour,
        calibration,
      };
      return wafer;
    }
  }
}

function checkStackKind(hardware: { id: string; kind: 'gpu' | 'wafer' }, stack: StackFile, where: string): void {
  if (stack.kind !== hardware.kind) {
    throw new InputError([{ where, expected: `a serving stack for ${hardware.kind} hardware (${hardware.id})`, found: `${JSON.stringify(stack.stack)}, a ${stack.kind} stack` }]);
  }
}

const gpuCalibrationOf = (stack: StackFile, overrides: Record<string, number> = {}) =>
  gpuCalibration(checkCalibration(gpuCalibrationSchema, { ...stack.values, ...overrides }, stack.file), stack.file);
const waferCalibrationOf = (stack: StackFile, overrides: Record<string, number> = {}) =>
  waferCalibration(checkCalibration(waferCalibrationSchema, { ...stack.values, ...overrides }, stack.file), stack.file);

/** The same hardware under a serving stack's calibration, with some values replaced (a fitter's candidate). */
export function withCalibration(hardware: HardwareSpec, stack: StackFile, overrides: Record<string, number> = {}): HardwareSpec {
  checkStackKind(hardware, stack, 'stack');
  switch (hardware.kind) {
    case 'gpu':
      return { ...hardware, calibration: gpuCalibrationOf(stack, overrides) };
    case 'wafer':
      return { ...hardware, calibration: waferCalibrationOf(stack, overrides) };
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

export const stackIds = (): string[] => ids('calibration');

/** A serving-stack file: its kind, every parameter's value, and the search ranges of the fitted ones. */
export function readStack(stack: string, where = 'stack'): StackFile {
  if (!stackIds().includes(stack)) throw unknownId('serving stack', stack, stackIds(), where);
  const path = join(modelsDir(), 'calibration', `${stack}.yaml`);
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
  const { kind, ...rest } = f;
  const parameters: StackParameter[] = Object.entries(rest).map(([name, p]) =>
    typeof p === 'number' ? { name, value: p } : { name, value: p.value, fit: p.fit });
  const file = `models/calibration/${stack}.yaml`;
  const values = Object.fromEntries(parameters.map((p) => [p.name, p.value]));
  checkCalibration(kind === 'gpu' ? gpuCalibrationSchema : waferCalibrationSchema, values, file);
  return { stack, kind, file, parameters, values };
}

/** Check calibration values (a stack file's, or a fitter's candidate) against the kind's schema. */
function checkCalibration<S extends z.ZodType>(schema: S, values: Record<string, number>, file: string): z.infer<S> {
  const result = schema.safeParse(values);
  if (!result.success) throw new InputError(zodProblems(result.error, values, file));
  return result.data;
}
