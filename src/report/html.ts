/**
 * report.html of a run: one self-contained page (inline SVG and CSS, no network fetches). The
 * answer first, then what ran (configuration per pool), the per-class and fleet tables with every
 * outcome, then the charts. One colour per system in every chart; a class is told by its dash.
 */
import type { RequestClass } from '../domain/request.js';
import type { SloTargets } from '../domain/slo.js';
import { RELATIVE_ERROR } from '../metrics/quantiles.js';
import type { Cdf, SystemSummary, TimeseriesRow } from '../metrics/summary.js';
import { configTable, type ConfiguredSystem } from './config.js';
import { outcomeWarnings } from './console.js';
import { answerHtml, type Answer } from './answer.js';
import { int, sig, uncalibratedNote } from './format.js';
import { PAGE_STYLE } from './page.js';
import type { SummaryRow } from './summary-table.js';
import { barPanels, esc, lineChart, PALETTE, stackedBars, type RefLine, type Series } from './svg.js';

export interface ReportInput {
  title: string;
  description: string;
  /** The scenario's question and its answer (study/answers.ts), shown first when there is one. */
  answer?: Answer;
  systems: ConfiguredSystem[];
  summaries: SystemSummary[];
  rows: SummaryRow[];
  cdfs: Cdf[];
  timeseries: TimeseriesRow[];
  intervalSeconds: number;
  slo: Partial<Record<RequestClass, SloTargets>>;
  exact: boolean;
  version: string;
  seed: number;
  extraSections?: string[];
}

const cell = (x: number, d = 3) => (Number.isFinite(x) ? sig(x, d) : '–');
const STAGE_COLORS: Record<string, string> = { network: '#9e9e9e', 'start-up': '#c9a66b', queue: '#e15759', prefill: '#76b7b2', decode: '#4e79a7' };

/** One colour per system, the same in every chart. */
export function systemColors(names: string[]): (system: string) => string {
  const map = new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]]));
  return (system) => map.get(system) ?? '#444';
}

type CdfMetric = Cdf['metric'];
const CDF: Record<CdfMetric, { title: string; axis: string; scale: number; targets: [keyof SloTargets, string][] }> = {
  ttft: { title: 'Time to first token at the client (CDF)', axis: 'TTFT, ms', scale: 1000, targets: [['ttftP99Seconds', 'p99'], ['ttftP50Seconds', 'p50']] },
  tpot: { title: 'Time per output token, per request (CDF; its mean gap between tokens = ITL)', axis: 'TPOT, ms', scale: 1000, targets: [['tpotP50Seconds', 'p50'], ['tpotP99Seconds', 'p99']] },
  itl: { title: 'Inter-token latency over token gaps (CDF)', axis: 'ITL, ms', scale: 1000, targets: [] },
  e2el: { title: 'End-to-end latency at the client (CDF)', axis: 'E2E latency, s', scale: 1, targets: [['e2eP99Seconds', 'p99']] },
};

function cdfChart(r: ReportInput, metric: CdfMetric, color: (s: string) => string, classes: string[]): string {
  const c = CDF[metric];
  const series: Series[] = r.cdfs.filter((x) => x.metric === metric).map((x) => ({ name: `${x.system} ${x.cls}`, color: color(x.system), dashed: classes.indexOf(x.cls) > 0, points: x.values.map((v, i) => [v * c.scale, i / 100]) }));
  const refs: RefLine[] = classes.flatMap((cls) => c.targets.flatMap(([key, p]) => {
    const t = r.slo[cls as RequestClass]?.[key];
    return t === undefined ? [] : [{ axis: 'x' as const, value: t * c.scale, label: `${cls} ${p} target ${sig(t * c.scale)}`, color: '#333' }];
  }));
  return lineChart(`${metric}-cdf`, c.title, series, { xLabel: c.axis, yLabel: 'fraction of requests', logX: 'auto', refs });
}

/** Mean of `value` over a pool's (or a system's) replicas per interval of the first repeat. */
function overTime(rows: TimeseriesRow[], group: (r: TimeseriesRow) => string, value: (r: TimeseriesRow) => number): Map<string, [number, number][]> {
  const sums = new Map<string, Map<number, [number, number]>>();
  for (const r of rows) {
    if (r.repeat !== 0) continue;
    const g = group(r);
    const m = sums.get(g) ?? sums.set(g, new Map()).get(g)!;
    const acc = m.get(r.t) ?? [0, 0];
    m.set(r.t, [acc[0] + value(r), acc[1] + 1]);
  }
  return new Map([...sums].map(([g, m]) => [g, [...m].sort(([a], [b]) => a - b).map(([t, [s, n]]) => [t / 60, s / n] as [number, number])]));
}

const poolOf = (replica: string) => replica.slice(0, replica.lastIndexOf('/'));

