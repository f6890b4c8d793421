/**
 * The scenario file (YAML or JSON): strict schema (unknown keys are errors), human units in key
 * names. `normalise.ts` turns a parsed file into SI and defaults; ids of models and hardware are
 * resolved by io/. The `sweep` section is for `wafersim sweep` (axes over field paths).
 */
import { z } from 'zod';
import { POLICY_NAMES, ROUTER_NAMES, TRACE_FORMATS } from '../domain/kinds.js';
import { SCENARIO_FORMAT } from './versions.js';

/** Names that become folder names (output/<name>): safe on every file system; never `.` or `..`. */
export const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
const SAFE_NAME_TEXT = 'letters, digits, dot, dash, underscore (at most 100), not starting with a dot';
const safeName = z.string().regex(SAFE_NAME, SAFE_NAME_TEXT);

/**
 * Every number is bounded: finite (zod rejects NaN and ±Infinity), and at most LARGEST in the
 * file's human unit (seconds, tokens, GB, Mbps...), so nothing the engine computes overflows.
 * Counts that size the simulation have their own, tighter limits; the work they imply is
 * estimated before a run (study/estimate.ts).
 */
export const LARGEST = 1e9;
const positive = z.number().positive().max(LARGEST);
const nonNegative = z.number().nonnegative().max(LARGEST);
const whole = z.number().int().positive().max(LARGEST);
const fraction = z.number().min(0).max(1);
/** A count of machines or copies: each becomes objects in memory. */
const fleet = (max: number) => z.number().int().positive().max(max);

