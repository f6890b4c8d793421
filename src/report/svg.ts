/**
 * SVG charts drawn with d3-scale, as strings: lines (with markers, reference lines and log axes),
 * scatter, stacked bars and bar panels. Text is laid out so that no two labels overlap: tick labels
 * are thinned by their estimated width, legends sit below the plot (never over the data) and wrap,
 * and the left margin grows with the widest tick label.
 */
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';

/** Colour-blind-safe (Okabe–Ito, then Tableau) colours, one per system in every chart. */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7f7f7f', '#8c564b', '#bcbd22', '#17becf'];

const W = 640;
const PLOT_H = 240;
const TOP = 14;
const RIGHT = 20;
const CHAR = 6.6; // px per character at 11px (a generous estimate: labels must never touch)
const LINE = 16;

export const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A tick label: 1.5M, 50k, 0.25, 3; short so neighbours do not run together. */
export function tickText(x: number): string {
  const a = Math.abs(x);
  const trim = (v: number) => Number(v.toPrecision(3)).toString();
  if (a >= 1e9) return `${trim(x / 1e9)}G`;
  if (a >= 1e6) return `${trim(x / 1e6)}M`;
  if (a >= 1e4) return `${trim(x / 1e3)}k`;
  return trim(x);
}

const textWidth = (s: string) => s.length * CHAR;

export interface Series {
  name: string;
  points: [number, number][];
  color: string;
  dashed?: boolean;
  /** Draw a marker at each point (sweeps, plans, scatter). */
  markers?: boolean;
  /** Points only, no line. */
  scatter?: boolean;
}

export interface RefLine {
  axis: 'x' | 'y';
  value: number;
  label: string;
  color: string;
}

export interface LineOptions {
  xLabel: string;
  yLabel: string;
  /** 'auto': log when every value is positive and they span two decades or more. */
  logX?: boolean | 'auto';
  logY?: boolean | 'auto';
  /** x counts whole things (replicas): ticks only at integers. */
  integerX?: boolean;
  refs?: RefLine[];
  /** Highlighted points (a plan's chosen fleet), drawn as rings. */
  highlight?: { x: number; y: number; color: string; label: string }[];
}

type Scale = { (v: number): number; ticks(n?: number): number[]; domain(): number[] };

function useLog(values: number[], option: boolean | 'auto' | undefined): boolean {
  if (!option) return false;
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return false;
  if (option === true) return true;
  return positive.length === values.length && Math.max(...positive) / Math.min(...positive) >= 100;
}

function scale(values: number[], log: boolean, range: [number, number], zero: boolean): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (log) {
    if (hi <= lo) [lo, hi] = [lo / 2, hi * 2];
    return scaleLog().domain([lo, hi]).range(range).nice() as unknown as Scale;
  }
  if (zero) lo = Math.min(0, lo);
  if (hi <= lo) hi = lo + (Math.abs(lo) || 1);
  return scaleLinear().domain([lo, hi]).range(range).nice() as unknown as Scale;
}

/** Ticks whose labels fit side by side (x) or one above another (y). */
function ticksOf(s: Scale, log: boolean, along: 'x' | 'y', integer = false): number[] {
  let ticks = s.ticks(along === 'x' ? 7 : 6);
  if (log) {
    const lead = (t: number) => Number(t.toExponential(0)[0]);
    ticks = ticks.filter((t) => [1, 2, 5].includes(lead(t)));
    if (ticks.length > 7) ticks = ticks.filter((t) => lead(t) === 1);
    if (ticks.length < 2) ticks = s.domain();
  }
  if (integer) ticks = integerTicks(ticks, s.domain());
  const kept: number[] = [];
  let last = -Infinity;
  for (const t of [...ticks].sort((a, b) => s(a) - s(b))) {
    const size = along === 'x' ? textWidth(tickText(t)) : LINE;
    const pos = s(t);
    if (pos - last >= size + 6) {
      kept.push(t);
      last = pos;
    }
  }
  return kept;
}

/** Whole-number ticks: the scale's integer ticks, or every integer of the domain when fewer than two are. */
export function integerTicks(ticks: number[], domain: number[]): number[] {
  const whole = ticks.filter((t) => Number.isInteger(t));
  if (whole.length >= 2) return whole;
  const [lo, hi] = [Math.ceil(Math.min(...domain)), Math.floor(Math.max(...domain))];
  return Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
}

