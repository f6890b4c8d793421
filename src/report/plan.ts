/** The capacity plan as text tables, CSV rows and an HTML page (strings only; the CLI writes them). */
import { inDisplayUnit, type SystemSummary } from '../metrics/summary.js';
import { int, sig, textTable } from './format.js';
import { systemColors } from './html.js';
import { PAGE_STYLE } from './page.js';
import { barPanels, esc, lineChart, type Series } from './svg.js';

// The plan's results as the planner (study/plan.ts) produces them and this report shows them.
/** One seed's run of a trial. */
export interface SeedRun {
  seed: number;
  meets: boolean;
  summary: SystemSummary;
}

export interface Trial {
  replicas: number;
  /** Every step took this many times the model's time (the calibration range; 1: as modelled). */
  stepTimeScale: number;
  /** Every seed met the SLOs (what the search uses: a fleet must pass whatever the luck). */
  meets: boolean;
  runs: SeedRun[];
}

export type CalibrationRange =
  | { kind: 'range'; stack: string; rows: number; error: number; low: number | null; high: number | null; trials: Trial[] }
  | { kind: 'no holdout rows'; stack: string };

export interface PlanResult {
  system: string;
  pool: string;
  /** Smallest count meeting the SLOs on every seed, plus spares; null when even the maximum fails. */
  replicas: number | null;
  /** Fleet-size range over seeds: the smallest count some seed passed, and the one all passed (before spares). */
  range: { low: number; high: number } | null;
  spares: number;
  trials: Trial[];
  /**
   * The answer with every step slower and faster by the stack's holdout error (`error`, the median
   * absolute error of `rows` holdout rows): `low` replicas if the model is that much too slow,
   * `high` (null: none ≤ max) if it is that much too fast. Absent when the stack has no holdout rows.
   */
  calibration?: CalibrationRange;
  /** Why no count passed, when more replicas stopped helping. */
  whyNone?: string;
  /** The chosen fleet's summary (first seed); at replicas without spares when spares were not run. */
  summary?: SystemSummary;
  devicesPerReplica: number;
  hardware: string;
}

/** How a trial's SLOs came out, one row per seed and class: each target, what was achieved, by how much it missed. */
export interface TrialRow {
  replicas: number;
  stepTimeScale: number;
  seed: number;
  cls: string;
  meets: boolean;
  completed: number;
  rejected: number;
  unfinished: number;
  checks: { name: string; unit: string; value: number; target: number; missBy: number }[];
}

export function trialRows(trials: Trial[]): TrialRow[] {
  return trials.flatMap((t) => t.runs.flatMap((r) => r.summary.classes.map((c) => ({
    replicas: t.replicas,
    stepTimeScale: t.stepTimeScale,
    seed: r.seed,
    cls: c.cls,
    meets: r.meets,
    completed: c.requests,
    rejected: c.rejected,
    unfinished: c.unfinished,
    // missBy: how far above its target, as a fraction of the target (≤ 0: met).
    checks: c.sloChecks.map((k) => ({ name: k.name, unit: k.display, value: inDisplayUnit(k, k.value), target: inDisplayUnit(k, k.target), missBy: k.value / k.target - 1 })),
  }))));
}

type PlanRow = PlanResult & { maxLoad?: number | null };

const label = (r: PlanRow) => `${r.system}/${r.pool}`;
const num = (x: number | undefined, d = 3) => (x !== undefined && Number.isFinite(x) ? sig(x, d) : '–');

function replicasCell(r: PlanRow): string {
  if (r.replicas === null) return 'none ≤ max';
  const range = r.range && r.range.low < r.range.high ? ` (${r.range.low}–${r.range.high} over seeds)` : '';
  return `${int(r.replicas)}${r.spares > 0 ? ` incl. ${r.spares} spare` : ''}${range}`;
}

/** "12–31 (cerebras holdout error ±60%, 5 rows)", or why there is no range. */
function calibrationCell(r: PlanRow): string {
  const c = r.calibration;
  if (!c) return '–';
  if (c.kind === 'no holdout rows') return `unknown: ${c.stack} has no holdout rows`;
  const show = (n: number | null) => (n === null ? 'none ≤ max' : int(n + r.spares));
  return `${show(c.low)}–${show(c.high)} (${c.stack} holdout error ±${Math.round(100 * c.error)}%, ${c.rows} rows)`;
}

const PLAN_HEAD = (maxLoad: boolean) => ['option', 'hardware', maxLoad ? 'max load ×' : 'replicas', ...(maxLoad ? [] : ['with model error']), 'devices', '$/hour', '$/M output tok', 'kW', 'J/output tok'];

