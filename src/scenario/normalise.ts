/**
 * Scenario file → normalised scenario: SI units, defaults filled in, cross-references checked
 * (routes and disaggregation name pools that exist, a workload is given). Pure: problems come
 * back as data; model and hardware ids are resolved by io/.
 */
import type { TraceFormat } from '../domain/kinds.js';
import { assertNever } from '../domain/never.js';
import type { InputProblem } from '../domain/errors.js';
import type { RequestClass } from '../domain/request.js';
import type { SloTargets } from '../domain/slo.js';
import { MBIT, MS } from '../domain/units.js';
import type { DistributionSpec } from '../domain/distribution.js';
import type { AnswerSpec, RunSettings } from './resolved.js';
import { MAX_SWEEP_POINTS, SAFE_NAME, type DistributionFile, type ScenarioFile, type SloFile, type SystemFile } from './schema.js';

export type SloSpec = SloTargets;

export type { AnswerSpec, RunSettings };

export interface TraceSource {
  format: TraceFormat;
  file: string;
  cls: RequestClass;
  timeScale: number;
  rateScale: number;
  concurrency: number;
  skipBadRows: boolean;
}

export interface NormalisedScenario extends RunSettings {
  network: { rtt?: DistributionSpec; uplinkBytesPerSecond?: number; downlinkBytesPerSecond?: number; bytesPerToken?: number };
  systems: SystemFile[];
  /** Workload sections as written (distribution units converted where the key says ms). */
  workload: ScenarioFile['workload'];
  trace?: TraceSource;
  slo: Partial<Record<RequestClass, SloSpec>>;
}

/** A distribution in SI: `scale` converts the file's unit (0.001 for ms). */
export function distributionOf(d: DistributionFile, scale = 1): DistributionSpec {
  if (typeof d === 'number') return { kind: 'constant', value: d * scale };
  switch (d.kind) {
    case 'constant':
      return { kind: 'constant', value: d.value * scale };
    case 'exponential':
      return { kind: 'exponential', mean: d.mean * scale };
    case 'uniform':
      return { kind: 'uniform', min: d.min * scale, max: d.max * scale };
    case 'normal':
      return { kind: 'normal', mean: d.mean * scale, sd: d.sd * scale };
    case 'lognormal':
      return 'median' in d ? { kind: 'lognormal', median: d.median * scale, p90: d.p90 * scale } : { kind: 'lognormal', mu: d.mu + Math.log(scale), sigma: d.sigma };
    case 'gamma':
      return { kind: 'gamma', mean: d.mean * scale, cv: d.cv };
    case 'pareto':
      return { kind: 'pareto', alpha: d.alpha, min: d.min * scale, max: d.max * scale };
    case 'empirical':
      return { kind: 'empirical', samples: d.samples.map((x) => x * scale) };
    case 'categorical':
      return { kind: 'categorical', values: d.values.map((x) => x * scale), weights: d.weights };
    default:
      return assertNever(d);
  }
}

function sloOf(s?: SloFile): SloSpec | undefined {
  if (!s) return undefined;
  return {
    ttftP99Seconds: s.ttftP99Ms !== undefined ? s.ttftP99Ms * MS : undefined,
    ttftP50Seconds: s.ttftP50Ms !== undefined ? s.ttftP50Ms * MS : undefined,
    tpotP50Seconds: s.tpotP50Ms !== undefined ? s.tpotP50Ms * MS : undefined,
    tpotP99Seconds: s.tpotP99Ms !== undefined ? s.tpotP99Ms * MS : undefined,
    e2eP99Seconds: s.e2elP99Seconds,
    jobP90Seconds: s.jobP90Minutes !== undefined ? s.jobP90Minutes * 60 : undefined,
  };
}

/** Distribution sanity the schema cannot say: a lognormal's p90 above its median, a range the right way round. */
function checkDistributions(value: unknown, path: (string | number)[], problems: InputProblem[]): void {
  if (Array.isArray(value)) return value.forEach((v, i) => checkDistributions(v, [...path, i], problems));
  if (typeof value !== 'object' || value === null) return;
  const v = value as Record<string, unknown>;
  const where = path.join('.').replace(/\.(\d+)/g, '[$1]');
  if (v.kind === 'lognormal' && typeof v.median === 'number' && typeof v.p90 === 'number' && v.p90 < v.median) {
    problems.push({ path: [...path, 'p90'], where: `${where}.p90`, expected: `a p90 >= the median (${v.median})`, found: String(v.p90) });
  }
  if ((v.kind === 'uniform' || v.kind === 'pareto') && typeof v.min === 'number' && typeof v.max === 'number' && v.max <= v.min) {
    problems.push({ path: [...path, 'max'], where: `${where}.max`, expected: `a max > min (${v.min})`, found: String(v.max) });
  }
  if (v.kind === 'categorical' && Array.isArray(v.values) && Array.isArray(v.weights) && v.values.length !== v.weights.length) {
    problems.push({ path: [...path, 'weights'], where: `${where}.weights`, expected: `${v.values.length} weights, one per value`, found: `${v.weights.length}` });
  }
  if (v.kind === 'categorical' && Array.isArray(v.weights) && !(v.weights.reduce((sum: number, w) => sum + Number(w), 0) > 0)) {
    problems.push({ path: [...path, 'weights'], where: `${where}.weights`, expected: 'weights with a positive sum', found: `[${v.weights.join(', ')}]` });
  }
  for (const [k, child] of Object.entries(v)) checkDistributions(child, [...path, k], problems);
}

