/**
 * Scenario files: read (YAML or JSON, lines kept) → checked against the schema → normalised →
 * model and hardware ids resolved and every deployment checked for fit. Every problem names the
 * file, the field path and its line.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { InputError, type InputProblem } from '../domain/errors.js';
import type { HardwareSpec, PrecisionGroups } from '../domain/specs.js';
import { GB, MS, US } from '../domain/units.js';
import { DEFAULT_NETWORK, TRANSPORTS, type NetworkSpec, type TransportSpec } from '../client/index.js';
import { hardwareModel, perfModel } from '../perf/index.js';
import { scenarioSchema, type DistributionFile, type ScenarioFile, type SystemFile } from '../scenario/schema.js';
import type { DistributionSpec } from '../random/index.js';
import { distributionOf, normalise, type NormalisedScenario } from '../scenario/normalise.js';
import { zodProblems } from '../scenario/problems.js';
import { RENAMED_SCENARIO_KEYS } from '../scenario/versions.js';
import { DEFAULT_ENGINE, type EngineConfig } from '../serving/index.js';
import { resolveDeployment } from '../study/explain.js';
import type { ResolvedScenario, TraceReplay } from '../study/run.js';
import type { TraceFormat } from '../domain/kinds.js';
import { assertNever } from '../domain/never.js';
import type { PoolSpec, SystemSpec } from '../study/world.js';
import { AGENT_DEFAULTS, INTERACTIVE_DEFAULTS, OPEN_LOOP_DEFAULTS, sessionsOf, type WorkloadSpec } from '../workload/index.js';
import { loadHardware, loadLlm } from './models.js';
import { packageRoot } from './package.js';
import { MOONCAKE_BLOCK_TOKENS, newTraceStats, readAgentic, readAzure, readMooncake, type TraceReadOptions, type TraceStats } from './traces.js';
import { readYamlFile, withLines, type ParsedFile } from './yaml.js';

export interface LoadedScenario {
  file: string;
  raw: unknown;
  parsed: ParsedFile;
}

export function readScenario(path: string): LoadedScenario {
  const file = relative(process.cwd(), path) || path;
  const parsed = readYamlFile(path, file);
  return { file, raw: parsed.value, parsed };
}

/** Check and resolve a scenario (possibly with sweep overrides applied to `raw`). */
export interface ScenarioResolution {
  resolved: ResolvedScenario;
  normalised: NormalisedScenario;
  file: ScenarioFile;
  /** The files a run reads besides models/ (the scenario, its trace): outputs must not touch them. */
  inputs: string[];
  /** Read the whole trace once, every row checked, before any work starts; returns its rows (0 without a trace). */
  checkTrace: () => Promise<number>;
}

