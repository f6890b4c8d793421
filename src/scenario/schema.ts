/**
 * The scenario file (YAML or JSON): strict schema (unknown keys are errors), human units in key
 * names. `normalise.ts` turns a parsed file into SI and defaults; ids of models and hardware are
 * resolved by io/. The `sweep` section is for `wafersim sweep` (axes over field paths).
 */
import { z } from 'zod';

/** Names that become folder names (output/<name>): safe on every file system; never `.` or `..`. */
export const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
const SAFE_NAME_TEXT = 'letters, digits, dot, dash, underscore (at most 100), not starting with a dot';
const safeName = z.string().regex(SAFE_NAME, SAFE_NAME_TEXT);

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const whole = z.number().int().positive();

/** A distribution in the file's unit (the key name says which). */
export const distribution = z.union([
  z.number().nonnegative().describe('a constant'),
  z.strictObject({ kind: z.literal('constant'), value: nonNegative }),
  z.strictObject({ kind: z.literal('exponential'), mean: positive }),
  z.strictObject({ kind: z.literal('uniform'), min: nonNegative, max: nonNegative }),
  z.strictObject({ kind: z.literal('normal'), mean: z.number(), sd: nonNegative }),
  z.strictObject({ kind: z.literal('lognormal'), median: positive, p90: positive }),
  z.strictObject({ kind: z.literal('lognormal'), mu: z.number(), sigma: nonNegative }),
  z.strictObject({ kind: z.literal('gamma'), mean: positive, cv: positive }),
  z.strictObject({ kind: z.literal('pareto'), alpha: positive, min: positive, max: positive }),
  z.strictObject({ kind: z.literal('empirical'), samples: z.array(z.number()).min(1) }),
  z.strictObject({ kind: z.literal('categorical'), values: z.array(z.number()).min(1), weights: z.array(nonNegative).min(1) }),
]);

const precision = z.enum(['bf16', 'fp16', 'fp8', 'mxfp4']);
const cls = z.enum(['interactive', 'background']);

const transport = z.union([
  z.enum(['http1', 'http2', 'websocket']),
  z.strictObject({
    kind: z.enum(['http1', 'http2', 'websocket']),
    stateful: z.boolean().optional(),
    handshakeRtts: nonNegative.optional(),
    idleTimeoutSeconds: nonNegative.optional(),
    frontendMs: nonNegative.optional(),
    perTokenMs: nonNegative.optional(),
    frameBytesPerToken: nonNegative.optional(),
    sessionStartMs: nonNegative.optional(),
  }),
]);

const retention = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('keep') }),
  z.strictObject({ kind: z.literal('ttl'), seconds: positive }),
  z.strictObject({ kind: z.literal('offload'), hostGB: positive, reloadGBps: positive.optional() }),
]);

const pool = z.strictObject({
  name: z.string().min(1),
  hardware: z.string(),
  model: z.string(),
  /** GPUs or wafers per replica (default: the fewest that hold the model). */
  count: whole.optional(),
  tp: whole.optional(),
  pp: whole.optional(),
  replicas: whole.default(1),
  precision: z.strictObject({ weights: precision.optional(), kvCache: precision.optional() }).optional(),
  router: z.enum(['round-robin', 'least-outstanding', 'session-affinity', 'prefix-aware']).default('session-affinity'),
  speculative: z.strictObject({ draft: z.string(), k: whole, acceptance: z.number().min(0).max(1) }).optional(),
  serving: z.strictObject({
    maxBatchTokens: whole.optional(),
    maxSeqs: whole.optional(),
    policy: z.enum(['decode-first', 'prefill-first']).optional(),
    prefixCaching: z.boolean().optional(),
    retention: retention.optional(),
    preemption: z.enum(['recompute', 'swap']).optional(),
    preemptBackground: z.boolean().optional(),
  }).optional(),
});

export const systemSchema = z.strictObject({
  name: safeName,
  transport: transport.default('websocket'),
  pools: z.array(pool).min(1),
  routes: z.strictObject({ interactive: z.string().optional(), background: z.string().optional() }).optional(),
  disaggregation: z.strictObject({ prefillPool: z.string(), decodePool: z.string(), linkGBps: positive, linkLatencyUs: nonNegative.default(10) }).optional(),
});

const interactive = z.strictObject({
  developers: whole,
  class: cls.optional(),
  sessionGapSeconds: distribution.optional(),
  dailyCycle: z.strictObject({ amplitude: z.number().min(0).max(1), peakHour: z.number().min(0).max(24), startHour: z.number().min(0).max(24).default(0) }).optional(),
  turns: distribution.optional(),
  firstPromptTokens: distribution.optional(),
  newTokens: distribution.optional(),
  outputTokens: distribution.optional(),
  reasoningTokens: distribution.optional(),
  thinkSeconds: distribution.optional(),
  systemPromptTokens: z.number().int().nonnegative().optional(),
});