/** The number of points a sweep would have, checked before its cross product is built. */
function checkSweepSize(f: ScenarioFile, problems: InputProblem[]): void {
  if (!f.sweep) return;
  let points = f.repeat;
  f.sweep.axes.forEach((axis, i) => {
    const count = 'values' in axis ? axis.values.length : Math.floor((axis.range.to - axis.range.from) / axis.range.step + 1e-9) + 1;
    if ('range' in axis && !(count >= 1)) problems.push({ path: ['sweep', 'axes', i, 'range', 'to'], where: `sweep.axes[${i}].range.to`, expected: `a value >= from (${axis.range.from})`, found: String(axis.range.to) });
    points *= Math.max(1, count);
  });
  if (points > MAX_SWEEP_POINTS) problems.push({ path: ['sweep', 'axes'], where: 'sweep.axes', expected: `at most ${MAX_SWEEP_POINTS} points (values per axis multiplied, times repeat)`, found: `${points.toPrecision(3)} points` });
}

export function normalise(f: ScenarioFile, defaultName: string): { scenario?: NormalisedScenario; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const names = new Set<string>();
  f.systems.forEach((s, i) => {
    if (names.has(s.name)) problems.push({ path: ['systems', i, 'name'], where: `systems[${i}].name`, expected: 'a name no other system has', found: JSON.stringify(s.name) });
    names.add(s.name);
    const pools = new Set<string>();
    s.pools.forEach((p, j) => {
      if (pools.has(p.name)) problems.push({ path: ['systems', i, 'pools', j, 'name'], where: `systems[${i}].pools[${j}].name`, expected: 'a pool name unique within the system', found: JSON.stringify(p.name) });
      pools.add(p.name);
    });
    for (const [cls, pool] of Object.entries(s.routes ?? {})) {
      if (pool !== undefined && !pools.has(pool)) problems.push({ path: ['systems', i, 'routes', cls], where: `systems[${i}].routes.${cls}`, expected: `one of this system's pools (${[...pools].join(', ')})`, found: JSON.stringify(pool) });
    }
    if (s.disaggregation) {
      for (const key of ['prefillPool', 'decodePool'] as const) {
        if (!pools.has(s.disaggregation[key])) problems.push({ path: ['systems', i, 'disaggregation', key], where: `systems[${i}].disaggregation.${key}`, expected: `one of this system's pools (${[...pools].join(', ')})`, found: JSON.stringify(s.disaggregation[key]) });
      }
      if (s.routes) problems.push({ path: ['systems', i, 'routes'], where: `systems[${i}].routes`, expected: 'no class routes in a disaggregated system (every request prefills on the prefill pool)', found: 'routes' });
    }
  });
  if (f.name === undefined && !SAFE_NAME.test(defaultName)) {
    problems.push({ path: ['name'], where: 'name', expected: `a name: for the scenario (its file name is not a safe folder name: letters, digits, dot, dash, underscore)`, found: JSON.stringify(defaultName) });
  }
  if (f.answer.kind === 'launch') {
    const a = f.answer;
    const named: [string, string][] = [['fast', a.fast], ['gpu', a.gpu], ['xhigh', a.xhigh], ...a.reasoningSweep.map((n, k) => [`reasoningSweep.${k}`, n] as [string, string])];
    for (const [key, system] of named) {
      if (!names.has(system)) problems.push({ path: ['answer', ...key.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x))], where: `answer.${key}`.replace(/\.(\d+)/g, '[$1]'), expected: `one of the systems (${[...names].join(', ')})`, found: JSON.stringify(system) });
    }
  }
  if (f.warmupMinutes >= f.durationMinutes) {
    problems.push({ path: ['warmupMinutes'], where: 'warmupMinutes', expected: `less than durationMinutes (${f.durationMinutes})`, found: String(f.warmupMinutes) });
  }
  const w = f.workload;
  if (!w.interactive && !w.agents && !w.openLoop && !w.trace) {
    problems.push({ path: ['workload'], where: 'workload', expected: 'at least one of interactive, agents, openLoop, trace', found: 'none' });
  }
  checkDistributions(f.workload, ['workload'], problems);
  checkSweepSize(f, problems);
  checkDistributions(f.network, ['network'], problems);
  f.systems.forEach((sys, i) => checkDistributions(sys.reasoningTokens, ['systems', i, 'reasoningTokens'], problems));
  if (problems.length > 0) return { problems };

  const n = f.network ?? {};
  return {
    problems,
    scenario: {
      name: f.name ?? defaultName,
      description: f.description ?? '',
      question: f.question,
      answer: f.answer,
      seed: f.seed,
      durationSeconds: f.durationMinutes * 60,
      drainSeconds: (f.drainMinutes ?? f.durationMinutes * 0.1) * 60,
      warmupSeconds: f.warmupMinutes * 60,
      client: f.client && { timeoutSeconds: f.client.timeoutSeconds, retries: f.client.retries },
      maxRequests: f.maxRequests,
      repeat: f.repeat,
      energy: f.energy,
      network: {
        rtt: n.rttMs !== undefined ? distributionOf(n.rttMs, MS) : undefined,
        uplinkBytesPerSecond: n.uplinkMbps !== undefined ? n.uplinkMbps * MBIT : undefined,
        downlinkBytesPerSecond: n.downlinkMbps !== undefined ? n.downlinkMbps * MBIT : undefined,
        bytesPerToken: n.bytesPerToken,
      },
      systems: f.systems,
      workload: f.workload,
      trace: w.trace && {
        format: w.trace.format,
        file: w.trace.file,
        cls: w.trace.class ?? (w.trace.format === 'kv-cache-tester' ? 'background' : 'interactive'),
        timeScale: w.trace.timeScale,
        rateScale: w.trace.rateScale,
        concurrency: w.trace.concurrency ?? 20,
        skipBadRows: w.trace.skipBadRows,
      },
      slo: { interactive: sloOf(f.slo?.interactive), background: sloOf(f.slo?.background) },
    },
  };
}

