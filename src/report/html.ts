/** report.html: one self-contained page (inline SVG and CSS, no network fetches). */
import type { Cdf, SystemSummary, TimeseriesRow } from '../metrics/summary.js';
import type { SummaryRow } from './summary-table.js';
import { RELATIVE_ERROR } from '../metrics/quantiles.js';
import { barPanels, esc, lineChart, stackedBars, type Series } from './svg.js';
import { int, sig, uncalibratedNote } from './format.js';
import { outcomeWarnings } from './console.js';

export interface ReportInput {
  title: string;
  description: string;
  summaries: SystemSummary[];
  rows: SummaryRow[];
  cdfs: Cdf[];
  timeseries: TimeseriesRow[];
  exact: boolean;
  version: string;
  seed: number;
  extraSections?: string[];
}

const cell = (x: number, d = 3) => (Number.isFinite(x) ? sig(x, d) : '–');

function cdfChart(id: string, title: string, cdfs: Cdf[], metric: Cdf['metric'], unit: string, scale = 1): string {
  const series: Series[] = cdfs.filter((c) => c.metric === metric).map((c) => ({ name: `${c.system} ${c.cls}`, points: c.values.map((v, i) => [v * scale, i / 100]) }));
  return lineChart(id, title, series, { xLabel: unit, yLabel: 'fraction of requests', logX: true });
}

function overTime(id: string, title: string, rows: TimeseriesRow[], value: (r: TimeseriesRow) => number, yLabel: string): string {
  const bySystem = new Map<string, Map<number, number[]>>();
  for (const r of rows.filter((x) => x.repeat === 0)) {
    const m = bySystem.get(r.system) ?? bySystem.set(r.system, new Map()).get(r.system)!;
    (m.get(r.t) ?? m.set(r.t, []).get(r.t)!).push(value(r));
  }
  const series: Series[] = [...bySystem.entries()].map(([name, m]) => ({
    name,
    points: [...m.entries()].sort(([a], [b]) => a - b).map(([t, vs]) => [t / 60, vs.reduce((s, v) => s + v, 0) / vs.length] as [number, number]),
  }));
  return lineChart(id, title, series, { xLabel: 'minutes', yLabel });
}

