/**
 * One pure step from a scenario file to the scenario a run runs (ResolvedScenario): checked
 * against the schema, normalised to SI, defaults filled in, every pool's deployment resolved and
 * checked for fit. No I/O: io/scenario.ts reads the scenario, the model, hardware and calibration
 * files its pools name and the trace, and hands them in; the hardware rules (deployment defaults,
 * fit, host link) are perf/'s, passed as `rules`, so this layer needs only domain/.
 * Problems come back as data, each naming its field (and its own file, for a model file's).
 */
import { InputError, type InputProblem } from '../domain/errors.js';
import { DEFAULT_ENGINE, type EngineConfig } from '../domain/engine.js';
import type { Fit } from '../domain/explanation.js';
import type { Deployment, DeploymentAsked, DeploymentFieldNames, HardwareSpec, LlmSpec, PrecisionGroups } from '../domain/specs.js';
import { DEFAULT_NETWORK, TRANSPORTS, type NetworkSpec, type TransportSpec } from '../domain/transport.js';
import { GB, MS, US } from '../domain/units.js';
import { distributionOf, normalise, type NormalisedScenario } from './normalise.js';
import { zodProblems } from './problems.js';
import type { PoolSpec, ResolvedScenario, SystemSpec, TraceReplay } from './resolved.js';
import { scenarioSchema, type ScenarioFile, type SystemFile } from './schema.js';
import { workloadSources } from './sources.js';
import { RENAMED_SCENARIO_KEYS } from './versions.js';

/** A scenario file that passed the schema and the cross-field rules. */
export interface CheckedScenario {
  file: ScenarioFile;
  normalised: NormalisedScenario;
}

/** `raw` (the parsed YAML) against the schema and the rules between fields; `file` names it in messages. */
export function checkScenario(raw: unknown, file: string): { checked?: CheckedScenario; problems: InputProblem[] } {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) return { problems: zodProblems(result.error, raw, file, { schema: scenarioSchema, renamed: RENAMED_SCENARIO_KEYS, format: 'scenario' }) };
  const base = (file.split('/').pop() ?? 'scenario').replace(/\.(ya?ml|json)$/i, '');
  const { scenario, problems } = normalise(result.data, base);
  return scenario ? { checked: { file: result.data, normalised: scenario }, problems } : { problems };
}

/** A model file as read: its spec, or what was wrong with it (each problem naming its own file, or the field that named it). */
export type Loaded<T> = { spec: T } | { problems: InputProblem[] };

/** The files one pool names, read by io/. */
export interface PoolFiles {
  llm: Loaded<LlmSpec>;
  /** With the pool's calibration (or the hardware file's own) applied. */
  hardware: Loaded<HardwareSpec>;
  draft?: Loaded<LlmSpec>;
}

/** What differs by kind of hardware, from perf/ (its HardwareModel and perfModel). */
export interface HardwareRules {
  resolveDeployment(llm: LlmSpec, hardware: HardwareSpec, asked: DeploymentAsked, names: DeploymentFieldNames): Deployment;
  fit(llm: LlmSpec, hardware: HardwareSpec, deployment: Deployment): Fit;
  hostLinkBytesPerSecond(hardware: HardwareSpec): number;
}

export interface ResolveInput {
  checked: CheckedScenario;
  /** The scenario file as named in messages. */
  scenarioFile: string;
  /** files[i][j]: what systems[i].pools[j] names. */
  files: PoolFiles[][];
  /** The trace (when the workload has one), opened by its format's reader. */
  trace?: Pick<TraceReplay, 'file' | 'kind' | 'arrivals' | 'sessions' | 'blockTokens'>;
  rules: HardwareRules;
}

