/**
 * Model, hardware and calibration files (models/): parsed → checked → converted to SI once here.
 * Every problem names the file, the field and its line.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { InputError, type InputProblem } from '../domain/errors.js';
import { assertNever } from '../domain/never.js';
import { ATTENTION_KINDS, type AttentionLayer, type GpuCalibration, type GpuSpec, type HardwareSpec, type LlmSpec, type Precision, type PrecisionGroups, type WaferCalibration, type WaferSpec } from '../domain/specs.js';
import { GB, KW, MS, PB, PFLOPS, TB, TFLOPS, US, GHZ } from '../domain/units.js';
import { zodProblems } from '../scenario/problems.js';
import { idsOf, isBuiltIn, modelsDir, resolveReference } from './model-folders.js';
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
    /** The first k layers are dense whatever layerStep says (config.json first_k_dense_replace). */
    firstDenseLayers: z.number().int().nonnegative().optional(),
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
    /** MLA projections (config.json q_lora_rank, kv_lora_rank, qk_rope_head_dim, v_head_dim): latent layers' parameters. */
    projections: z.strictObject({ qRank: z.number().int().nonnegative(), kvRank: count, ropeDim: count, valueDim: count }).optional(),
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
  const pr = a.projections;
  if (pr && a.latentDim !== undefined && a.latentDim !== pr.kvRank + pr.ropeDim) problems.push({ path: ['attention', 'latentDim'], where: 'attention.latentDim', expected: `projections.kvRank + projections.ropeDim (${pr.kvRank + pr.ropeDim}): the latent each token caches`, found: String(a.latentDim) });
  if (pr && !a.pattern.includes('latent')) problems.push({ path: ['attention', 'projections'], where: 'attention.projections', expected: 'latent layers in the pattern (projections describe MLA)', found: a.pattern.join(', ') });
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

export type GpuCalibrationFile = z.infer<typeof gpuCalibrationSchema>;
export type WaferCalibrationFile = z.infer<typeof waferCalibrationSchema>;