export function resolveScenario(loaded: LoadedScenario, raw: unknown = loaded.raw, traceStats: TraceStats = newTraceStats()): ScenarioResolution {
  const { file, parsed } = loaded;
  // Problems in the files a scenario names (a user's model or hardware file) keep their own file and line.
  const fail = (problems: InputProblem[]): never => {
    throw new InputError(withLines(problems.map((p) => ({ ...p, file: p.file ?? file })), parsed));
  };
  const checked = scenarioSchema.safeParse(raw);
  if (!checked.success) fail(zodProblems(checked.error, raw, file, { schema: scenarioSchema, renamed: RENAMED_SCENARIO_KEYS, format: 'scenario' }));
  const f = checked.data!;
  const base = (file.split('/').pop() ?? 'scenario').replace(/\.(ya?ml|json)$/i, '');
  const { scenario, problems } = normalise(f, base);
  if (!scenario) fail(problems);
  const s = scenario!;
  const systemProblems: InputProblem[] = [];
  // Model, hardware and calibration paths are relative to the scenario file.
  const systems = s.systems.map((sys, i) => resolveSystem(sys, i, s, systemProblems, file, dirname(resolve(loaded.file))));
  if (systemProblems.length > 0) fail(systemProblems);

  const w = f.workload;
  const sources: WorkloadSpec[] = [];
  // A distribution from the file, or the default fitted to the traces.
  const or = (v: DistributionFile | undefined, fallback: DistributionSpec): DistributionSpec => (v === undefined ? fallback : distributionOf(v));
  if (w.interactive) {
    const x = w.interactive;
    const def = INTERACTIVE_DEFAULTS;
    sources.push({
      ...def,
      developers: x.developers,
      cls: x.class ?? def.cls,
      sessionGap: or(x.sessionGapSeconds, def.sessionGap),
      dailyCycle: x.dailyCycle,
      turns: or(x.turns, def.turns),
      firstPrompt: or(x.firstPromptTokens, def.firstPrompt),
      newTokens: or(x.newTokens, def.newTokens),
      output: or(x.outputTokens, def.output),
      reasoning: or(x.reasoningTokens, def.reasoning),
      think: or(x.thinkSeconds, def.think),
      systemPromptTokens: x.systemPromptTokens ?? def.systemPromptTokens,
    });
  }
  if (w.agents) {
    const x = w.agents;
    const def = AGENT_DEFAULTS;
    sources.push({
      ...def,
      concurrency: x.concurrency,
      cls: x.class ?? def.cls,
      steps: or(x.steps, def.steps),
      firstContext: or(x.firstContextTokens, def.firstContext),
      growth: or(x.growthTokens, def.growth),
      output: or(x.outputTokens, def.output),
      reasoning: or(x.reasoningTokens, def.reasoning),
      toolTime: or(x.toolSeconds, def.toolTime),
      systemPromptTokens: x.systemPromptTokens ?? def.systemPromptTokens,
      subagents: x.subagents
        ? { probability: x.subagents.probability, count: or(x.subagents.count, def.subagents.count), steps: or(x.subagents.steps, def.subagents.steps) }
        : def.subagents,
      compaction: x.compaction ?? def.compaction,
    });
  }
  if (w.openLoop) {
    const x = w.openLoop;
    const def = OPEN_LOOP_DEFAULTS;
    const rate = x.ratePerSecond;
    sources.push({
      ...def,
      rate: typeof rate === 'number' ? { kind: 'constant', perSecond: rate } : rate,
      cls: x.class ?? def.cls,
      cv: x.cv ?? def.cv,
      input: or(x.inputTokens, def.input),
      output: or(x.outputTokens, def.output),
      reasoning: or(x.reasoningTokens, def.reasoning),
    });
  }
  let trace: ResolvedScenario['trace'];
  let tracePath: string | undefined;
  let checkTrace = async (): Promise<number> => 0;
  if (s.trace) {
    const t = s.trace;
    // Trace paths are relative to the scenario file, or to the package (data/traces/…).
    const candidates = isAbsolute(t.file) ? [t.file] : [resolve(dirname(loaded.file), t.file), resolve(packageRoot(), t.file)];
    const path = candidates.find((c) => existsSync(c));
    if (!path) fail([{ path: ['workload', 'trace', 'file'], where: 'workload.trace.file', expected: 'a trace file that exists (relative to the scenario or the wafersim folder)', found: JSON.stringify(t.file) }]);
    tracePath = path!;
    const shown = relative(process.cwd(), path!) || path!;
    const o = { skipBad: t.skipBadRows };
    const readers = traceReaders(t.format, path!, shown, o);
    const usedBy = (error: unknown) => {
      if (error instanceof InputError) throw new InputError(error.problems.map((p) => ({ ...p, usedBy: `${file} workload.trace.file` })));
      throw error;
    };
    checkTrace = async () => {
      const stats = newTraceStats();
      const rows = readers.rows(stats);
      try {
        for await (const _row of rows);
      } catch (error) {
        usedBy(error);
      }
      return stats.rows;
    };
    trace = { file: path!, cls: t.cls, timeScale: t.timeScale, rateScale: t.rateScale, concurrency: t.concurrency, blockTokens: MOONCAKE_BLOCK_TOKENS, ...readers.replay(traceStats) };
  }
  const slo = Object.fromEntries(Object.entries(s.slo).filter(([, v]) => v !== undefined));
  return {
    normalised: s,
    file: f,
    inputs: [resolve(loaded.file), ...(tracePath ? [tracePath] : [])],
    checkTrace,
    resolved: { name: s.name, description: s.description, question: s.question, answer: s.answer, seed: s.seed, durationSeconds: s.durationSeconds, drainSeconds: s.drainSeconds, warmupSeconds: s.warmupSeconds, client: s.client, maxRequests: s.maxRequests, repeat: s.repeat, energy: s.energy, systems, sources, trace, slo },
  };
}

