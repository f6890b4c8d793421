/**
 * Scenario files: read (YAML or JSON, lines kept), then the files it names — each pool's model,
 * hardware and calibration, the trace — and handed to the pure resolver (scenario/resolve.ts via
 * study/resolve.ts). Every problem names the file, the field path and its line.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { InputError, type InputProblem } from '../domain/errors.js';
import type { TraceFormat } from '../domain/kinds.js';
import { assertNever } from '../domain/never.js';
import type { NormalisedScenario } from '../scenario/normalise.js';
import { checkScenario, type Loaded, type PoolFiles, type ResolveInput } from '../scenario/resolve.js';
import type { ResolvedScenario, TraceReplay } from '../scenario/resolved.js';
import type { ScenarioFile, SystemFile } from '../scenario/schema.js';
import { resolveWithPerf } from '../study/resolve.js';
import { sessionsOf } from '../workload/index.js';
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
  const { checked, problems } = checkScenario(raw, file);
  if (!checked) return fail(problems);
  // Model, hardware and calibration paths are relative to the scenario file.
  const baseDir = dirname(resolve(loaded.file));
  const files = checked.normalised.systems.map((sys, i) => sys.pools.map((p, j) => readPoolFiles(p, `systems[${i}].pools[${j}]`, baseDir)));
  const trace = checked.normalised.trace && openTrace(checked.normalised.trace, loaded, traceStats);
  const result = resolveWithPerf({ checked, scenarioFile: file, files, trace: trace && !('problem' in trace) ? trace.replay : undefined });
  if (!result.resolved) return fail(result.problems);
  if (trace && 'problem' in trace) return fail([trace.problem]);
  return {
    normalised: checked.normalised,
    file: checked.file,
    inputs: [resolve(loaded.file), ...(trace ? [trace.path] : [])],
    checkTrace: trace ? trace.check : async () => 0,
    resolved: result.resolved,
  };
}

/** Read a file and keep its problems as data: the resolver places them on the field that named the file. */
function loaded<T>(read: () => T): Loaded<T> {
  try {
    return { spec: read() };
  } catch (error) {
    if (error instanceof InputError) return { problems: error.problems };
    throw error;
  }
}

function readPoolFiles(p: SystemFile['pools'][number], at: string, baseDir: string): PoolFiles {
  return {
    llm: loaded(() => loadLlm(p.model, `${at}.model`, baseDir)),
    hardware: loaded(() => loadHardware(p.hardware, `${at}.hardware`, { baseDir, stack: p.calibration, stackWhere: `${at}.calibration` })),
    ...(p.speculative && { draft: loaded(() => loadLlm(p.speculative!.draft, `${at}.speculative.draft`, baseDir)) }),
  };
}

type OpenedTrace = { path: string; replay: NonNullable<ResolveInput['trace']>; check: () => Promise<number> } | { problem: InputProblem };

/** Find the trace file and its format's reader; nothing is read until a run (or the check) asks. */
function openTrace(t: NonNullable<NormalisedScenario['trace']>, loaded: LoadedScenario, traceStats: TraceStats): OpenedTrace {
  // Trace paths are relative to the scenario file, or to the package (data/traces/…).
  const candidates = isAbsolute(t.file) ? [t.file] : [resolve(dirname(loaded.file), t.file), resolve(packageRoot(), t.file)];
  const path = candidates.find((c) => existsSync(c));
  if (!path) return { problem: { path: ['workload', 'trace', 'file'], where: 'workload.trace.file', expected: 'a trace file that exists (relative to the scenario or the wafersim folder)', found: JSON.stringify(t.file) } };
  const shown = relative(process.cwd(), path) || path;
  const readers = traceReaders(t.format, path, shown, { skipBad: t.skipBadRows });
  const check = async () => {
    const stats = newTraceStats();
    try {
      for await (const _batch of readers.rows(stats));
    } catch (error) {
      if (error instanceof InputError) throw new InputError(error.problems.map((p) => ({ ...p, usedBy: `${loaded.file} workload.trace.file` })));
      throw error;
    }
    return stats.rows;
  };
  return { path, replay: { file: path, ...readers.replay(traceStats) }, check };
}

/** Each trace format's reader: every row, in batches (for the check before the run), and what the replay opens. */
function traceReaders(format: TraceFormat, path: string, shown: string, o: TraceReadOptions): {
  rows: (stats: TraceStats) => AsyncIterable<unknown>;
  replay: (stats: TraceStats) => Pick<TraceReplay, 'kind' | 'arrivals' | 'sessions' | 'blockTokens'>;
} {
  switch (format) {
    case 'azure':
      return { rows: (stats) => readAzure(path, shown, o, stats), replay: (stats) => ({ kind: 'arrivals', arrivals: () => readAzure(path, shown, o, stats) }) };
    case 'mooncake':
      // The format hashes prompts in blocks of its own size (io/traces.ts says where it is published).
      return { rows: (stats) => readMooncake(path, shown, o, stats), replay: (stats) => ({ kind: 'arrivals', blockTokens: MOONCAKE_BLOCK_TOKENS, arrivals: () => readMooncake(path, shown, o, stats) }) };
    case 'kv-cache-tester':
      return { rows: (stats) => readAgentic(path, shown, o, stats), replay: (stats) => ({ kind: 'sessions', sessions: () => sessionsOf(readAgentic(path, shown, o, stats)) }) };
    default:
      return assertNever(format);
  }
}