/** How a file is named in messages: inside the package as models/…, else relative to the working directory. */
function displayPath(path: string): string {
  return isBuiltIn(path) ? relative(packageRoot(), path) : relative(process.cwd(), path) || path;
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

export const llmIds = (): string[] => idsOf('llm');
export const hardwareIds = (): string[] => idsOf('hardware');
export { modelsDir };

/** Hardware ids with published measurements of their own in models/validation.yaml. */
let validatedIds: Set<string> | undefined;
function isValidated(id: string): boolean {
  if (!validatedIds) {
    const path = join(modelsDir(), 'validation.yaml');
    const rows = existsSync(path) ? (readYamlFile(path, 'models/validation.yaml').value as { rows?: { hardware?: unknown }[] }).rows : [];
    validatedIds = new Set((Array.isArray(rows) ? rows : []).map((r) => String(r?.hardware)));
  }
  return validatedIds.has(id);
}

// Model files are read once per process (keyed by path): a sweep resolves its scenario once per point.
const llmCache = new Map<string, LlmSpec>();
const hardwareCache = new Map<string, HardwareSpec>();

/** A model by id (searched in the user's folders, then models/) or by path (relative to `baseDir`). */
export function loadLlm(ref: string, where = 'model', baseDir = process.cwd()): LlmSpec {
  const { path, byId } = resolveReference('llm', ref, where, baseDir);
  const cached = llmCache.get(path);
  if (cached) return cached;
  const spec = readLlmFile(path, byId ? ref : undefined);
  llmCache.set(path, spec);
  return spec;
}

/** Read one model file; `id`, when given, must match the file's `id`. */
export function readLlmFile(path: string, id?: string): LlmSpec {
  const f = readChecked(path, llmFileSchema, (v) => {
    const problems: InputProblem[] = [];
    if (id !== undefined && v.id !== id) problems.push({ path: ['id'], where: 'id', expected: `the file's name (${JSON.stringify(id)})`, found: JSON.stringify(v.id) });
    if (v.heads % v.kvHeads !== 0) problems.push({ path: ['kvHeads'], where: 'kvHeads', expected: `a divisor of heads (${v.heads})`, found: String(v.kvHeads) });
    if (v.moe && v.moe.activeExperts > v.moe.experts) problems.push({ path: ['moe', 'activeExperts'], where: 'moe.activeExperts', expected: `at most moe.experts (${v.moe.experts})`, found: String(v.moe.activeExperts) });
    if (v.moe?.firstDenseLayers !== undefined && v.moe.firstDenseLayers >= v.layers) problems.push({ path: ['moe', 'firstDenseLayers'], where: 'moe.firstDenseLayers', expected: `fewer than layers (${v.layers})`, found: String(v.moe.firstDenseLayers) });
    if (v.moe && v.ffn === 0 && (v.moe.layerStep > 1 || (v.moe.firstDenseLayers ?? 0) > 0)) problems.push({ path: ['ffn'], where: 'ffn', expected: 'the dense layers\' MLP size > 0 (moe.layerStep or moe.firstDenseLayers leave dense layers)', found: '0' });
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
    moe: f.moe && { ...f.moe, firstDenseLayers: f.moe.firstDenseLayers ?? 0 },
    attention: attentionLayers(f),
    latentProjections: f.attention?.projections,
    contextTokens: f.contextTokens,
    publishedParams: f.publishedParamsB * 1e9,
    publishedActiveParams: f.publishedActiveParamsB * 1e9,
    precision: groups,
  };
}

/** Where to find hardware besides its id, and what to change about it. */
export interface HardwareOptions {
  /** Folder a path reference is relative to (default: the working directory). */
  baseDir?: string;
  /** A calibration (serving-stack) file, id or path relative to `baseDir`, instead of the hardware file's own. */
  stack?: string;
}

/**
 * Hardware by id or path, with its calibration: the hardware file's `calibration` (an id, or a
 * path relative to the hardware file), or `options.stack`; `calibrationOverride` replaces
 * single calibrated values (for fitting tools).
 */
export function loadHardware(ref: string, where = 'hardware', calibrationOverride?: Record<string, unknown>, options: HardwareOptions = {}): HardwareSpec {
  const baseDir = options.baseDir ?? process.cwd();
  const { path } = resolveReference('hardware', ref, where, baseDir);
  const cal = options.stack === undefined ? undefined : resolveReference('calibration', options.stack, `${where.replace(/hardware$/, '')}calibration`, baseDir).path;
  if (calibrationOverride) return readHardware(path, calibrationOverride, cal);
  const key = `${path}\0${cal ?? ''}`;
  const cached = hardwareCache.get(key);
  if (cached) return cached;
  const spec = readHardware(path, undefined, cal);
  hardwareCache.set(key, spec);
  return spec;
}

function readHardware(path: string, calibrationOverride?: Record<string, unknown>, calibrationPath?: string): HardwareSpec {
  const f = readChecked(path, hardwareFileSchema);
  const calPath = calibrationPath ?? resolveReference('calibration', f.calibration, `${displayPath(path)}: calibration`, dirname(path)).path;
  const calSource = displayPath(calPath);
  const validated = isBuiltIn(path) && isValidated(f.id);
  switch (f.kind) {
    case 'gpu': {
      const c = { ...readChecked(calPath, gpuCalibrationSchema), ...calibrationOverride } as GpuCalibrationFile;
      const calibration = gpuCalibration(c, calSource);
      const gpu: GpuSpec = {
        kind: 'gpu',
        id: f.id,
        name: f.name,
        source: f.source,
        validated,
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
      const c = { ...readChecked(calPath, waferCalibrationSchema), ...calibrationOverride } as WaferCalibrationFile;
      const calibration = waferCalibration(c, calSource);
      const wafer: WaferSpec = {
        kind: 'wafer',
        id: f.id,
        name: f.name,
        source: f.source,
        validated,
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

/** The calibration file of a hardware kind, as written (for fitting tools). */
export function readCalibrationFile(name: 'gpu'): GpuCalibrationFile;
export function readCalibrationFile(name: 'wafer'): WaferCalibrationFile;
export function readCalibrationFile(name: 'gpu' | 'wafer'): GpuCalibrationFile | WaferCalibrationFile {
  const path = join(modelsDir(), 'calibration', `${name}.yaml`);
  return name === 'gpu' ? readChecked(path, gpuCalibrationSchema) : readChecked(path, waferCalibrationSchema);
}
