/**
 * Model files (models/llm/<id>.yaml, a user's folder, or any path): parsed → checked → converted
 * once here. Every problem names the file, the field and its line. Hardware and serving-stack
 * files have their own modules; this one re-exports them so that `io/models.js` is the one
 * place to import model files from.
 */
import { z } from 'zod';
import type { InputProblem } from '../domain/errors.js';
import { assertNever } from '../domain/never.js';
import { ATTENTION_KINDS, type AttentionLayer, type LlmSpec, type Precision, type PrecisionGroups } from '../domain/specs.js';
import { idsOf, resolveReference } from './model-folders.js';
import { readChecked } from './yaml.js';

export { modelsDir } from './model-folders.js';
export { defaultStack, hardwareFileSchema, hardwareIds, loadHardware, type HardwareOptions } from './hardware-files.js';
export { calibrationOf, readStack, stackIds, withCalibration, type StackFile, type StackParameter } from './stack-files.js';

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


export const llmIds = (): string[] => idsOf('llm');

// Model files are read once per process (keyed by path): a sweep resolves its scenario once per point.
const llmCache = new Map<string, LlmSpec>();

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