const agents = z.strictObject({
  concurrency: whole,
  class: cls.optional(),
  steps: distribution.optional(),
  firstContextTokens: distribution.optional(),
  growthTokens: distribution.optional(),
  outputTokens: distribution.optional(),
  reasoningTokens: distribution.optional(),
  toolSeconds: distribution.optional(),
  systemPromptTokens: z.number().int().nonnegative().optional(),
  subagents: z.strictObject({ probability: z.number().min(0).max(1), count: distribution.optional(), steps: distribution.optional() }).optional(),
  compaction: z.strictObject({ atFraction: z.number().gt(0).max(1), toTokens: whole }).optional(),
});

const rate = z.union([
  positive.describe('requests per second'),
  z.strictObject({ kind: z.literal('piecewise'), hours: z.array(z.strictObject({ fromHour: z.number().min(0).max(24), perSecond: nonNegative })).min(1) }),
  z.strictObject({ kind: z.literal('sinusoidal'), meanPerSecond: positive, amplitude: z.number().min(0).max(1), peakHour: z.number().min(0).max(24) }),
]);

const openLoop = z.strictObject({
  ratePerSecond: rate,
  class: cls.optional(),
  cv: positive.optional(),
  inputTokens: distribution.optional(),
  outputTokens: distribution.optional(),
  reasoningTokens: distribution.optional(),
});

const trace = z.strictObject({
  format: z.enum(['azure', 'mooncake', 'kv-cache-tester']),
  file: z.string(),
  class: cls.optional(),
  timeScale: positive.default(1),
  rateScale: positive.default(1),
  /** kv-cache-tester: sessions replayed at once. */
  concurrency: whole.optional(),
  skipBadRows: z.boolean().default(false),
});

const slo = z.strictObject({
  ttftP99Ms: positive.optional(),
  ttftP50Ms: positive.optional(),
  tpotP50Ms: positive.optional(),
  tpotP99Ms: positive.optional(),
  e2eP99Seconds: positive.optional(),
  jobP90Minutes: positive.optional(),
});

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: safeName.optional(),
  description: z.string().optional(),
  seed: z.number().int().nonnegative().default(1),
  durationMinutes: positive,
  /** Minutes after the last arrival to let in-flight work finish (default 10% of the duration). */
  drainMinutes: nonNegative.optional(),
  /** Minutes at the start left out of throughput and latency summaries (the system fills up). */
  warmupMinutes: nonNegative.default(0),
  /** Stop starting new work after this many requests (optional). */
  maxRequests: whole.optional(),
  /** Clients give up on a request after timeoutSeconds and send it again up to `retries` times. */
  client: z.strictObject({ timeoutSeconds: positive, retries: z.number().int().nonnegative().default(0) }).optional(),
  repeat: whole.default(1),
  network: z.strictObject({
    rttMs: distribution.optional(),
    uplinkMbps: positive.optional(),
    downlinkMbps: positive.optional(),
    bytesPerToken: positive.optional(),
  }).optional(),
  systems: z.array(systemSchema).min(1),
  workload: z.strictObject({
    interactive: interactive.optional(),
    agents: agents.optional(),
    openLoop: openLoop.optional(),
    trace: trace.optional(),
  }),
  slo: z.strictObject({ interactive: slo.optional(), background: slo.optional() }).optional(),
  sweep: z.strictObject({
    axes: z.array(z.union([
      z.strictObject({ path: z.string(), values: z.array(z.unknown()).min(1) }),
      z.strictObject({ path: z.string(), range: z.strictObject({ from: z.number(), to: z.number(), step: positive }) }),
    ])).min(1),
  }).optional(),
  plan: z.strictObject({
    options: z.array(z.strictObject({
      system: z.string(),
      pool: z.string().optional(),
      maxReplicas: whole.default(256),
      /** Replicas added to the smallest fleet that meets the SLOs (1: N+1). */
      spares: z.number().int().nonnegative().default(0),
    })).min(1),
    /** Each trial is repeated with this many seeds (seed, seed + 1, …): the answer becomes a range. */
    seeds: whole.default(1),
  }).optional(),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;
export type SystemFile = z.infer<typeof systemSchema>;
export type DistributionFile = z.infer<typeof distribution>;
export type SloFile = z.infer<typeof slo>;
