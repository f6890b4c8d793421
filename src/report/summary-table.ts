/**
 * summary.csv and `--json` rows: one row per system × class (× repeat) in wide form, with vLLM's
 * benchmark names (mean_/median_/std_/p90_/p95_/p99_ of ttft_ms, tpot_ms, itl_ms, e2el_ms;
 * request_throughput, output_throughput, total_token_throughput). The same columns serve run,
 * sweep and plan. Seconds inside become milliseconds here, at the output edge. Each system also
 * has a row of class `all`: its counts and throughputs over every class, and the fleet's cost,
 * power and load (latency columns are per class only, so they are empty there).
 */
import { REJECT_REASONS } from '../domain/request.js';
import { LATENCY_METRICS } from '../metrics/recorder.js';
import { meanAndInterval, type ClassSummary, type Distribution, type SystemSummary } from '../metrics/summary.js';

export type Cell = string | number;
export type SummaryRow = Record<string, Cell>;

const STATS = ['mean', 'median', 'std', 'p90', 'p95', 'p99'] as const satisfies readonly (keyof Distribution)[];
const LATENCY_COLUMNS = LATENCY_METRICS.flatMap((m) => STATS.map((s) => `${s}_${m}_ms`));
const STAGES = ['network', 'startup', 'queue', 'prefill', 'decode', 'gap'] as const satisfies readonly (keyof ClassSummary['stages'])[];

/** Columns after the key columns (system, class, repeat), in order. */
export const FIGURE_COLUMNS = [
  'completed', 'rejected', ...REJECT_REASONS.map((r) => `rejected_${r}`), 'unfinished', 'gave_up',
  'jobs_completed', 'jobs_failed', 'jobs_unfinished',
  'duration_s', 'request_throughput', 'output_throughput', 'total_token_throughput',
  ...LATENCY_COLUMNS,
  'tokens_per_s_per_user', 'job_p90_s', 'slo_attainment', 'meets_slo', 'goodput', 'cache_hit_rate',
  ...STAGES.map((s) => `time_${s}_s`),
  'generated_token_throughput', 'usd_per_hour', 'usd_per_m_output_tokens', 'usd_per_m_total_tokens', 'kw', 'j_per_output_token',
  'busy_imbalance', 'session_moves', 'overloaded_pools',
  'outside_window_completed', 'outside_window_rejected', 'outside_window_unfinished', 'outside_window_gave_up',
] as const;

export const SUMMARY_COLUMNS = ['system', 'class', 'repeat', ...FIGURE_COLUMNS];

type Figures = Record<string, number>;

function classFigures(c: ClassSummary, seconds: number): Figures {
  const f: Figures = {
    completed: c.requests, rejected: c.rejected, unfinished: c.unfinished, gave_up: c.gaveUp,
    jobs_completed: c.jobs.completed, jobs_failed: c.jobs.failed, jobs_unfinished: c.jobs.unfinished,
    duration_s: seconds,
    request_throughput: c.requests / seconds,
    output_throughput: c.outputTokens / seconds,
    total_token_throughput: (c.inputTokens + c.outputTokens) / seconds,
    tokens_per_s_per_user: c.tokensPerSecondPerUser,
    // A job percentile among failed or unfinished jobs is unknown (longer than the run): left empty.
    job_p90_s: c.jobP90Seconds,
    slo_attainment: c.sloAttainment,
    meets_slo: c.meetsSlo === undefined ? NaN : c.meetsSlo ? 1 : 0,
    goodput: c.goodputPerSecond,
    cache_hit_rate: c.cacheHitRate,
  };
  for (const r of REJECT_REASONS) f[`rejected_${r}`] = c.rejectedBy[r];
  for (const m of LATENCY_METRICS) for (const s of STATS) f[`${s}_${m}_ms`] = c.latency[m][s] * 1000;
  for (const s of STAGES) f[`time_${s}_s`] = c.stages[s];
  return f;
}

function systemFigures(s: SystemSummary): Figures {
  const sum = (k: string, per: Figures[]) => per.reduce((n, f) => n + f[k], 0);
  const per = s.classes.map((c) => classFigures(c, s.seconds));
  const f: Figures = { duration_s: s.seconds };
  for (const k of ['completed', 'rejected', ...REJECT_REASONS.map((r) => `rejected_${r}`), 'unfinished', 'gave_up', 'jobs_completed', 'jobs_failed', 'jobs_unfinished', 'request_throughput', 'output_throughput', 'total_token_throughput']) f[k] = sum(k, per);
  Object.assign(f, {
    generated_token_throughput: s.outputTokensPerSecond,
    usd_per_hour: s.usdPerHour,
    usd_per_m_output_tokens: s.usdPerMillionOutputTokens,
    usd_per_m_total_tokens: s.usdPerMillionTotalTokens,
    kw: s.averagePowerKw,
    j_per_output_token: s.joulesPerOutputToken,
    busy_imbalance: s.busyImbalance,
    session_moves: s.sessionMoves,
    overloaded_pools: s.overload.filter((o) => o.overloaded).length,
    outside_window_completed: s.outside.completed,
    outside_window_rejected: s.outside.rejected,
    outside_window_unfinished: s.outside.unfinished,
    outside_window_gave_up: s.outside.gave_up,
  });
  return f;
}

/** A system's figures by class (its classes, then `all`). */
function figuresOf(s: SystemSummary): [string, Figures][] {
  return [...s.classes.map((c) => [c.cls, classFigures(c, s.seconds)] as [string, Figures]), ['all', systemFigures(s)]];
}

function row(system: string, cls: string, repeat: Cell, f: Figures): SummaryRow {
  const r: SummaryRow = { system, class: cls, repeat };
  // Not a number (undefined, no SLO, not measured, or unknown) is an empty cell.
  for (const k of FIGURE_COLUMNS) r[k] = Number.isFinite(f[k]) ? f[k] : '';
  return r;
}

/**
 * Rows for runs[repeat][system]: per repeat, and with several repeats a `mean` and a `ci95` row
 * (the half-width of the 95% confidence interval of the mean) per system × class.
 */
export function summaryRows(runs: SystemSummary[][]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const systems = runs[0]?.map((s) => s.system) ?? [];
  systems.forEach((system, i) => {
    const perRepeat = runs.map((r) => new Map(figuresOf(r[i])));
    perRepeat.forEach((m, repeat) => {
      for (const [cls, f] of m) rows.push(row(system, cls, repeat, f));
    });
    if (runs.length < 2) return;
    // A class missing from some repeat (no requests there) gets no combined rows.
    const classes = [...perRepeat[0].keys()].filter((cls) => perRepeat.every((m) => m.has(cls)));
    for (const cls of classes) {
      const { mean, ci95 } = meanAndInterval(perRepeat.map((m) => m.get(cls)!));
      rows.push(row(system, cls, 'mean', mean), row(system, cls, 'ci95', ci95));
    }
  });
  return rows;
}

/** A row's cells in SUMMARY_COLUMNS order (or another header's). */
export function cellsOf(r: SummaryRow, header: readonly string[] = SUMMARY_COLUMNS): Cell[] {
  return header.map((k) => r[k] ?? '');
}
