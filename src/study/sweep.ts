/**
 * Sweeps: the cartesian product of axes (field paths × values) × repeats, each point a plain
 * `run` of the scenario with its overrides. Points are numbered; any worker count, any shard
 * split and any resume produce the same rows, because a point's result depends only on its number.
 */
import type { SystemSummary } from '../metrics/summary.js';
import { cellsOf, SUMMARY_COLUMNS, summaryRows } from '../report/summary-table.js';

/** A sweep axis: a field path and its values; `label` titles it in the report. */
export type Axis = { path: string; label?: string } & ({ values: unknown[] } | { range: { from: number; to: number; step: number } });

export interface SweepPoint {
  index: number;
  /** Override per axis path, in axis order. */
  values: { path: string; value: unknown }[];
  repeat: number;
}

export function axisValues(axis: Axis): unknown[] {
  if ('values' in axis) return axis.values;
  const { from, to, step } = axis.range;
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  return Array.from({ length: Math.max(0, n) }, (_, i) => Number((from + i * step).toPrecision(12)));
}

export function expandSweep(axes: Axis[], repeat: number): SweepPoint[] {
  const lists = axes.map(axisValues);
  const points: SweepPoint[] = [];
  const combos = lists.reduce<unknown[][]>((acc, list) => acc.flatMap((c) => list.map((v) => [...c, v])), [[]]);
  for (const combo of combos) {
    for (let r = 0; r < repeat; r++) {
      points.push({ index: points.length, values: combo.map((value, i) => ({ path: axes[i].path, value })), repeat: r });
    }
  }
  return points;
}

/** Which points a shard runs: every n-th, starting at i (0-based). */
export function shardOf(points: SweepPoint[], shard?: { index: number; count: number }): SweepPoint[] {
  return shard ? points.filter((p) => p.index % shard.count === shard.index) : points;
}

export interface PointResult {
  index: number;
  repeat: number;
  values: { path: string; value: unknown }[];
  summaries: SystemSummary[];
  fingerprints: string[];
  /** Content key of what determined this result (see io/result-key); set when stored. */
  key?: string;
}

/** sweep.csv rows: one per point × system × class (the classes, then `all`), with summary.csv's columns. */
export function sweepHeader(axes: string[]): string[] {
  return ['point', ...axes, ...SUMMARY_COLUMNS];
}

const cellOf = (v: unknown): string | number => (typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v));

export function sweepRows(p: PointResult): (string | number)[][] {
  return summaryRows([p.summaries]).map((r) => [p.index, ...p.values.map((v) => cellOf(v.value)), ...cellsOf({ ...r, repeat: p.repeat })]);
}

/** The same rows as objects keyed by the header (for --json). */
export function sweepObjects(axes: string[], p: PointResult): Record<string, string | number>[] {
  const header = sweepHeader(axes);
  return sweepRows(p).map((cells) => Object.fromEntries(header.map((k, i) => [k, cells[i]])));
}