interface LegendItem {
  name: string;
  color: string;
  dashed?: boolean;
  marker?: boolean;
}

/** Legend rows below the plot: items wrap to the chart's width. */
function legend(items: LegendItem[], top: number, left: number): { svg: string; height: number } {
  if (items.length < 2) return { svg: '', height: 0 };
  let x = left;
  let y = top;
  const parts: string[] = [];
  for (const it of items) {
    const w = 24 + textWidth(it.name) + 14;
    if (x + w > W - 4 && x > left) {
      x = left;
      y += LINE;
    }
    const swatch = `<line x1="0" x2="18" y1="5" y2="5" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5 3"' : ''}/>${it.marker ? `<circle cx="9" cy="5" r="3" fill="${it.color}"/>` : ''}`;
    parts.push(`<g class="legend-item" transform="translate(${x.toFixed(1)} ${y})">${swatch}<text x="24" y="9">${esc(it.name)}</text></g>`);
    x += w;
  }
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: y - top + LINE + 4 };
}

/** `series`: how many series the chart draws (a legend names them when there are several). */
function figure(id: string, title: string, height: number, body: string, note = '', series = 0): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" data-chart="${id}" data-series="${series}" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${esc(title)}">${body}</svg>${note ? `<p class="note">${esc(note)}</p>` : ''}</figure>`;
}

export function emptyChart(id: string, title: string, why: string): string {
  return figure(id, title, 60, `<text x="${W / 2}" y="34" text-anchor="middle">${esc(why)}</text>`);
}

/** Axes, ticks and titles around the plot [left, W − RIGHT] × [TOP, TOP + PLOT_H]. */
function axes(x: Scale, y: Scale, logX: boolean, logY: boolean, left: number, o: { xLabel: string; yLabel: string; integerX?: boolean }): string {
  const bottom = TOP + PLOT_H;
  const xt = ticksOf(x, logX, 'x', o.integerX).map((t) => `<g transform="translate(${x(t).toFixed(1)} ${bottom})"><line y2="5" stroke="#555"/><text y="21" text-anchor="middle">${tickText(t)}</text></g>`).join('');
  const yt = ticksOf(y, logY, 'y').map((t) => `<g transform="translate(${left} ${y(t).toFixed(1)})"><line x2="-5" stroke="#555"/><line x2="${W - RIGHT - left}" stroke="#eee"/><text x="-8" dy="4" text-anchor="end">${tickText(t)}</text></g>`).join('');
  const frame = `<line x1="${left}" x2="${W - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#555"/><line x1="${left}" x2="${left}" y1="${TOP}" y2="${bottom}" stroke="#555"/>`;
  const titles = `<text class="axis-title" x="${(left + W - RIGHT) / 2}" y="${bottom + 40}" text-anchor="middle">${esc(o.xLabel)}</text><text class="axis-title" transform="translate(14 ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`;
  return `<g class="axis">${yt}${xt}${frame}</g>${titles}`;
}

