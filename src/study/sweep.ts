/**
 * Sweeps: the cartesian product of axes (field paths × values) × repeats, each point a plain
 * `run` of the scenario with its overrides. Points are numbered; any worker count, any shard
 * split and any resume produce the same rows, because a point's result depends only on its number.
 */
import type { SystemSummary } from '../metrics/summary.js';

export type Axis = { path: string; values: unknown[] } | { path: string; range: { from: number; to: number; step: number } };

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

export const SWEEP_METRICS = ['completed', 'rejected', 'unfinished', 'ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'e2e_p99_ms', 'tokens_per_s_per_user', 'job_p90_s', 'slo_attainment', 'meets_slo', 'output_tok_s', 'usd_per_hour', 'usd_per_m_output_tokens', 'usd_per_m_total_tokens', 'kw', 'j_per_output_token', 'overloaded'] as const;

/** sweep.csv rows: one per point × system × class. */
export function sweepHeader(axes: string[]): string[] {
  return ['point', 'repeat', ...axes, 'system', 'class', ...SWEEP_METRICS];
}

const cellOf = (v: unknown): string | number => (typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v));

export function sweepRows(p: PointResult): (string | number)[][] {
  return p.summaries.flatMap((s) => s.classes.map((c) => [
    p.index, p.repeat, ...p.values.map((v) => cellOf(v.value)), s.system, c.cls,
    c.requests, c.rejected, c.unfinished, c.ttftP50Ms, c.ttftP99Ms, c.tpotP50Ms, c.e2eP99Ms, c.tokensPerSecondPerUser, c.jobP90Seconds === Infinity ? 'censored' : c.jobP90Seconds,
    c.sloAttainment, c.meetsSlo === undefined ? '' : c.meetsSlo ? 1 : 0,
    s.outputTokensPerSecond, s.usdPerHour, s.usdPerMillionOutputTokens, s.usdPerMillionTotalTokens, s.averagePowerKw, s.joulesPerOutputToken, s.overload.some((o) => o.overloaded) ? 1 : 0,
  ].map((x) => (typeof x === 'number' && !Number.isFinite(x) ? '' : x))));
}
