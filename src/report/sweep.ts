/** report.html of a sweep: each figure against the first axis, with markers, log scales where needed, and the numbers in a table. */
import type { SystemSummary } from '../metrics/summary.js';
import { int, sig } from './format.js';
import { systemColors } from './html.js';
import { PAGE_STYLE } from './page.js';
import { esc, lineChart, type Series } from './svg.js';

export interface SweepAxisView {
  path: string;
  /** The axis title (the scenario's optional `label`; the field path otherwise). */
  label?: string;
}

export interface SweepPointView {
  index: number;
  repeat: number;
  values: { path: string; value: unknown }[];
  summaries: SystemSummary[];
}

type Class = SystemSummary['classes'][number];
interface Figure {
  id: string;
  label: string;
  value: (s: SystemSummary, c: Class) => number;
}

const FIGURES: Figure[] = [
  { id: 'completed', label: 'share of requests completed', value: (_s, c) => c.requests / Math.max(1, c.requests + c.rejected + c.unfinished + c.gaveUp) },
  { id: 'ttft_p99', label: 'TTFT p99, ms', value: (_s, c) => c.latency.ttft.p99 * 1000 },
  { id: 'tpot_median', label: 'TPOT median, ms', value: (_s, c) => c.latency.tpot.median * 1000 },
  { id: 'e2el_p99', label: 'E2E latency p99, s', value: (_s, c) => c.latency.e2el.p99 },
  { id: 'output_throughput', label: 'output tokens per second (class)', value: (s, c) => c.outputTokens / s.seconds },
  { id: 'usd_per_m', label: '$ per million output tokens (system)', value: (s) => s.usdPerMillionOutputTokens },
  { id: 'j_per_token', label: 'J per output token (system)', value: (s) => s.joulesPerOutputToken },
];

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const cell = (x: number) => (Number.isFinite(x) ? sig(x, 4) : '–');

export function axisTitle(a: SweepAxisView): string {
  return a.label ?? a.path;
}

/** The page: one chart per figure (x: the first axis; one series per system × class × other axes' values). */
export function sweepHtml(scenario: string, axes: SweepAxisView[], points: SweepPointView[]): string {
  const numeric = points.every((p) => typeof p.values[0]?.value === 'number');
  const xValues = [...new Set(points.map((p) => text(p.values[0]?.value)))];
  const xOf = (p: SweepPointView) => (numeric ? (p.values[0].value as number) : xValues.indexOf(text(p.values[0]?.value)) + 1);
  const systems = [...new Set(points.flatMap((p) => p.summaries.map((s) => s.system)))];
  const color = systemColors(systems);
  const classes: string[] = [...new Set(points.flatMap((p) => p.summaries.flatMap((s) => s.classes.map((c) => c.cls))))].sort();
  const rest = (p: SweepPointView) => p.values.slice(1).map((v, i) => `${axisTitle(axes[i + 1])} ${text(v.value)}`).join(', ');
  const xTitle = numeric ? axisTitle(axes[0]) : `${axisTitle(axes[0])} (${xValues.map((v, i) => `${i + 1}: ${v}`).join(', ')})`;
  const charts = FIGURES.map((f) => {
    // Repeats of a point are averaged.
    const acc = new Map<string, { system: string; cls: string; sums: Map<number, [number, number]> }>();
    for (const p of points) {
      for (const s of p.summaries) {
        for (const c of s.classes) {
          const key = `${s.system} ${c.cls}${rest(p) ? `, ${rest(p)}` : ''}`;
          const entry = acc.get(key) ?? acc.set(key, { system: s.system, cls: c.cls, sums: new Map() }).get(key)!;
          const v = f.value(s, c);
          const [sum, n] = entry.sums.get(xOf(p)) ?? [0, 0];
          if (Number.isFinite(v)) entry.sums.set(xOf(p), [sum + v, n + 1]);
        }
      }
    }
    const series: Series[] = [...acc].map(([name, e]) => ({ name, color: color(e.system), dashed: classes.indexOf(e.cls) > 0, markers: true, points: [...e.sums].sort(([a], [b]) => a - b).map(([x, [s, n]]) => [x, s / n] as [number, number]) }));
    return lineChart(`sweep-${f.id}`, `${f.label} against ${axisTitle(axes[0])}`, series, { xLabel: xTitle, yLabel: f.label, logX: numeric ? 'auto' : false, logY: 'auto' });
  });
  const head = ['point', ...axes.map(axisTitle), 'repeat', 'system', 'class', 'completed', 'rejected', 'unfinished', 'TTFT p99 ms', 'TPOT p50 ms', 'E2E p99 s', 'tok/s per user', '$/M output tok', 'J/output tok'];
  const rows = points.flatMap((p) => p.summaries.flatMap((s) => s.classes.map((c) => [
    String(p.index), ...p.values.map((v) => esc(text(v.value))), String(p.repeat), `<span class="swatch" style="background:${color(s.system)}"></span>${esc(s.system)}`, c.cls,
    int(c.requests), int(c.rejected), int(c.unfinished), cell(c.latency.ttft.p99 * 1000), cell(c.latency.tpot.median * 1000), cell(c.latency.e2el.p99), cell(c.tokensPerSecondPerUser), cell(s.usdPerMillionOutputTokens), cell(s.joulesPerOutputToken),
  ])));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(scenario)} sweep — wafersim</title><style>${PAGE_STYLE}</style></head><body>
<h1>Sweep of ${esc(scenario)}</h1>
<p>${points.length} points over ${axes.map((a) => esc(axisTitle(a))).join(' × ')}${points.some((p) => p.repeat > 0) ? '; repeats averaged in the charts' : ''}. Every figure is in sweep.csv.</p>
<div class="charts">
${charts.join('\n')}
</div>
<h2>The numbers</h2>
<table id="sweep-table"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}