/** A distribution in the file's unit (the key name says which): times and token counts, never negative. */
export const distribution = z.union([
  nonNegative.describe('a constant'),
  z.strictObject({ kind: z.literal('constant'), value: nonNegative }),
  z.strictObject({ kind: z.literal('exponential'), mean: positive }),
  z.strictObject({ kind: z.literal('uniform'), min: nonNegative, max: nonNegative }),
  z.strictObject({ kind: z.literal('normal'), mean: nonNegative, sd: nonNegative }),
  z.strictObject({ kind: z.literal('lognormal'), median: positive, p90: positive }),
  z.strictObject({ kind: z.literal('lognormal'), mu: z.number().min(-50).max(20), sigma: z.number().nonnegative().max(10) }),
  z.strictObject({ kind: z.literal('gamma'), mean: positive, cv: z.number().positive().max(100) }),
  z.strictObject({ kind: z.literal('pareto'), alpha: z.number().positive().max(100), min: positive, max: positive }),
  z.strictObject({ kind: z.literal('empirical'), samples: z.array(nonNegative).min(1).max(1_000_000) }),
  z.strictObject({ kind: z.literal('categorical'), values: z.array(nonNegative).min(1).max(100_000), weights: z.array(nonNegative).min(1).max(100_000) }),
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
  /** An id (the user's folders, then models/) or a path to a YAML file, relative to the scenario. */
  hardware: z.string(),
  model: z.string(),
  /** A serving stack: an id (models/calibration/<stack>.yaml) or a path to a stack file, instead of the hardware file's default. */
  calibration: z.string().optional(),
  /** Per device (GPU or wafer): the user's own contract price and measured power. */
  priceUsdPerHour: z.number().nonnegative().optional(),
  powerBusyW: z.number().positive().optional(),
  powerIdleW: z.number().nonnegative().optional(),
  /** GPUs or wafers per replica (default: the fewest that hold the model). */
  count: fleet(4096).optional(),
  tp: fleet(1024).optional(),
  pp: fleet(1024).optional(),
  replicas: fleet(10_000).default(1),
  precision: z.strictObject({ weights: precision.optional(), kvCache: precision.optional() }).optional(),
  router: z.enum(ROUTER_NAMES).default('session-affinity'),
  speculative: z.strictObject({ draft: z.string(), k: fleet(64), acceptance: fraction }).optional(),
  /** Every step takes this many times the model's time: a sensitivity knob (the planner's calibration range). */
  stepTimeScale: z.number().min(0.1).max(10).optional(),
  serving: z.strictObject({
    maxBatchTokens: fleet(10_000_000).optional(),
    maxSeqs: fleet(100_000).optional(),
    policy: z.enum(POLICY_NAMES).optional(),
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
  /** Hidden reasoning tokens per request on this system (its model's reasoning effort), by workload section: replaces the workload's. */
  reasoningTokens: z.strictObject({ interactive: distribution.optional(), agents: distribution.optional(), openLoop: distribution.optional() }).optional(),
  disaggregation: z.strictObject({ prefillPool: z.string(), decodePool: z.string(), linkGBps: positive, linkLatencyUs: nonNegative.default(10) }).optional(),
});

const interactive = z.strictObject({
  developers: whole,
  class: cls.optional(),
  sessionGapSeconds: distribution.optional(),
  dailyCycle: z.strictObject({ amplitude: fraction, peakHour: z.number().min(0).max(24), startHour: z.number().min(0).max(24).default(0) }).optional(),
  turns: distribution.optional(),
  firstPromptTokens: distribution.optional(),
  newTokens: distribution.optional(),
  outputTokens: distribution.optional(),
  reasoningTokens: distribution.optional(),
  thinkSeconds: distribution.optional(),
  systemPromptTokens: z.number().int().nonnegative().max(LARGEST).optional(),
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
  systemPromptTokens: z.number().int().nonnegative().max(LARGEST).optional(),
  subagents: z.strictObject({ probability: fraction, count: distribution.optional(), steps: distribution.optional() }).optional(),
  compaction: z.strictObject({ atFraction: z.number().gt(0).max(1), toTokens: whole }).optional(),
});

const rate = z.union([
  positive.describe('requests per second'),
  z.strictObject({ kind: z.literal('piecewise'), hours: z.array(z.strictObject({ fromHour: z.number().min(0).max(24), perSecond: nonNegative })).min(1).max(1000) }),
  z.strictObject({ kind: z.literal('sinusoidal'), meanPerSecond: positive, amplitude: fraction, peakHour: z.number().min(0).max(24) }),
]);

const openLoop = z.strictObject({
  ratePerSecond: rate,
  class: cls.optional(),
  cv: z.number().positive().max(100).optional(),
  inputTokens: distribution.optional(),
  outputTokens: distribution.optional(),
  reasoningTokens: distribution.optional(),
});

const trace = z.strictObject({
  format: z.enum(TRACE_FORMATS),
  file: z.string(),
  class: cls.optional(),
  timeScale: z.number().min(1e-6).max(1e6).default(1),
  rateScale: z.number().min(1e-6).max(1e6).default(1),
  /** kv-cache-tester: sessions replayed at once. */
  concurrency: whole.optional(),
  skipBadRows: z.boolean().default(false),
});

const slo = z.strictObject({
  ttftP99Ms: positive.optional(),
  ttftP50Ms: positive.optional(),
  tpotP50Ms: positive.optional(),
  tpotP99Ms: positive.optional(),
  e2elP99Seconds: positive.optional(),
  jobP90Minutes: positive.optional(),
});

/** An axis title for the sweep report (the field path otherwise). */
const axisLabel = z.string().min(1).max(80).optional();

/** A sweep's size is checked before its cross product is built. */
export const MAX_SWEEP_AXES = 8;
export const MAX_SWEEP_POINTS = 100_000;

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  /** The file's format version (scenario/versions.ts); absent means the current one. */
  version: z.number().int().min(1).max(SCENARIO_FORMAT).optional(),
  name: safeName.optional(),
  description: z.string().optional(),
  /** The question the scenario answers; a run prints it with its answer, computed from the results. */
  question: z.string().min(1).max(2000).optional(),
  /**
   * How the answer is computed: `compare` (default) sets every system against the first;
   * `launch` is the default study's three-way comparison (a fast model on wafers, a GPU model at
   * default and at x-high reasoning), with a sweep over systems that differ only in their x-high
   * reasoning tokens, a CS-3 price sensitivity and the launch's seed claims.
   */
  answer: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('compare') }),
    z.strictObject({ kind: z.literal('launch'), fast: z.string(), gpu: z.string(), xhigh: z.string(), reasoningSweep: z.array(z.string()).max(20).default([]) }),
  ]).default({ kind: 'compare' }),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(1),
  /** At most a year of simulated time; the events it implies are estimated before a run. */
  durationMinutes: z.number().positive().max(525_600),
  /** Minutes after the last arrival to let in-flight work finish (default 10% of the duration). */
  drainMinutes: z.number().nonnegative().max(525_600).optional(),
  /** Minutes at the start left out of throughput and latency summaries (the system fills up). */
  warmupMinutes: z.number().nonnegative().max(525_600).default(0),
  /** Stop starting new work after this many requests (optional). */
  maxRequests: whole.optional(),
  /** Clients give up on a request after timeoutSeconds and send it again up to `retries` times. */
  client: z.strictObject({ timeoutSeconds: positive, retries: z.number().int().nonnegative().max(100).default(0) }).optional(),
  repeat: fleet(1000).default(1),
  network: z.strictObject({
    rttMs: distribution.optional(),
    uplinkMbps: positive.optional(),
    downlinkMbps: positive.optional(),
    bytesPerToken: positive.optional(),
  }).optional(),
  /** Energy added to the hardware's price per hour: $/kWh at the meter and the facility's PUE (≥ 1). */
  energy: z.strictObject({ usdPerKwh: z.number().nonnegative().max(100), pue: z.number().min(1).max(5) }).optional(),
  systems: z.array(systemSchema).min(1).max(100),
  workload: z.strictObject({
    interactive: interactive.optional(),
    agents: agents.optional(),
    openLoop: openLoop.optional(),
    trace: trace.optional(),
  }),
  slo: z.strictObject({ interactive: slo.optional(), background: slo.optional() }).optional(),
  /** An axis's `path` may list several paths joined by ` & `: every one takes the axis's value. */
  sweep: z.strictObject({
    axes: z.array(z.union([
      z.strictObject({ path: z.string(), label: axisLabel, values: z.array(z.unknown()).min(1).max(MAX_SWEEP_POINTS) }),
      z.strictObject({ path: z.string(), label: axisLabel, range: z.strictObject({ from: z.number().min(-LARGEST).max(LARGEST), to: z.number().min(-LARGEST).max(LARGEST), step: positive }) }),
    ])).min(1).max(MAX_SWEEP_AXES),
  }).optional(),
  plan: z.strictObject({
    options: z.array(z.strictObject({
      system: z.string(),
      pool: z.string().optional(),
      maxReplicas: fleet(10_000).default(256),
      /** Replicas added to the smallest fleet that meets the SLOs (1: N+1). */
      spares: z.number().int().nonnegative().max(10_000).default(0),
    })).min(1).max(100),
    /** Each trial is repeated with this many seeds (seed, seed + 1, …): the answer becomes a range. */
    seeds: fleet(100).default(1),
    /** Size each option again with steps slower and faster by its stack's holdout error: a second range. */
    calibrationRange: z.boolean().default(true),
  }).optional(),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;
export type SystemFile = z.infer<typeof systemSchema>;
export type DistributionFile = z.infer<typeof distribution>;
export type SloFile = z.infer<typeof slo>;