/** A pool's own price and power replace the hardware file's. */
function withPoolOverrides(hw: HardwareSpec, p: SystemFile['pools'][number]): HardwareSpec {
  const powerBusyWatts = p.powerBusyW ?? hw.powerBusyWatts;
  const powerIdleWatts = p.powerIdleW ?? hw.powerIdleWatts;
  if (powerIdleWatts > powerBusyWatts) throw new InputError([{ where: p.powerIdleW !== undefined ? 'powerIdleW' : 'powerBusyW', expected: `idle power at most busy power (${powerBusyWatts} W busy)`, found: `${powerIdleWatts} W idle` }]);
  return { ...hw, pricePerHourUsd: p.priceUsdPerHour ?? hw.pricePerHourUsd, powerBusyWatts, powerIdleWatts };
}

/** Each trace format's reader: every row (for the check before the run), and what the replay opens. */
function traceReaders(format: TraceFormat, path: string, shown: string, o: TraceReadOptions): {
  rows: (stats: TraceStats) => AsyncIterable<unknown>;
  replay: (stats: TraceStats) => Pick<TraceReplay, 'kind' | 'arrivals' | 'sessions'>;
} {
  switch (format) {
    case 'azure':
      return { rows: (stats) => readAzure(path, shown, o, stats), replay: (stats) => ({ kind: 'arrivals', arrivals: () => readAzure(path, shown, o, stats) }) };
    case 'mooncake':
      return { rows: (stats) => readMooncake(path, shown, o, stats), replay: (stats) => ({ kind: 'arrivals', arrivals: () => readMooncake(path, shown, o, stats) }) };
    case 'kv-cache-tester':
      return { rows: (stats) => readAgentic(path, shown, o, stats), replay: (stats) => ({ kind: 'sessions', sessions: () => sessionsOf(readAgentic(path, shown, o, stats)) }) };
    default:
      return assertNever(format);
  }
}