function charts(r: ReportInput, color: (s: string) => string): string[] {
  const classes: string[] = [...new Set(r.summaries.flatMap((s) => s.classes.map((c) => c.cls)))].sort();
  const dashed = (cls: string) => classes.indexOf(cls) > 0;
  const stages = r.summaries.flatMap((s) => s.classes.map((c) => ({
    group: `${s.system} ${c.cls} (+${sig(c.stages.gap, 3)} s ${c.cls === 'interactive' ? 'think' : 'tool'})`,
    parts: [
      { name: 'network', value: c.stages.network * 1000 },
      { name: 'start-up', value: c.stages.startup * 1000 },
      { name: 'queue', value: c.stages.queue * 1000 },
      { name: 'prefill', value: c.stages.prefill * 1000 },
      { name: 'decode', value: c.stages.decode * 1000 },
    ],
  })));
  const perClass = (f: (s: SystemSummary, c: SystemSummary['classes'][number]) => [number, number]): Series[] =>
    r.summaries.flatMap((s) => s.classes.map((c) => ({ name: `${s.system} ${c.cls}`, color: color(s.system), dashed: dashed(c.cls), scatter: true, points: [f(s, c)] })));
  const poolKinds = new Map(r.systems.flatMap((s) => s.pools.map((p) => [`${s.name}/${p.name}`, p.memory])));
  const poolIndex = new Map(r.systems.flatMap((s) => s.pools.map((p, i) => [`${s.name}/${p.name}`, i])));
  const kv = [...overTime(r.timeseries, (x) => poolOf(x.replica), (x) => x.kvOccupancy)].map(([pool, points]) => ({
    name: `${pool} (${poolKinds.get(pool) ?? 'KV'})`, color: color(pool.slice(0, pool.indexOf('/'))), dashed: (poolIndex.get(pool) ?? 0) > 0, points,
  }));
  const bySystem = (value: (x: TimeseriesRow) => number) => [...overTime(r.timeseries, (x) => x.system, value)].map(([system, points]) => ({ name: system, color: color(system), points }));
  const load = r.summaries.map((s) => {
    const shares = s.replicas.map((x) => x.busyShare).sort((a, b) => b - a);
    return { name: s.system, color: color(s.system), markers: shares.length <= 40, points: shares.map((v, i) => [i + 1, v] as [number, number]) };
  });
  const multi = r.summaries.length > 1;
  return [
    cdfChart(r, 'ttft', color, classes),
    cdfChart(r, 'tpot', color, classes),
    cdfChart(r, 'e2el', color, classes),
    stackedBars('time-breakdown', "Where a request's time goes, per class (mean ms per request; session start-up spread over its requests; think or tool time between requests in the label)", stages, { xLabel: 'ms per request', colors: STAGE_COLORS }),
    lineChart('throughput-latency', 'Throughput against latency: each point a system and class', perClass((s, c) => [c.outputTokens / s.seconds, c.latency.ttft.p99 * 1000]), { xLabel: 'output tokens per second (class)', yLabel: 'TTFT p99, ms', logX: 'auto', logY: 'auto' }),
    lineChart('speed-cost', multi ? 'Per-user speed against cost per million output tokens, per system' : 'Per-user speed against cost per million output tokens', perClass((s, c) => [c.tokensPerSecondPerUser, s.usdPerMillionOutputTokens]), { xLabel: 'tokens per second per user (1 / TPOT median)', yLabel: '$ per million output tokens', logX: 'auto', logY: 'auto' }),
    lineChart('replica-load', 'Load per replica over the measured window (busiest first)', load, { xLabel: 'replica, busiest first', yLabel: 'busy share of the window' }),
    lineChart('kv-occupancy', `KV cache occupancy per pool (mean over its replicas while busy, per ${sig(r.intervalSeconds)} s)`, kv, { xLabel: 'minutes', yLabel: "fraction of the pool's KV" }, 'Each pool against its own memory (named in the legend); pools are never averaged together.'),
    lineChart('queue-length', `Waiting queue over time (mean over replicas while busy, per ${sig(r.intervalSeconds)} s)`, bySystem((x) => x.queue), { xLabel: 'minutes', yLabel: 'requests waiting' }),
    lineChart('utilisation', `Utilisation over time (mean over replicas, per ${sig(r.intervalSeconds)} s)`, bySystem((x) => x.utilisation), { xLabel: 'minutes', yLabel: 'busy fraction' }),
    barPanels('cost-energy', 'Cost and energy', [
      { name: '$ / M output tokens', values: r.summaries.map((s) => ({ label: s.system, value: s.usdPerMillionOutputTokens })) },
      { name: 'J / output token', values: r.summaries.map((s) => ({ label: s.system, value: s.joulesPerOutputToken })) },
      { name: '$ / hour', values: r.summaries.map((s) => ({ label: s.system, value: s.usdPerHour })) },
      { name: 'kW', values: r.summaries.map((s) => ({ label: s.system, value: s.averagePowerKw })) },
    ], color),
  ];
}