function planCells(r: PlanRow, maxLoad: boolean): string[] {
  return [
    label(r), r.hardware,
    maxLoad ? (r.maxLoad === null || r.maxLoad === undefined ? 'none' : sig(r.maxLoad, 3)) : replicasCell(r),
    ...(maxLoad ? [] : [calibrationCell(r)]),
    r.replicas ? int(r.replicas * r.devicesPerReplica) : '–',
    num(r.summary?.usdPerHour, 4), num(r.summary?.usdPerMillionOutputTokens), num(r.summary?.averagePowerKw), num(r.summary?.joulesPerOutputToken),
  ];
}

export function planTable(results: PlanRow[], maxLoad: boolean): string {
  return textTable(PLAN_HEAD(maxLoad), results.map((r) => planCells(r, maxLoad)));
}

/** "TTFT p99 316 ms > 300 (+5.3%)" for misses, "TTFT p99 212 ms ✓" for passes. */
function checkText(c: TrialRow['checks'][number]): string {
  const value = c.value === Infinity ? 'not reached' : Number.isNaN(c.value) ? 'not measured' : `${sig(c.value)} ${c.unit}`;
  return c.missBy <= 0 ? `${c.name} ${value} ✓` : `${c.name} ${value} > ${sig(c.target)}${Number.isFinite(c.missBy) ? ` (+${(100 * c.missBy).toFixed(1)}%)` : ''}`;
}

/** Every trial of an option: replicas, seed, class, each SLO achieved (and by how much it missed), rejected and unfinished. */
export function trialTable(r: PlanRow): string {
  const rows = trialRows(r.trials).sort((a, b) => a.replicas - b.replicas || a.seed - b.seed || a.cls.localeCompare(b.cls));
  return textTable(
    ['replicas', 'seed', 'class', 'passes', 'SLOs', 'rejected', 'unfinished'],
    rows.map((x) => [int(x.replicas), String(x.seed), x.cls, x.meets ? 'yes' : 'no', x.checks.map(checkText).join('; ') || '–', int(x.rejected), int(x.unfinished)]),
  );
}

/** plan.csv and `plan --json`: one row per option (snake_case, as every output). */
export const PLAN_COLUMNS = ['system', 'pool', 'hardware', 'devices_per_replica', 'replicas', 'replicas_low', 'replicas_high', 'spares', 'devices', 'max_load', 'usd_per_hour', 'usd_per_m_output_tokens', 'usd_per_m_total_tokens', 'kw', 'j_per_output_token', 'model_error_stack', 'model_error', 'model_error_rows', 'replicas_model_error_low', 'replicas_model_error_high', 'trials'];

/** The fleet re-sized at the model's error: stack, error, rows, replicas low and high ('none' above the maximum; spares included). */
function modelErrorCells(r: PlanRow): (string | number)[] {
  const c = r.calibration;
  if (!c) return ['', '', '', '', ''];
  if (c.kind === 'no holdout rows') return [c.stack, '', 0, '', ''];
  const n = (x: number | null) => (x === null ? 'none' : x + r.spares);
  return [c.stack, c.error, c.rows, n(c.low), n(c.high)];
}

export function planRows(results: PlanRow[]): Record<string, string | number>[] {
  return results.map((r) => {
    const s = r.summary;
    const cells = [
      r.system, r.pool, r.hardware, r.devicesPerReplica, r.replicas ?? '', r.range?.low ?? '', r.range?.high ?? '', r.spares, r.replicas ? r.replicas * r.devicesPerReplica : '', r.maxLoad ?? '',
      s?.usdPerHour ?? '', s?.usdPerMillionOutputTokens ?? '', s?.usdPerMillionTotalTokens ?? '', s?.averagePowerKw ?? '', s?.joulesPerOutputToken ?? '',
      ...modelErrorCells(r),
      r.trials.map((t) => `${t.replicas}:${t.meets ? 'ok' : 'no'}`).join(' '),
    ].map((c) => (typeof c === 'number' && !Number.isFinite(c) ? '' : c));
    return Object.fromEntries(PLAN_COLUMNS.map((k, i) => [k, cells[i]]));
  });
}

export const TRIALS_HEADER = ['system', 'pool', 'replicas', 'step_time_scale', 'seed', 'class', 'passes', 'completed', 'rejected', 'unfinished', 'slo', 'unit', 'value', 'target', 'miss_by'];

export function trialCsvRows(r: PlanRow): (string | number)[][] {
  const calibration = r.calibration?.kind === 'range' ? r.calibration.trials : [];
  return trialRows([...r.trials, ...calibration]).flatMap((x) => {
    const base = [r.system, r.pool, x.replicas, x.stepTimeScale, x.seed, x.cls, x.meets ? 1 : 0, x.completed, x.rejected, x.unfinished];
    const checks = x.checks.length > 0 ? x.checks : [undefined];
    return checks.map((c) => [...base, c?.name ?? '', c?.unit ?? '', c && Number.isFinite(c.value) ? c.value : c?.value === Infinity ? 'not reached' : '', c?.target ?? '', c && Number.isFinite(c.missBy) ? c.missBy : '']);
  });
}

