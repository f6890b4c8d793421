/**
 * What one batch step does, as the sums a cost model needs. Aggregates, not lists: attention
 * and KV traffic are linear in context length, so the engine can keep these sums up to date as
 * sequences join and leave without building arrays per step.
 */
export interface BatchShape {
  /** Sequences generating one token each this step. */
  decodeSeqs: number;
  /** Σ context (tokens already cached) over the decode sequences. */
  decodeContextSum: number;
  /** Prefill chunks in this step and the new tokens they carry. */
  prefillSeqs: number;
  prefillTokens: number;
  /** Σ over chunks of the context before them: cached KV each chunk reads (once per chunk). */
  prefillContextSum: number;
  /** Σ over chunks of query–key pairs: tokens × contextBefore + tokens × (tokens + 1) / 2. */
  prefillAttentionPairs: number;
}

export type Bound = 'compute' | 'memory' | 'communication' | 'overhead';

export interface StepCost {
  seconds: number;
  /** The named parts; `seconds` may be less than their sum where parts overlap. */
  compute: number;
  memory: number;
  communication: number;
  overhead: number;
  bound: Bound;
}

/** A StepCost to fill: the engine keeps one and hands it to `PerfModel.step` (no object per step). */
export function newStepCost(): StepCost {
  return { seconds: 0, compute: 0, memory: 0, communication: 0, overhead: 0, bound: 'compute' };
}

export function emptyBatch(): BatchShape {
  return { decodeSeqs: 0, decodeContextSum: 0, prefillSeqs: 0, prefillTokens: 0, prefillContextSum: 0, prefillAttentionPairs: 0 };
}

/** A batch of `seqs` sequences each decoding one token at `context` tokens of context (in `into`, if given). */
export function decodeBatch(seqs: number, context: number, into: BatchShape = emptyBatch()): BatchShape {
  into.decodeSeqs = seqs;
  into.decodeContextSum = seqs * context;
  into.prefillSeqs = into.prefillTokens = into.prefillContextSum = into.prefillAttentionPairs = 0;
  return into;
}

/** One prefill chunk of `tokens` new tokens after `contextBefore` cached ones. */
export function prefillBatch(tokens: number, contextBefore = 0): BatchShape {
  return {
    ...emptyBatch(),
    prefillSeqs: 1,
    prefillTokens: tokens,
    prefillContextSum: tokens > 0 ? contextBefore : 0,
    prefillAttentionPairs: tokens * contextBefore + (tokens * (tokens + 1)) / 2,
  };
}
