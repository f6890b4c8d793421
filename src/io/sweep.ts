/**
 * Running sweep points and keeping their results: each finished point is one JSON file in
 * `<out>/points/`, written atomically, so an interrupted sweep resumes where it stopped and
 * shards on many machines merge by copying files together.
 */
import { summaryFromJson } from '../metrics/summary-json.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InputError } from '../domain/errors.js';
import { setPath } from '../scenario/paths.js';
import { runScenario } from '../study/run.js';
import { estimateWork, type WorkEstimate } from '../study/estimate.js';
import { expandSweep, type Axis, type PointResult, type SweepPoint } from '../study/sweep.js';
import { readScenario, resolveScenario, type LoadedScenario } from './scenario.js';
import { resultKey } from './result-key.js';

export interface SweepPlan {
  loaded: LoadedScenario;
  axes: Axis[];
  points: SweepPoint[];
  /** The scenario without its sweep section: what each point overrides. */
  base: Record<string, unknown>;
  /** The scenario's name (from the file, or its file name). */
  name: string;
  /** The question the scenario asks (its description when it states none). */
  question: string;
  /** Files the sweep reads (scenario, trace): its output folder must not hold them. */
  inputs: string[];
  /** Each point's content key (by index): a stored result with another key is stale. */
  keys: string[];
  /** Read the scenario's trace once, every row checked (see resolveScenario). */
  checkTrace: () => Promise<number>;
  /** The work of every point together (events summed; memory of the largest point). */
  estimate: (traceRows: number) => WorkEstimate;
  /** Each point's estimated kernel events (by index): the order in which workers are given points. */
  weights: (traceRows: number) => number[];
}

export function planSweep(path: string, sets: (raw: unknown) => unknown = (r) => r, checkPoints = true): SweepPlan {
  const loaded = readScenario(resolve(path));
  const raw = sets(loaded.raw);
  const { file, resolved, inputs, checkTrace } = resolveScenario(loaded, raw); // checks the whole file, sweep section included
  if (!file.sweep) throw new InputError([{ file: loaded.file, where: 'sweep', expected: 'a sweep section with axes (path and values or range)', found: 'none' }]);
  const { sweep: _sweep, ...base } = raw as Record<string, unknown>;
  const axes = file.sweep.axes as Axis[];
  const points = expandSweep(axes, file.repeat);
  // Check every point before running any (a bad axis value fails now, with its path), and key it
  // by what determines its result.
  const resolvedPoints = checkPoints ? points.map((p) => resolveScenario(loaded, pointScenario(base, p)).resolved) : [];
  const keys = resolvedPoints.map((r) => resultKey(r));
  const checked = resolvedPoints.filter((_r, i) => points[i].repeat === 0);
  const estimate = (traceRows: number): WorkEstimate => {
    const each = checked.map((r) => estimateWork({ ...r, repeat: file.repeat }, traceRows, false));
    return {
      requests: Math.max(0, ...each.map((e) => e.requests)),
      sessions: Math.max(0, ...each.map((e) => e.sessions)),
      events: each.reduce((sum, e) => sum + e.events, 0),
      memoryBytes: Math.max(0, ...each.map((e) => e.memoryBytes)),
    };
  };
  const weights = (traceRows: number): number[] => resolvedPoints.map((r) => estimateWork({ ...r, repeat: 1 }, traceRows, false).events);
  return { loaded, axes, points, base, name: resolved.name, question: resolved.question ?? resolved.description, inputs, keys, checkTrace, estimate, weights };
}

/** The scenario of one point: the base with the point's overrides, one repeat with its own seed. */
export function pointScenario(base: Record<string, unknown>, p: SweepPoint): Record<string, unknown> {
  // An axis may name several paths joined by ' & ': each gets the point's value (systems swept on the same axis).
  const withValues = p.values.reduce<unknown>((acc, v) => v.path.split('&').reduce((a, path) => setPath(a, path.trim(), v.value), acc), base) as Record<string, unknown>;
  return { ...withValues, repeat: 1, seed: ((withValues.seed as number | undefined) ?? 1) + p.repeat };
}

export async function runPoint(plan: Pick<SweepPlan, 'loaded' | 'base'>, p: SweepPoint): Promise<PointResult> {
  const { resolved } = resolveScenario(plan.loaded, pointScenario(plan.base, p));
  const result = await runScenario(resolved, { records: 'none' });
  return { index: p.index, repeat: p.repeat, values: p.values, summaries: result.summaries, fingerprints: result.fingerprints };
}

export function pointsDir(out: string): string {
  return join(out, 'points');
}

export function savePoint(out: string, r: PointResult): void {
  const dir = pointsDir(out);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${String(r.index).padStart(6, '0')}.json`);
  writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify(r));
  renameSync(`${file}.tmp-${process.pid}`, file);
}

/** Stored point results; with `keys`, only those whose content key is the point's current one. */
export function loadPoints(out: string, keys?: readonly string[]): PointResult[] {
  const dir = pointsDir(out);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .map((f) => readJsonFile(join(dir, f), 'a finished sweep point written by wafersim (delete the file to run the point again)', isPoint) as PointResult)
    .map((p) => ({ ...p, summaries: summaryFromJson(p.summaries) }))
    .filter((p) => !keys || (p.key !== undefined && p.key === keys[p.index]))
    .sort((a, b) => a.index - b.index);
}

const isPoint = (v: any): boolean => Number.isSafeInteger(v?.index) && Number.isSafeInteger(v.repeat) && Array.isArray(v.values) && Array.isArray(v.summaries);

/** A JSON state file (sweep.json, a point): unreadable or malformed is bad input naming the file. */
export function readJsonFile(path: string, expected: string, valid: (v: unknown) => boolean): unknown {
  const file = relative(process.cwd(), path) || path;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError([{ file, where: '(file)', expected, found: error instanceof SyntaxError ? `broken JSON (${error.message})` : String((error as NodeJS.ErrnoException).code ?? error) }]);
  }
  if (!valid(value)) throw new InputError([{ file, where: '(file)', expected, found: 'JSON of another shape' }]);
  return value;
}