/** One chart per SLO (metric and class): each option's worst value over seeds against replicas, the target, and the chosen fleet. */
function sloCharts(results: PlanRow[], color: (option: string) => string): string[] {
  const charts = new Map<string, { unit: string; target: number; series: Series[]; chosen: { x: number; y: number; color: string; label: string }[] }>();
  for (const r of results) {
    const worst = new Map<string, Map<number, number>>();
    for (const x of trialRows(r.trials)) {
      for (const c of x.checks) {
        const key = `${c.name} (${x.cls})`;
        if (!charts.has(key)) charts.set(key, { unit: c.unit, target: c.target, series: [], chosen: [] });
        const m = worst.get(key) ?? worst.set(key, new Map()).get(key)!;
        m.set(x.replicas, Math.max(m.get(x.replicas) ?? -Infinity, c.value));
      }
    }
    const chosen = r.replicas === null ? undefined : r.replicas - r.spares;
    for (const [key, m] of worst) {
      const points = [...m].sort(([a], [b]) => a - b).filter(([, v]) => Number.isFinite(v)) as [number, number][];
      const chart = charts.get(key)!;
      chart.series.push({ name: label(r), color: color(label(r)), markers: true, points });
      const at = chosen === undefined ? undefined : points.find(([n]) => n === chosen);
      if (at) chart.chosen.push({ x: at[0], y: at[1], color: color(label(r)), label: `${label(r)}: chosen, ${chosen} replicas${r.spares ? ` + ${r.spares} spare` : ''}` });
    }
  }
  return [...charts].map(([key, c], i) => lineChart(`plan-slo-${i}`, `${key} against replicas`, c.series, {
    xLabel: 'replicas', yLabel: `${key}, ${c.unit}`, logX: 'auto', logY: 'auto', integerX: true, highlight: c.chosen,
    refs: [{ axis: 'y', value: c.target, label: `target ${sig(c.target)} ${c.unit}`, color: '#333' }],
  }, 'Each point: the worst seed of that trial; unreached values (too many jobs failed) are left out. Ring: the chosen fleet (before spares).'));
}

function htmlTable(id: string, text: string[][], head: string[]): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${text.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function planHtml(name: string, results: PlanRow[], maxLoad: boolean): string {
  const color = systemColors(results.map(label));
  const bars = barPanels('plan', 'The fleets side by side', [
    { name: '$ / hour', values: results.map((r) => ({ label: label(r), value: r.summary?.usdPerHour ?? NaN })) },
    { name: '$ / M output tokens', values: results.map((r) => ({ label: label(r), value: r.summary?.usdPerMillionOutputTokens ?? NaN })) },
    { name: 'kW', values: results.map((r) => ({ label: label(r), value: r.summary?.averagePowerKw ?? NaN })) },
    { name: 'J / output token', values: results.map((r) => ({ label: label(r), value: r.summary?.joulesPerOutputToken ?? NaN })) },
  ], color);
  const trials = results.map((r) => {
    const rows = trialRows(r.trials).sort((a, b) => a.replicas - b.replicas || a.seed - b.seed || a.cls.localeCompare(b.cls));
    return `<h3>${esc(label(r))}: every trial</h3>${htmlTable(`trials-${esc(label(r).replace(/[^A-Za-z0-9_-]/g, '-'))}`, rows.map((x) => [int(x.replicas), String(x.seed), x.cls, x.meets ? 'yes' : 'no', x.checks.map(checkText).join('; ') || '–', int(x.rejected), int(x.unfinished)]), ['replicas', 'seed', 'class', 'passes', 'SLOs', 'rejected', 'unfinished'])}`;
  }).join('\n');
  const summary = htmlTable('plan-table', results.map((r) => planCells(r, maxLoad)), PLAN_HEAD(maxLoad));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(name)} plan — wafersim</title><style>${PAGE_STYLE}</style></head><body>
<h1>Capacity plan: ${esc(name)}</h1>
<p>${maxLoad ? 'The largest load each fleet carries within the SLOs.' : 'The smallest fleet of each option that meets every SLO on every seed (plus spares).'} Every figure is in plan.csv and trials.csv.</p>
${summary}
${results.filter((r) => r.whyNone).map((r) => `<p class="note">${esc(label(r))}: none ≤ max: ${esc(r.whyNone!)}</p>`).join('\n')}
<div class="charts">${bars}</div>
<h2>Each SLO against replicas</h2>
<div class="charts">${sloCharts(results, color).join('\n')}</div>
<h2>Every trial</h2>
${trials}
</body></html>
`;
}