export function resolveScenario(input: ResolveInput): { resolved?: ResolvedScenario; problems: InputProblem[] } {
  const { normalised: s, file: f } = input.checked;
  const problems: InputProblem[] = [];
  const systems = s.systems.map((sys, i) => resolveSystem(sys, i, s, input, problems));
  if (problems.length > 0) return { problems };
  const t = s.trace;
  const trace: TraceReplay | undefined = t && input.trace && { file: input.trace.file, cls: t.cls, timeScale: t.timeScale, rateScale: t.rateScale, concurrency: t.concurrency, ...input.trace };
  const slo = Object.fromEntries(Object.entries(s.slo).filter(([, v]) => v !== undefined));
  return {
    problems,
    resolved: { name: s.name, description: s.description, question: s.question, answer: s.answer, seed: s.seed, durationSeconds: s.durationSeconds, drainSeconds: s.drainSeconds, warmupSeconds: s.warmupSeconds, client: s.client, maxRequests: s.maxRequests, repeat: s.repeat, energy: s.energy, systems, sources: workloadSources(f.workload), trace, slo },
  };
}

/** A pool's own price and power replace the hardware file's. */
function withPoolOverrides(hw: HardwareSpec, p: SystemFile['pools'][number]): HardwareSpec {
  const powerBusyWatts = p.powerBusyW ?? hw.powerBusyWatts;
  const powerIdleWatts = p.powerIdleW ?? hw.powerIdleWatts;
  if (powerIdleWatts > powerBusyWatts) throw new InputError([{ where: p.powerIdleW !== undefined ? 'powerIdleW' : 'powerBusyW', expected: `idle power at most busy power (${powerBusyWatts} W busy)`, found: `${powerIdleWatts} W idle` }]);
  return { ...hw, pricePerHourUsd: p.priceUsdPerHour ?? hw.pricePerHourUsd, powerBusyWatts, powerIdleWatts };
}

function specOf<T>(loaded: Loaded<T>): T {
  if ('problems' in loaded) throw new InputError(loaded.problems);
  return loaded.spec;
}

function engineOf(p: SystemFile['pools'][number], hostLink: number): EngineConfig {
  const serving = p.serving ?? {};
  const r = serving.retention;
  return {
    ...DEFAULT_ENGINE,
    maxBatchTokens: serving.maxBatchTokens ?? DEFAULT_ENGINE.maxBatchTokens,
    maxSeqs: serving.maxSeqs ?? DEFAULT_ENGINE.maxSeqs,
    policy: serving.policy ?? DEFAULT_ENGINE.policy,
    prefixCaching: serving.prefixCaching ?? DEFAULT_ENGINE.prefixCaching,
    preemption: serving.preemption ?? DEFAULT_ENGINE.preemption,
    preemptBackground: serving.preemptBackground ?? DEFAULT_ENGINE.preemptBackground,
    retention: !r ? DEFAULT_ENGINE.retention : r.kind === 'offload' ? { kind: 'offload', hostBytes: r.hostGB * GB, bytesPerSecond: (r.reloadGBps ?? hostLink / GB) * GB } : r,
    swapBytesPerSecond: hostLink,
  };
}

function resolvePool(p: SystemFile['pools'][number], files: PoolFiles, rules: HardwareRules, at: string): PoolSpec | InputProblem {
  const llm = specOf(files.llm);
  const hardware = withPoolOverrides(specOf(files.hardware), p);
  const precision: Partial<PrecisionGroups> = {};
  if (p.precision?.weights) Object.assign(precision, { attention: p.precision.weights, mlp: p.precision.weights, experts: p.precision.weights });
  if (p.precision?.kvCache) precision.kvCache = p.precision.kvCache;
  const deployment = rules.resolveDeployment(llm, hardware, { count: p.count, tp: p.tp, pp: p.pp, precision: Object.keys(precision).length ? precision : undefined, context: 1 }, { count: 'count', tp: 'tp', pp: 'pp' });
  const fit = rules.fit(llm, hardware, deployment);
  if (!fit.fits) return { where: at, expected: `a deployment that holds ${llm.id} on ${hardware.id}`, found: `${fit.reason}; the fewest that fit: ${fit.minCount}` };
  const engine = engineOf(p, rules.hostLinkBytesPerSecond(hardware));
  const speculative = p.speculative && { draft: specOf(files.draft!), k: p.speculative.k, acceptance: p.speculative.acceptance };
  return { name: p.name, llm, hardware, deployment, replicas: p.replicas, router: p.router, engine, speculative, ...(p.stepTimeScale === undefined ? {} : { stepTimeScale: p.stepTimeScale }) };
}

