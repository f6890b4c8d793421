/**
 * `import-model`: a Hugging Face style config.json → a wafersim model file. Each value says which
 * config key it came from. Families: Llama (2, 3, 4), Qwen (2, 2.5, 3, MoE), Mistral/Mixtral,
 * DeepSeek-V3/Kimi-K2 (MLA), gpt-oss, Gemma (2, 3), GLM-4.5 MoE. Anything else, or a known family
 * missing a key, is refused with the keys that could not be mapped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { InputError, type InputProblem } from '../domain/errors.js';
import type { AttentionKind } from '../domain/specs.js';
import { totals } from '../perf/llm.js';
import { readLlmFile } from './models.js';
import { writeNewFile } from './new-file.js';
import { MODEL_FORMAT } from '../scenario/versions.js';

type Config = Record<string, unknown>;

/** model_type → family. */
const FAMILIES: Record<string, 'dense' | 'mixtral' | 'qwen-moe' | 'deepseek' | 'gpt-oss' | 'gemma' | 'llama4' | 'glm-moe'> = {
  llama: 'dense', mistral: 'dense', qwen2: 'dense', qwen3: 'dense', mixtral: 'mixtral', qwen2_moe: 'qwen-moe', qwen3_moe: 'qwen-moe',
  deepseek_v3: 'deepseek', kimi_k2: 'deepseek', gpt_oss: 'gpt-oss', gemma2: 'gemma', gemma3: 'gemma', gemma3_text: 'gemma',
  llama4: 'llama4', llama4_text: 'llama4', glm4_moe: 'glm-moe',
};

export interface ImportOptions {
  /** Shown in `source` (the config's path or repository). */
  source: string;
  id?: string;
  name?: string;
  /** The model card's parameter counts, in billions (default: computed, and said so). */
  publishedParamsB?: number;
  publishedActiveParamsB?: number;
}

interface Line {
  key: string;
  value: string;
  from: string;
}