/** Lines (or points) of several series, sharing axes; log axes where values span decades. */
export function lineChart(id: string, title: string, series: Series[], o: LineOptions, note = ''): string {
  const finite = (p: [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]);
  const pts = series.flatMap((s) => s.points.filter(finite));
  if (pts.length === 0) return emptyChart(id, title, 'no data');
  const refX = (o.refs ?? []).filter((r) => r.axis === 'x' && Number.isFinite(r.value)).map((r) => r.value);
  const refY = (o.refs ?? []).filter((r) => r.axis === 'y' && Number.isFinite(r.value)).map((r) => r.value);
  const xs = [...pts.map((p) => p[0]), ...refX];
  const ys = [...pts.map((p) => p[1]), ...refY];
  const logX = useLog(xs, o.logX);
  const logY = useLog(ys, o.logY);
  const y = scale(ys, logY, [TOP + PLOT_H, TOP], true);
  const yLabels = ticksOf(y, logY, 'y').map(tickText);
  const left = Math.max(52, 30 + Math.max(...yLabels.map(textWidth)));
  // x starts at zero only when the data come near it (a sweep over 0.5–0.95 keeps its own range).
  const x = scale(xs, logX, [left, W - RIGHT], !logX && Math.min(...xs) <= 0.3 * Math.max(...xs));
  const ok = (p: [number, number]) => finite(p) && (!logX || p[0] > 0) && (!logY || p[1] > 0);
  const marks = series.map((s) => {
    const p = s.points.filter(ok);
    if (p.length === 0) return '';
    const at = (q: [number, number]) => `${x(q[0]).toFixed(1)},${y(q[1]).toFixed(1)}`;
    const line = s.scatter ? '' : `<path class="mark" d="M${p.map(at).join('L')}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}><title>${esc(s.name)}</title></path>`;
    const dots = s.markers || s.scatter ? p.map((q) => `<circle class="mark" cx="${x(q[0]).toFixed(1)}" cy="${y(q[1]).toFixed(1)}" r="${s.scatter ? 5 : 3.5}" fill="${s.color}"><title>${esc(`${s.name}: ${tickText(q[0])}, ${tickText(q[1])}`)}</title></circle>`).join('') : '';
    return line + dots;
  }).join('');
  // Reference lines (SLO targets): labels stacked at the plot's top (x) or right (y), never on each other.
  const refs = (o.refs ?? []).filter((r) => Number.isFinite(r.value) && (r.axis === 'x' ? !logX || r.value > 0 : !logY || r.value > 0)).map((r, i) => {
    if (r.axis === 'x') {
      const at = x(r.value);
      const anchor = at > (left + W - RIGHT) / 2 ? 'end' : 'start';
      return `<g class="ref"><line x1="${at.toFixed(1)}" x2="${at.toFixed(1)}" y1="${TOP}" y2="${TOP + PLOT_H}" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="2 3"/><text x="${(at + (anchor === 'end' ? -4 : 4)).toFixed(1)}" y="${TOP + 12 + i * LINE}" text-anchor="${anchor}" fill="${r.color}">${esc(r.label)}</text></g>`;
    }
    const at = y(r.value);
    return `<g class="ref"><line x1="${left}" x2="${W - RIGHT}" y1="${at.toFixed(1)}" y2="${at.toFixed(1)}" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="2 3"/><text x="${W - RIGHT - 4}" y="${(at - 4 - i * LINE).toFixed(1)}" text-anchor="end" fill="${r.color}">${esc(r.label)}</text></g>`;
  }).join('');
  const rings = (o.highlight ?? []).filter((h) => ok([h.x, h.y])).map((h) => `<circle class="mark chosen" cx="${x(h.x).toFixed(1)}" cy="${y(h.y).toFixed(1)}" r="8" fill="none" stroke="${h.color}" stroke-width="2.5"><title>${esc(h.label)}</title></circle>`).join('');
  const items = series.map((s) => ({ name: s.name, color: s.color, dashed: s.dashed, marker: s.markers || s.scatter }));
  const leg = legend(items, TOP + PLOT_H + 54, left);
  const scaleNote = [logX ? 'x' : '', logY ? 'y' : ''].filter(Boolean).join(' and ');
  const fullNote = [scaleNote ? `Log scale on ${scaleNote}.` : '', note].filter(Boolean).join(' ');
  return figure(id, title, TOP + PLOT_H + 50 + leg.height, axes(x, y, logX, logY, left, o) + refs + marks + rings + leg.svg, fullNote, series.length);
}

export interface Bar {
  group: string;
  parts: { name: string; value: number }[];
}