function resolveSystem(sys: SystemFile, i: number, s: NormalisedScenario, input: ResolveInput, problems: InputProblem[]): SystemSpec {
  const at = (...path: (string | number)[]) => ['systems', i, ...path];
  const where = (...path: (string | number)[]) => `systems[${i}]${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
  const pools: PoolSpec[] = [];
  sys.pools.forEach((p, j) => {
    try {
      const pool = resolvePool(p, input.files[i][j], input.rules, where('pools', j));
      if ('llm' in pool) pools.push(pool);
      else problems.push({ ...pool, path: at('pools', j) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const prob of error.problems) problems.push(poolProblem(prob, j, at, where, input.scenarioFile));
    }
  });
  return { name: sys.name, pools, classRoutes: sys.routes, disaggregation: disaggregationOf(sys), transport: transportOf(sys), network: networkOf(s), reasoning: reasoningOf(sys) };
}

/** A problem raised while resolving pool j, placed where the user can find it. */
function poolProblem(prob: InputProblem, j: number, at: (...p: (string | number)[]) => (string | number)[], where: (...p: (string | number)[]) => string, scenarioFile: string): InputProblem {
  // A broken model, hardware or calibration file: its own path, field and line.
  if (prob.file) return { ...prob, usedBy: `${scenarioFile} ${where('pools', j)}` };
  // A reference that names no file: point at the field that holds it.
  const ref = (['model', 'hardware', 'calibration'] as const).find((k) => prob.where === where('pools', j, k));
  if (ref) return { ...prob, path: at('pools', j, ref) };
  const inPool = !prob.where.startsWith('systems[');
  const field = inPool ? where('pools', j, prob.where) : prob.where;
  return { ...prob, where: field, path: prob.path ?? (inPool && ['count', 'tp', 'pp', 'powerBusyW', 'powerIdleW'].includes(prob.where) ? at('pools', j, prob.where) : at('pools', j)) };
}

function transportOf(sys: SystemFile): TransportSpec {
  const t: Exclude<SystemFile['transport'], string> = typeof sys.transport === 'string' ? { kind: sys.transport } : sys.transport;
  const base = TRANSPORTS[t.kind];
  const ms = (x: number | undefined, fallback: number) => (x !== undefined ? x * MS : fallback);
  return {
    kind: t.kind,
    stateful: t.stateful ?? base.stateful,
    handshakeRtts: t.handshakeRtts ?? base.handshakeRtts,
    idleTimeoutSeconds: t.idleTimeoutSeconds ?? base.idleTimeoutSeconds,
    frontendSeconds: ms(t.frontendMs, base.frontendSeconds),
    perTokenSeconds: ms(t.perTokenMs, base.perTokenSeconds),
    frameBytesPerToken: t.frameBytesPerToken ?? base.frameBytesPerToken,
    sessionStartSeconds: ms(t.sessionStartMs, base.sessionStartSeconds),
  };
}

function networkOf(s: NormalisedScenario): NetworkSpec {
  const n = s.network;
  return {
    rtt: n.rtt ?? DEFAULT_NETWORK.rtt,
    uplinkBytesPerSecond: n.uplinkBytesPerSecond ?? DEFAULT_NETWORK.uplinkBytesPerSecond,
    downlinkBytesPerSecond: n.downlinkBytesPerSecond ?? DEFAULT_NETWORK.downlinkBytesPerSecond,
    bytesPerToken: n.bytesPerToken ?? DEFAULT_NETWORK.bytesPerToken,
  };
}

function disaggregationOf(sys: SystemFile): SystemSpec['disaggregation'] {
  const dis = sys.disaggregation;
  return dis && { prefillPool: dis.prefillPool, decodePool: dis.decodePool, linkBytesPerSecond: dis.linkGBps * GB, linkLatencySeconds: dis.linkLatencyUs * US };
}

function reasoningOf(sys: SystemFile): SystemSpec['reasoning'] {
  const r = sys.reasoningTokens;
  return r && {
    ...(r.interactive !== undefined && { interactive: distributionOf(r.interactive) }),
    ...(r.agents !== undefined && { agents: distributionOf(r.agents) }),
    ...(r.openLoop !== undefined && { 'open-loop': distributionOf(r.openLoop) }),
  };
}
