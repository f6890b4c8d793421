/** Small SVG charts drawn with d3-scale: lines, grouped bars and stacked bars, as strings. */
import { scaleBand, scaleLinear, scaleLog, scaleOrdinal } from 'd3-scale';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const W = 640;
const H = 300;
const M = { top: 20, right: 20, bottom: 44, left: 64 };

export const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fmt = (x: number) => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(3)).toString());

export interface Series {
  name: string;
  points: [number, number][];
}

function frame(id: string, title: string, body: string, xLabel: string, yLabel: string): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" data-chart="${id}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${body}
<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 6}" text-anchor="middle" class="axis-label">${esc(xLabel)}</text>
<text transform="translate(14 ${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis-label">${esc(yLabel)}</text></svg></figure>`;
}

function axes(x: { ticks(n: number): number[]; (v: number): number }, y: { ticks(n: number): number[]; (v: number): number }, logX = false): string {
  // A log axis gets 1–2–5 ticks only, so labels do not run into each other.
  const xTicks = logX ? x.ticks(6).filter((t) => /^[125]$/.test(t.toExponential(0)[0]) && Number(t.toExponential(0).split('e')[0]) < 6 && [1, 2, 5].includes(Number(t.toExponential(0)[0]))) : x.ticks(6);
  const xt = xTicks.map((t) => `<g transform="translate(${x(t)} ${H - M.bottom})"><line y2="5" stroke="#555"/><text y="18" text-anchor="middle">${fmt(t)}</text></g>`).join('');
  const yt = y.ticks(5).map((t) => `<g transform="translate(${M.left} ${y(t)})"><line x2="-5" stroke="#555"/><line x2="${W - M.left - M.right}" stroke="#eee"/><text x="-8" dy="4" text-anchor="end">${fmt(t)}</text></g>`).join('');
  return `<g class="axis">${xt}${yt}<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#555"/><line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#555"/></g>`;
}

function legend(names: string[], color: (n: string) => string): string {
  return names.map((n, i) => `<g transform="translate(${M.left + 10} ${M.top + 4 + i * 16})"><rect width="10" height="10" fill="${color(n)}"/><text x="14" y="9">${esc(n)}</text></g>`).join('');
}

export function lineChart(id: string, title: string, series: Series[], o: { xLabel: string; yLabel: string; logX?: boolean }): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0])).filter((v) => Number.isFinite(v) && (!o.logX || v > 0));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  if (xs.length === 0) return frame(id, title, '<text x="50%" y="50%" text-anchor="middle">no data</text>', o.xLabel, o.yLabel);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const x = (o.logX && x0 > 0 ? scaleLog().domain([x0, Math.max(x1, x0 * 1.01)]) : scaleLinear().domain([Math.min(0, x0), x1 || 1])).range([M.left, W - M.right]).nice();
  const y = scaleLinear().domain([0, Math.max(...ys, 1e-9)]).range([H - M.bottom, M.top]).nice();
  const color = scaleOrdinal<string, string>().domain(series.map((s) => s.name)).range(PALETTE);
  const paths = series.map((s) => {
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!o.logX || p[0] > 0));
    if (pts.length === 0) return '';
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    return `<path class="mark" d="${d}" fill="none" stroke="${color(s.name)}" stroke-width="2"><title>${esc(s.name)}</title></path>`;
  });
  return frame(id, title, axes(x, y, o.logX) + paths.join('') + legend(series.map((s) => s.name), color), o.xLabel, o.yLabel);
}

export interface Bar {
  group: string;
  parts: { name: string; value: number }[];
}

/** Horizontal bars, one per group, made of stacked parts. */
export function stackedBars(id: string, title: string, bars: Bar[], o: { xLabel: string }): string {
  const names = [...new Set(bars.flatMap((b) => b.parts.map((p) => p.name)))];
  const color = scaleOrdinal<string, string>().domain(names).range(PALETTE);
  const total = Math.max(...bars.map((b) => b.parts.reduce((s, p) => s + (Number.isFinite(p.value) ? Math.max(0, p.value) : 0), 0)), 1e-9);
  const left = 250;
  const x = scaleLinear().domain([0, total]).range([left, W - M.right]).nice();
  const y = scaleBand().domain(bars.map((b) => b.group)).range([M.top + 20, H - M.bottom]).padding(0.25);
  const rects = bars.map((b) => {
    let at = 0;
    return b.parts.map((p) => {
      const v = Number.isFinite(p.value) ? Math.max(0, p.value) : 0;
      const r = `<rect class="mark" x="${x(at).toFixed(1)}" y="${y(b.group)!.toFixed(1)}" width="${(x(at + v) - x(at)).toFixed(1)}" height="${y.bandwidth().toFixed(1)}" fill="${color(p.name)}"><title>${esc(`${b.group}: ${p.name} ${fmt(v)}`)}</title></rect>`;
      at += v;
      return r;
    }).join('') + `<text x="${left - 6}" y="${(y(b.group)! + y.bandwidth() / 2 + 4).toFixed(1)}" text-anchor="end">${esc(b.group)}</text>`;
  });
  const ticks = x.ticks(6).map((t) => `<g transform="translate(${x(t)} ${H - M.bottom})"><line y2="5" stroke="#555"/><text y="18" text-anchor="middle">${fmt(t)}</text></g>`).join('');
  const key = names.map((n, i) => `<g transform="translate(${left + i * 78} ${M.top - 6})"><rect width="10" height="10" fill="${color(n)}"/><text x="13" y="9">${esc(n)}</text></g>`).join('');
  return frame(id, title, ticks + rects.join('') + key, o.xLabel, '');
}

/** Vertical bars: one panel per measure, one bar per system. */
export function barPanels(id: string, title: string, measures: { name: string; values: { label: string; value: number }[] }[]): string {
  const panelW = (W - 20) / measures.length;
  const labels = [...new Set(measures.flatMap((m) => m.values.map((v) => v.label)))];
  const color = scaleOrdinal<string, string>().domain(labels).range(PALETTE);
  const body = measures.map((m, i) => {
    const x = scaleBand().domain(labels).range([i * panelW + 30, (i + 1) * panelW - 10]).padding(0.2);
    const max = Math.max(...m.values.map((v) => (Number.isFinite(v.value) ? v.value : 0)), 1e-9);
    const y = scaleLinear().domain([0, max]).range([H - M.bottom, M.top + 20]).nice();
    const bars = m.values.filter((v) => Number.isFinite(v.value)).map((v) => `<rect class="mark" x="${x(v.label)!.toFixed(1)}" y="${y(v.value).toFixed(1)}" width="${x.bandwidth().toFixed(1)}" height="${(H - M.bottom - y(v.value)).toFixed(1)}" fill="${color(v.label)}"><title>${esc(`${v.label}: ${fmt(v.value)} ${m.name}`)}</title></rect><text x="${(x(v.label)! + x.bandwidth() / 2).toFixed(1)}" y="${(y(v.value) - 4).toFixed(1)}" text-anchor="middle">${fmt(v.value)}</text>`).join('');
    return `<text x="${i * panelW + panelW / 2}" y="${M.top + 4}" text-anchor="middle" font-weight="bold">${esc(m.name)}</text>${bars}<line x1="${i * panelW + 30}" x2="${(i + 1) * panelW - 10}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#555"/>`;
  }).join('');
  const key = labels.map((n, i) => `<g transform="translate(${30 + i * 150} ${H - 22})"><rect width="10" height="10" fill="${color(n)}"/><text x="14" y="9">${esc(n)}</text></g>`).join('');
  return frame(id, title, body + key, '', '');
}