function resolveSystem(sys: SystemFile, i: number, s: NormalisedScenario, problems: InputProblem[], scenarioFile: string, baseDir: string): SystemSpec {
  const at = (...path: (string | number)[]) => ['systems', i, ...path];
  const where = (...path: (string | number)[]) => `systems[${i}]${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
  const pools: PoolSpec[] = [];
  sys.pools.forEach((p, j) => {
    try {
      const llm = loadLlm(p.model, where('pools', j, 'model'), baseDir);
      const hardware = withPoolOverrides(loadHardware(p.hardware, where('pools', j, 'hardware'), { baseDir, stack: p.calibration, stackWhere: where('pools', j, 'calibration') }), p);
      const precision: Partial<PrecisionGroups> = {};
      if (p.precision?.weights) Object.assign(precision, { attention: p.precision.weights, mlp: p.precision.weights, experts: p.precision.weights });
      if (p.precision?.kvCache) precision.kvCache = p.precision.kvCache;
      const deployment = resolveDeployment(llm, hardware, { count: p.count, tp: p.tp, pp: p.pp, precision: Object.keys(precision).length ? precision : undefined, batch: 1, context: 1, input: 1 }, { count: 'count', tp: 'tp', pp: 'pp' });
      const fit = perfModel(llm, hardware, deployment).fit;
      if (!fit.fits) {
        problems.push({ path: at('pools', j), where: where('pools', j), expected: `a deployment that holds ${llm.id} on ${hardware.id}`, found: `${fit.reason}; the fewest that fit: ${fit.minCount}` });
        return;
      }
      const serving = p.serving ?? {};
      const r = serving.retention;
      const hostLink = hardwareModel(hardware).hostLinkBytesPerSecond(hardware);
      const engine: EngineConfig = {
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
      const speculative = p.speculative && { draft: loadLlm(p.speculative.draft, where('pools', j, 'speculative', 'draft'), baseDir), k: p.speculative.k, acceptance: p.speculative.acceptance };
      pools.push({ name: p.name, llm, hardware, deployment, replicas: p.replicas, router: p.router, engine, speculative, ...(p.stepTimeScale === undefined ? {} : { stepTimeScale: p.stepTimeScale }) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const prob of error.problems) {
        if (prob.file) {
          // A broken model, hardware or calibration file: its own path, field and line.
          problems.push({ ...prob, usedBy: `${scenarioFile} ${where('pools', j)}` });
          continue;
        }
        // A reference that names no file: point at the field that holds it.
        const ref = (['model', 'hardware', 'calibration'] as const).find((k) => prob.where === where('pools', j, k));
        if (ref) {
          problems.push({ ...prob, path: at('pools', j, ref) });
          continue;
        }
        const inPool = !prob.where.startsWith('systems[');
        const field = inPool ? where('pools', j, prob.where) : prob.where;
        problems.push({ ...prob, where: field, path: prob.path ?? (inPool && ['count', 'tp', 'pp', 'powerBusyW', 'powerIdleW'].includes(prob.where) ? at('pools', j, prob.where) : at('pools', j)) });
      }
    }
  });
  const t: Exclude<SystemFile['transport'], string> = typeof sys.transport === 'string' ? { kind: sys.transport } : sys.transport;
  const base = TRANSPORTS[t.kind];
  const ms = (x: number | undefined, fallback: number) => (x !== undefined ? x * MS : fallback);
  const transport: TransportSpec = {
    kind: t.kind,
    stateful: t.stateful ?? base.stateful,
    handshakeRtts: t.handshakeRtts ?? base.handshakeRtts,
    idleTimeoutSeconds: t.idleTimeoutSeconds ?? base.idleTimeoutSeconds,
    frontendSeconds: ms(t.frontendMs, base.frontendSeconds),
    perTokenSeconds: ms(t.perTokenMs, base.perTokenSeconds),
    frameBytesPerToken: t.frameBytesPerToken ?? base.frameBytesPerToken,
    sessionStartSeconds: ms(t.sessionStartMs, base.sessionStartSeconds),
  };
  const n = s.network;
  const network: NetworkSpec = {
    rtt: n.rtt ?? DEFAULT_NETWORK.rtt,
    uplinkBytesPerSecond: n.uplinkBytesPerSecond ?? DEFAULT_NETWORK.uplinkBytesPerSecond,
    downlinkBytesPerSecond: n.downlinkBytesPerSecond ?? DEFAULT_NETWORK.downlinkBytesPerSecond,
    bytesPerToken: n.bytesPerToken ?? DEFAULT_NETWORK.bytesPerToken,
  };
  const dis = sys.disaggregation;
  const r = sys.reasoningTokens;
  const reasoning: SystemSpec['reasoning'] = r && {
    ...(r.interactive !== undefined && { interactive: distributionOf(r.interactive) }),
    ...(r.agents !== undefined && { agents: distributionOf(r.agents) }),
    ...(r.openLoop !== undefined && { 'open-loop': distributionOf(r.openLoop) }),
  };
  return {
    name: sys.name,
    pools,
    classRoutes: sys.routes,
    disaggregation: dis && { prefillPool: dis.prefillPool, decodePool: dis.decodePool, linkBytesPerSecond: dis.linkGBps * GB, linkLatencySeconds: dis.linkLatencyUs * US },
    transport,
    network,
    reasoning,
  };
}