export function reportHtml(r: ReportInput): string {
  // Tool and think time dwarf the service's part (a person thinks for minutes): it goes in the label.
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
  const charts = [
    cdfChart('ttft-cdf', 'Time to first token (client), CDF', r.cdfs, 'ttft', 'TTFT, ms (log scale)', 1000),
    cdfChart('e2e-cdf', 'End-to-end latency (client), CDF', r.cdfs, 'e2el', 'E2E, s (log scale)'),
    stackedBars('time-breakdown', 'Where a request\'s time goes (mean per request, ms; session start-up spread over its requests; tool/think time between requests in the label)', stages, { xLabel: 'ms per request' }),
    overTime('kv-occupancy', 'KV cache occupancy over time (mean over replicas, while busy)', r.timeseries, (x) => x.kvOccupancy, 'fraction of KV blocks'),
    overTime('queue-length', 'Waiting queue over time (mean over replicas, while busy)', r.timeseries, (x) => x.queue, 'requests waiting'),
    overTime('utilisation', 'Utilisation over time (mean over replicas)', r.timeseries, (x) => x.utilisation, 'busy fraction'),
    barPanels('cost-energy', 'Cost and energy', [
      { name: '$ / M output tokens', values: r.summaries.map((s) => ({ label: s.system, value: s.usdPerMillionOutputTokens })) },
      { name: 'J / output token', values: r.summaries.map((s) => ({ label: s.system, value: s.joulesPerOutputToken })) },
      { name: '$ / hour', values: r.summaries.map((s) => ({ label: s.system, value: s.usdPerHour })) },
      { name: 'kW', values: r.summaries.map((s) => ({ label: s.system, value: s.averagePowerKw })) },
    ]),
  ];
  const classRows = r.summaries.flatMap((s) => s.classes.map((c) => `<tr><td>${esc(s.system)}</td><td>${c.cls}</td><td>${int(c.requests)}</td><td>${int(c.rejected)}</td><td>${int(c.unfinished)}</td><td>${cell(c.latency.ttft.median * 1000)}</td><td>${cell(c.latency.ttft.p99 * 1000)}</td><td>${cell(c.latency.tpot.median * 1000)}</td><td>${cell(c.latency.e2el.p99)}</td><td>${cell(c.tokensPerSecondPerUser, 4)}</td><td>${c.jobP90Seconds === Infinity ? '> run' : cell(c.jobP90Seconds / 60)}</td><td>${c.meetsSlo === undefined ? '–' : `${(100 * c.sloAttainment).toFixed(1)}%${c.meetsSlo ? '' : ' ✗'}`}</td><td>${(100 * c.cacheHitRate).toFixed(1)}%</td></tr>`)).join('\n');
  const fleetRows = r.summaries.map((s) => `<tr><td>${esc(s.system)}</td><td>${int(s.outputTokensPerSecond)}</td><td>${int(s.totalTokensPerSecond)}</td><td>${cell(s.usdPerHour, 4)}</td><td>${cell(s.usdPerMillionOutputTokens)}</td><td>${cell(s.usdPerMillionTotalTokens)}</td><td>${cell(s.averagePowerKw)}</td><td>${cell(s.joulesPerOutputToken)}</td><td>${cell(s.busyImbalance)}</td><td>${int(s.sessionMoves)}</td><td>${[...s.overload.map((o) => o.message), ...s.uncalibrated.map(uncalibratedNote)].map(esc).join('<br>')}</td></tr>`).join('\n');
  const warnings = r.summaries.flatMap((s) => s.classes.flatMap((c) => outcomeWarnings(s.system, c)));
  const replicaRows = r.summaries.flatMap((s) => s.replicas.map((x) => `<tr><td>${esc(x.replica)}</td><td>${int(x.requests)}</td><td>${(100 * x.busyShare).toFixed(1)}%</td><td>${(100 * x.kvPeak).toFixed(1)}%</td></tr>`)).join('\n');
  const summaryRows = r.rows.map((x) => `<tr>${Object.values(x).map((v) => `<td>${typeof v === 'number' ? cell(v, 4) : esc(v)}</td>`).join('')}</tr>`).join('\n');
  const summaryHead = Object.keys(r.rows[0] ?? {}).map((k) => `<th>${esc(k)}</th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)} — wafersim</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1320px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#333}.axis-label{font-size:12px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
th{background:#f4f4f4}.note{color:#555}
</style></head><body>
<h1>${esc(r.title)}</h1>
<p>${esc(r.description)}</p>
<p class="note">wafersim ${esc(r.version)}, seed ${r.seed}. Percentiles ${r.exact ? 'are exact (every request kept)' : `come from streaming histograms with ±${RELATIVE_ERROR * 100}% relative error`}.</p>
<h2>Per system and class</h2>
<table id="summary-table"><thead><tr><th>system</th><th>class</th><th>completed</th><th>rejected</th><th>unfinished</th><th>TTFT p50 ms</th><th>TTFT p99 ms</th><th>TPOT p50 ms</th><th>E2E p99 s</th><th>tok/s per user</th><th>job p90 min</th><th>SLO</th><th>cache hits</th></tr></thead><tbody>
${classRows}
</tbody></table>
${warnings.length ? `<ul id="outcome-warnings">${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
<table id="fleet-table"><thead><tr><th>system</th><th>output tok/s</th><th>total tok/s</th><th>$/hour</th><th>$/M output tokens</th><th>$/M total tokens</th><th>kW</th><th>J/output token</th><th>busy max/mean</th><th>session moves</th><th>load</th></tr></thead><tbody>
${fleetRows}
</tbody></table>
<p class="note">Measured window: ${cell(r.summaries[0]?.seconds / 60)} minutes (warm-up and drain left out; requests sent outside it are served and counted in summary.csv as outside_window_*).</p>
<h2>Load per replica</h2>
<table id="replica-table"><thead><tr><th>replica</th><th>requests</th><th>busy</th><th>peak KV</th></tr></thead><tbody>
${replicaRows}
</tbody></table>
<h2>Charts</h2>
<div class="charts">
${charts.join('\n')}
</div>
${(r.extraSections ?? []).join('\n')}
<h2>All summary numbers</h2>
<table id="all-rows"><thead><tr>${summaryHead}</tr></thead><tbody>
${summaryRows}
</tbody></table>
</body></html>
`;
}