/** Horizontal bars, one per group, made of stacked parts (coloured by part). */
export function stackedBars(id: string, title: string, bars: Bar[], o: { xLabel: string; colors: Record<string, string> }, note = ''): string {
  if (bars.length === 0) return emptyChart(id, title, 'no data');
  const names = [...new Set(bars.flatMap((b) => b.parts.map((p) => p.name)))];
  const clean = (v: number) => (Number.isFinite(v) ? Math.max(0, v) : 0);
  const total = Math.max(...bars.map((b) => b.parts.reduce((s, p) => s + clean(p.value), 0)), 1e-9);
  const left = Math.min(300, 16 + Math.max(...bars.map((b) => textWidth(b.group))));
  const band = 26;
  const plotH = bars.length * band + 8;
  const x = scaleLinear().domain([0, total]).range([left, W - RIGHT]).nice();
  const y = scaleBand().domain(bars.map((b) => b.group)).range([TOP, TOP + plotH]).padding(0.25);
  const rects = bars.map((b) => {
    let at = 0;
    const parts = b.parts.map((p) => {
      const v = clean(p.value);
      const r = `<rect class="mark" x="${x(at).toFixed(1)}" y="${y(b.group)!.toFixed(1)}" width="${(x(at + v) - x(at)).toFixed(1)}" height="${y.bandwidth().toFixed(1)}" fill="${o.colors[p.name]}"><title>${esc(`${b.group}: ${p.name} ${tickText(v)}`)}</title></rect>`;
      at += v;
      return r;
    }).join('');
    return `${parts}<text x="${left - 6}" y="${(y(b.group)! + y.bandwidth() / 2 + 4).toFixed(1)}" text-anchor="end">${esc(b.group)}</text>`;
  }).join('');
  const bottom = TOP + plotH;
  const fake = { ticks: (n?: number) => x.ticks(n), domain: () => x.domain() } as unknown as Scale;
  const ticks = ticksOf(Object.assign((v: number) => x(v), fake), false, 'x').map((t) => `<g transform="translate(${x(t).toFixed(1)} ${bottom})"><line y2="5" stroke="#555"/><text y="21" text-anchor="middle">${tickText(t)}</text></g>`).join('');
  const axis = `<line x1="${left}" x2="${W - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#555"/><text class="axis-title" x="${(left + W - RIGHT) / 2}" y="${bottom + 40}" text-anchor="middle">${esc(o.xLabel)}</text>`;
  const leg = legend(names.map((n) => ({ name: n, color: o.colors[n] })), bottom + 54, 8);
  return figure(id, title, bottom + 50 + leg.height, ticks + axis + rects + leg.svg, note, names.length);
}

/** Vertical bars: one panel per measure, one bar per label (coloured by label). */
export function barPanels(id: string, title: string, measures: { name: string; values: { label: string; value: number }[] }[], colors: (label: string) => string): string {
  const labels = [...new Set(measures.flatMap((m) => m.values.map((v) => v.label)))];
  const panelW = (W - 20) / Math.max(1, measures.length);
  const plotTop = TOP + 26;
  const bottom = TOP + PLOT_H;
  const body = measures.map((m, i) => {
    const x = scaleBand().domain(labels).range([i * panelW + 24, (i + 1) * panelW - 8]).padding(0.2);
    const max = Math.max(...m.values.map((v) => (Number.isFinite(v.value) ? v.value : 0)), 1e-9);
    const y = scaleLinear().domain([0, max]).range([bottom, plotTop + 14]).nice();
    // Value labels only where they fit over their bar.
    const fits = m.values.every((v) => textWidth(tickText(v.value)) <= x.step());
    const bars = m.values.filter((v) => Number.isFinite(v.value)).map((v) => `<rect class="mark" x="${x(v.label)!.toFixed(1)}" y="${y(v.value).toFixed(1)}" width="${x.bandwidth().toFixed(1)}" height="${(bottom - y(v.value)).toFixed(1)}" fill="${colors(v.label)}"><title>${esc(`${v.label}: ${tickText(v.value)} ${m.name}`)}</title></rect>${fits ? `<text x="${(x(v.label)! + x.bandwidth() / 2).toFixed(1)}" y="${(y(v.value) - 4).toFixed(1)}" text-anchor="middle">${tickText(v.value)}</text>` : ''}`).join('');
    // A value that was not measured is marked in its own slot, so it is not mistaken for zero.
    const missing = m.values.filter((v) => !Number.isFinite(v.value)).map((v) => `<text x="${(x(v.label)! + x.bandwidth() / 2).toFixed(1)}" y="${bottom - 6}" text-anchor="middle">n/a</text>`).join('');
    return `<text class="axis-title" x="${(i * panelW + panelW / 2).toFixed(1)}" y="${TOP + 10}" text-anchor="middle">${esc(m.name)}</text>${bars}<line x1="${i * panelW + 24}" x2="${(i + 1) * panelW - 8}" y1="${bottom}" y2="${bottom}" stroke="#555"/>${missing}`;
  }).join('');
  const leg = legend(labels.map((l) => ({ name: l, color: colors(l) })), bottom + 14, 8);
  return figure(id, title, bottom + 10 + Math.max(leg.height, LINE), body + leg.svg, '', labels.length);
}