function table(id: string, head: string[], rows: string[][]): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}\n</tbody></table>`;
}

export function answerBlock(answer?: Answer): string {
  return answer ? answerHtml(answer) : '';
}

export function reportHtml(r: ReportInput): string {
  const color = systemColors(r.summaries.map((s) => s.system));
  const swatch = (system: string) => `<span class="swatch" style="background:${color(system)}"></span>${esc(system)}`;
  const classRows = r.summaries.flatMap((s) => s.classes.map((c) => [
    swatch(s.system), c.cls, int(c.requests), int(c.rejected), int(c.unfinished), int(c.gaveUp),
    cell(c.latency.ttft.median * 1000), cell(c.latency.ttft.p99 * 1000), cell(c.latency.tpot.median * 1000), cell(c.latency.itl.p99 * 1000), cell(c.latency.e2el.p99),
    cell(c.tokensPerSecondPerUser, 4), c.jobP90Seconds === Infinity ? '> run' : cell(c.jobP90Seconds / 60),
    c.meetsSlo === undefined ? '–' : `${(100 * c.sloAttainment).toFixed(1)}%${c.meetsSlo ? '' : ' ✗'}`, `${(100 * c.cacheHitRate).toFixed(1)}%`,
  ]));
  const fleetRows = r.summaries.map((s) => [swatch(s.system), int(s.outputTokensPerSecond), int(s.totalTokensPerSecond), cell(s.usdPerHour, 4), cell(s.usdPerMillionOutputTokens), cell(s.usdPerMillionTotalTokens), cell(s.averagePowerKw), cell(s.joulesPerOutputToken), cell(s.busyImbalance), int(s.sessionMoves), [...s.overload.map((o) => o.message), ...s.uncalibrated.map(uncalibratedNote)].map(esc).join('<br>')]);
  const warnings = r.summaries.flatMap((s) => [...s.classes.flatMap((c) => outcomeWarnings(s.system, c)), ...s.classes.flatMap((c) => c.sloMisses.map((m) => `✗ ${s.system} ${c.cls}: ${m}`))]);
  const replicaRows = r.summaries.flatMap((s) => s.replicas.map((x) => [esc(x.replica), int(x.requests), `${(100 * x.busyShare).toFixed(1)}%`, `${(100 * x.kvPeak).toFixed(1)}%`]));
  const columns = Object.keys(r.rows[0] ?? {});
  const window = r.summaries[0]?.seconds ?? NaN;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)} — wafersim</title>
<style>${PAGE_STYLE}</style></head><body>
<h1>${esc(r.title)}</h1>
<p>${esc(r.description)}</p>
${answerBlock(r.answer)}
<h2>What ran</h2>
${configTable(r.systems)}
<p class="note">wafersim ${esc(r.version)}, seed ${r.seed}. Measured window: ${cell(window / 60)} minutes (warm-up and drain left out; requests sent outside it are served and counted in summary.csv as outside_window_*). Percentiles ${r.exact ? 'are exact (every request kept)' : `come from streaming histograms with ±${RELATIVE_ERROR * 100}% relative error`}.</p>
<h2>Per system and class</h2>
${table('summary-table', ['system', 'class', 'completed', 'rejected', 'unfinished', 'gave up', 'TTFT p50 ms', 'TTFT p99 ms', 'TPOT p50 ms', 'ITL p99 ms', 'E2E p99 s', 'tok/s per user', 'job p90 min', 'SLO', 'cache hits'], classRows)}
${warnings.length ? `<ul id="outcome-warnings">${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
${table('fleet-table', ['system', 'output tok/s', 'total tok/s', '$/hour', '$/M output tokens', '$/M total tokens', 'kW', 'J/output token', 'busy max/mean', 'session moves', 'load'], fleetRows)}
<h2>Charts</h2>
<div class="charts">
${charts(r, color).join('\n')}
</div>
${(r.extraSections ?? []).join('\n')}
<h2>Load per replica</h2>
<details${replicaRows.length <= 32 ? ' open' : ''}><summary>${replicaRows.length} replicas</summary>
${table('replica-table', ['replica', 'requests', 'busy', 'peak KV'], replicaRows)}
</details>
<h2>Every summary figure</h2>
<details><summary>summary.csv's rows (${r.rows.length})</summary>
${table('all-rows', columns, r.rows.map((x) => columns.map((k) => (typeof x[k] === 'number' ? cell(x[k] as number, 4) : esc(String(x[k]))))))}
</details>
</body></html>
`;
}