/** The model file's text, or an InputError naming the config file and the keys it lacks. */
export function importModelConfig(raw: unknown, file: string, o: ImportOptions): { id: string; text: string; needsParams: boolean } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError([{ file, where: '(file)', expected: 'a JSON object (a config.json)', found: Array.isArray(raw) ? 'a list' : typeof raw }]);
  const top = raw as Config;
  // Multimodal configs (Llama 4, Gemma 3) keep the language model under text_config.
  const c: Config = typeof top.text_config === 'object' && top.text_config !== null ? { ...top, ...(top.text_config as Config) } : top;
  const modelType = String(top.model_type ?? c.model_type ?? '');
  const family = FAMILIES[modelType];
  const problems: InputProblem[] = [];
  if (!family) {
    throw new InputError([{ file, where: 'model_type', expected: `one of the families wafersim maps: ${Object.keys(FAMILIES).join(', ')}`, found: `${JSON.stringify(modelType || null)} (architectures: ${JSON.stringify(top.architectures ?? null)}); map it by hand into a model file (see models/llm/)` }]);
  }
  const int = (key: string, fallback?: number): number => {
    const v = c[key];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      problems.push({ file, where: key, expected: `a whole number (needed for ${modelType})`, found: 'nothing' });
      return 0;
    }
    if (!Number.isInteger(v) || (v as number) < 0) problems.push({ file, where: key, expected: 'a whole number >= 0', found: JSON.stringify(v) });
    return v as number;
  };
  const lines: Line[] = [];
  const put = (key: string, value: string | number | boolean, from: string) => lines.push({ key, value: String(value), from });

  const layers = int('num_hidden_layers');
  const hidden = int('hidden_size');
  const heads = int('num_attention_heads');
  const kvHeads = int('num_key_value_heads', heads);
  const mla = family === 'deepseek' && c.kv_lora_rank !== undefined;
  const headDim = mla ? int('qk_nope_head_dim') + int('qk_rope_head_dim') : int('head_dim', heads > 0 ? Math.floor(hidden / heads) : 0);
  put('layers', layers, 'num_hidden_layers');
  put('hidden', hidden, 'hidden_size');
  put('heads', heads, 'num_attention_heads');
  put('kvHeads', mla ? heads : kvHeads, mla ? 'MLA: keys and values per query head' : c.num_key_value_heads === undefined ? 'num_attention_heads (no num_key_value_heads)' : 'num_key_value_heads');
  put('headDim', headDim, mla ? 'qk_nope_head_dim + qk_rope_head_dim' : c.head_dim === undefined ? 'hidden_size / num_attention_heads' : 'head_dim');

  // Which layers are MoE, and the MLP sizes.
  const moeLayers: boolean[] = Array.from({ length: layers }, () => false);
  let moe: string | undefined;
  let denseFfn = 0;
  let denseFrom = 'none: every layer is MoE';
  const experts = (n: string, k: string, size: string, shared: number, sharedSize: number, sharedFrom: string) => {
    moe = `{ experts: ${int(n)}, activeExperts: ${int(k)}, expertFfn: ${int(size)}, sharedExperts: ${shared}, sharedExpertFfn: ${sharedSize}, layerStep: LAYER_STEP, firstDenseLayers: FIRST_DENSE }   # ${n}, ${k}, ${size}, ${sharedFrom}`;
  };
  switch (family) {
    case 'dense':
    case 'gemma':
      denseFfn = int('intermediate_size');
      denseFrom = 'intermediate_size';
      break;
    case 'mixtral':
      experts('num_local_experts', 'num_experts_per_tok', 'intermediate_size', 0, 0, 'no shared experts');
      moeLayers.fill(true);
      break;
    case 'gpt-oss':
      experts('num_local_experts', 'num_experts_per_tok', 'intermediate_size', 0, 0, 'no shared experts');
      moeLayers.fill(true);
      break;
    case 'qwen-moe': {
      const sharedSize = int('shared_expert_intermediate_size', 0);
      experts('num_experts', 'num_experts_per_tok', 'moe_intermediate_size', sharedSize > 0 ? 1 : 0, sharedSize, 'shared_expert_intermediate_size');
      const step = int('decoder_sparse_step', 1);
      const denseOnly = new Set(Array.isArray(c.mlp_only_layers) ? (c.mlp_only_layers as number[]) : []);
      moeLayers.forEach((_, l) => (moeLayers[l] = !denseOnly.has(l) && (l + 1) % step === 0));
      if (moeLayers.some((m) => !m)) [denseFfn, denseFrom] = [int('intermediate_size'), 'intermediate_size'];
      break;
    }
    case 'deepseek':
    case 'glm-moe': {
      experts('n_routed_experts', 'num_experts_per_tok', 'moe_intermediate_size', int('n_shared_experts', 0), int('moe_intermediate_size'), 'n_shared_experts of moe_intermediate_size');
      const first = int('first_k_dense_replace', 0);
      const freq = int('moe_layer_freq', 1);
      moeLayers.forEach((_, l) => (moeLayers[l] = l >= first && l % freq === 0));
      [denseFfn, denseFrom] = [int('intermediate_size'), 'intermediate_size (the first_k_dense_replace dense layers)'];
      break;
    }
    case 'llama4': {
      experts('num_local_experts', 'num_experts_per_tok', 'intermediate_size', 1, int('intermediate_size'), 'one shared expert of intermediate_size');
      const step = int('interleave_moe_layer_step', 1);
      moeLayers.forEach((_, l) => (moeLayers[l] = (l + 1) % step === 0));
      if (step > 1) [denseFfn, denseFrom] = [int('intermediate_size_mlp'), 'intermediate_size_mlp'];
      break;
    }
  }
  put('ffn', denseFfn, denseFrom);
  put('vocab', int('vocab_size'), 'vocab_size');
  const tied = typeof c.tie_word_embeddings === 'boolean' ? c.tie_word_embeddings : family === 'gemma';
  put('tiedEmbeddings', tied, c.tie_word_embeddings === undefined ? `${family === 'gemma' ? 'Gemma ties them' : 'untied'} (no tie_word_embeddings)` : 'tie_word_embeddings');
  put('contextTokens', int('max_position_embeddings'), 'max_position_embeddings');

  const attention = attentionLine(c, family, layers, mla, int, problems, file);
  if (attention) put('attention', attention.value, attention.from);
  if (moe) {
    const pattern = moePattern(moeLayers);
    if (!pattern) problems.push({ file, where: 'MoE layers', expected: 'MoE layers that a first-k-dense + every-n-th pattern describes', found: moeLayers.map((m) => (m ? 'M' : 'd')).join('') });
    const [step, first] = pattern ?? [1, 0];
    put('moe', moe.replace('LAYER_STEP', String(step)).replace('FIRST_DENSE', String(first)).replace(/   # (.*)$/, ''), moe.replace(/^.*   # /, ''));
  }
  if (problems.length > 0) throw new InputError(problems);

  const id = o.id ?? defaultId(c, file);
  const precision = precisionOf(c, family);
  const needsParams = o.publishedParamsB === undefined || o.publishedActiveParamsB === undefined;
  const header = [
    `# ${o.name ?? id}: imported by \`wafersim import-model\` from ${o.source} (model_type ${modelType}).`,
    '# Each value names the config.json key it came from.',
    ...(needsParams ? ['# publishedParamsB / publishedActiveParamsB: fill in the model card\'s counts (the values below are placeholders', '# that `wafersim import-model` replaces with the arithmetic\'s own totals; see --params-b).'] : []),
  ];
  const body = [
    `version: ${MODEL_FORMAT}   # the model file format (scenario/versions.ts)`,
    `id: ${id}`,
    `name: ${JSON.stringify(o.name ?? id)}`,
    `source: ${JSON.stringify(`${o.source} (config.json, model_type ${modelType})`)}`,
    ...lines.map((l) => `${l.key}: ${l.value}   # ${l.from}`),
    `publishedParamsB: ${o.publishedParamsB ?? 'PARAMS'}`,
    `publishedActiveParamsB: ${o.publishedActiveParamsB ?? 'ACTIVE'}`,
    `precision: ${precision.value}   # ${precision.from}`,
  ];
  return { id, text: `${[...header, ...body].join('\n')}\n`, needsParams };
}

function attentionLine(c: Config, family: string, layers: number, mla: boolean, int: (k: string, f?: number) => number, problems: InputProblem[], file: string): { value: string; from: string } | undefined {
  if (mla) {
    const kvRank = int('kv_lora_rank');
    const rope = int('qk_rope_head_dim');
    return {
      value: `{ pattern: [latent], latentDim: ${kvRank + rope}, projections: { qRank: ${int('q_lora_rank', 0)}, kvRank: ${kvRank}, ropeDim: ${rope}, valueDim: ${int('v_head_dim')} } }`,
      from: 'MLA: kv_lora_rank + qk_rope_head_dim cached per token; q_lora_rank, v_head_dim',
    };
  }
  let kinds: AttentionKind[] | undefined;
  let from = '';
  const extra: string[] = [];
  if (Array.isArray(c.layer_types)) {
    const map: Record<string, AttentionKind> = { full_attention: 'full', sliding_attention: 'sliding', chunked_attention: 'chunked' };
    const unknown = (c.layer_types as unknown[]).filter((t) => !(String(t) in map));
    if (unknown.length > 0) problems.push({ file, where: 'layer_types', expected: `entries among ${Object.keys(map).join(', ')}`, found: JSON.stringify([...new Set(unknown)]) });
    kinds = (c.layer_types as unknown[]).map((t) => map[String(t)] ?? 'full');
    from = 'layer_types';
  } else if (family === 'llama4' && c.attention_chunk_size) {
    // no_rope_layers[l] = 1: the layer uses RoPE and attends within its chunk; 0: global (NoPE).
    const noRope = Array.isArray(c.no_rope_layers) && c.no_rope_layers.length === layers ? (c.no_rope_layers as number[]) : Array.from({ length: layers }, (_, l) => ((l + 1) % 4 === 0 ? 0 : 1));
    kinds = noRope.map((r) => (r ? 'chunked' : 'full'));
    from = 'no_rope_layers, attention_chunk_size';
  } else if (family === 'gemma' && c.sliding_window) {
    const every = int('sliding_window_pattern', 2);
    kinds = Array.from({ length: layers }, (_, l) => ((l + 1) % every === 0 ? 'full' : 'sliding'));
    from = 'sliding_window_pattern, sliding_window';
  } else if (c.sliding_window && c.use_sliding_window !== false && family === 'dense') {
    kinds = Array.from({ length: layers }, () => 'sliding');
    from = 'sliding_window (every layer)';
  }
  if (!kinds || kinds.every((k) => k === 'full')) return undefined;
  if (kinds.includes('sliding')) extra.push(`window: ${int('sliding_window')}`);
  if (kinds.includes('chunked')) extra.push(`chunk: ${int('attention_chunk_size')}`);
  return { value: `{ pattern: [${shortestPeriod(kinds).join(', ')}], ${extra.join(', ')} }`, from };
}

/** The shortest prefix that, repeated from layer 0, gives every layer. */
export function shortestPeriod<T>(xs: T[]): T[] {
  for (let p = 1; p < xs.length; p++) if (xs.every((x, i) => x === xs[i % p])) return xs.slice(0, p);
  return xs;
}

/** [layerStep, firstDenseLayers] that give exactly these MoE layers, if any. */
export function moePattern(moe: boolean[]): [number, number] | undefined {
  for (let first = 0; first < moe.length; first++) {
    for (let step = 1; step <= moe.length; step++) {
      if (moe.every((m, l) => m === (l >= first && (l + 1) % step === 0))) return [step, first];
    }
  }
  return undefined;
}

function precisionOf(c: Config, family: string): { value: string; from: string } {
  const q = (c.quantization_config ?? {}) as Config;
  const method = String(q.quant_method ?? '');
  if (method === 'mxfp4' || family === 'gpt-oss') return { value: '{ default: bf16, experts: mxfp4 }', from: 'quantization_config: MXFP4 experts' };
  if (method === 'fp8') return { value: '{ default: fp8, embeddings: bf16, kvCache: bf16, activations: bf16 }', from: 'quantization_config.quant_method fp8' };
  const dtype = String(c.torch_dtype ?? c.dtype ?? 'bfloat16');
  return dtype === 'float16' ? { value: '{ default: fp16 }', from: 'torch_dtype float16' } : { value: '{ default: bf16 }', from: `torch_dtype ${dtype}` };
}

function defaultId(c: Config, file: string): string {
  const named = typeof c._name_or_path === 'string' && c._name_or_path.length > 0 ? c._name_or_path.split('/').pop()! : basename(dirname(file));
  const id = named.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
  return id.length > 0 && id !== '.' ? id : 'imported-model';
}

/**
 * Read a config.json, map it, check the result as any model file is checked, and write it to
 * `out` (a new file: an existing one is never replaced) or return it. Without the model card's
 * counts, publishedParamsB / publishedActiveParamsB are the arithmetic's own totals, said so.
 */
export function importModelFile(configPath: string, o: Omit<ImportOptions, 'source'> & { out?: string }): { id: string; text: string; out?: string } {
  const shown = relative(process.cwd(), configPath) || configPath;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ file: shown, where: '(file)', expected: 'a readable JSON file (a config.json)', found: code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message }]);
  }
  const mapped = importModelConfig(raw, shown, { ...o, source: shown });
  const dir = mkdtempSync(join(tmpdir(), 'wafersim-import-'));
  try {
    const check = join(dir, `${mapped.id}.yaml`);
    writeFileSync(check, mapped.text.replace('PARAMS', '1').replace('ACTIVE', '1'));
    const spec = readLlmFile(check);
    let text = mapped.text;
    if (mapped.needsParams) {
      const t = totals(spec);
      const b = (x: number) => Number((x / 1e9).toPrecision(4));
      text = text.replace('PARAMS', `${b(t.totalParams)}   # computed from this config, not a published count`).replace('ACTIVE', `${b(t.activeParams)}   # computed from this config, not a published count`);
    }
    if (o.out) writeNewFile(o.out, text, '--out');
    return { id: mapped.id, text, out: o.out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
