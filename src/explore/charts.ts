/**
 * The page's charts as SVG strings, scales from d3-scale (as report/svg.ts draws the run report).
 * Every drawn datum has class "mark"; numbers a test reads carry data-value.
 */
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';
import type { DecodePoint } from '../domain/explanation.js';
import { formatBytes, formatSeconds, formatTokens } from './format.js';
import { BIN_COUNT, binEdgesMs } from './histogram.js';
import { PARTS, type MemoryPicture, type StepParts } from './compute.js';

export const COLOURS = { a: '#d9480f', b: '#1c7ed6' };
const PART_COLOURS = { compute: '#5c7cfa', memory: '#20c997', communication: '#fab005', overhead: '#adb5bd' };
const CONTEXT_COLOUR = '#e64980';

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function svg(id: string, width: number, height: number, body: string, label: string): string {
  return `<svg class="chart" data-chart="${id}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}" preserveAspectRatio="xMinYMin meet">${body}</svg>`;
}

const LEGEND_ITEM = 118;

/** Legend rows that fit `width`; returns the SVG and the height it takes. */
function legend(items: [string, string][], x: number, width: number): { svg: string; height: number } {
  const perRow = Math.max(1, Math.floor((width - x) / LEGEND_ITEM));
  const svg = items.map(([name, colour], i) => `<g transform="translate(${x + (i % perRow) * LEGEND_ITEM},${4 + Math.floor(i / perRow) * 18})"><rect width="10" height="10" fill="${colour}"/><text x="14" y="9" class="small">${esc(name)}</text></g>`).join('');
  return { svg, height: Math.ceil(items.length / perRow) * 18 + 6 };
}

/** Memory of both systems on one scale: weights, KV held by the batch, KV room left, the rest. */
export function memoryChart(rows: { name: string; m: MemoryPicture }[], W = 640): string {
  const right = 24, rowH = 24;
  const max = Math.max(...rows.map((r) => r.m.capacityBytes));
  const x = scaleLinear().domain([0, max]).range([0, W - right]);
  const items: [string, string][] = [['weights', '#495057'], ['KV of this batch', CONTEXT_COLOUR], ['KV room free', '#f3d9fa'], ['reserve', '#e9ecef']];
  const lg = legend(items, 0, W);
  const body = rows.map(({ name, m }, i) => {
    const y = lg.height + i * (rowH + 26);
    const other = Math.max(0, m.capacityBytes - m.weightsBytes - m.kvRoomBytes);
    const segs: [string, number, string][] = [['weights', m.weightsBytes, items[0][1]], ['KV of this batch', m.kvInUseBytes, items[1][1]], ['KV room free', m.kvRoomBytes - m.kvInUseBytes, items[2][1]], ['reserve', other, items[3][1]]];
    let at = 0;
    const rects = segs.map(([what, bytes, colour]) => {
      const r = `<rect class="mark" data-part="${what}" data-value="${bytes}" x="${x(at)}" y="${y + 16}" width="${Math.max(0, x(at + bytes) - x(at))}" height="${rowH}" fill="${colour}"><title>${what}: ${formatBytes(bytes)}</title></rect>`;
      at += bytes;
      return r;
    }).join('');
    return `<text x="0" y="${y + 12}" class="small">${esc(name)}: ${m.kind} ${formatBytes(m.capacityBytes)}</text>${rects}`;
  }).join('');
  const axisY = lg.height + rows.length * (rowH + 26) + 8;
  const ticks = x.ticks(W < 500 ? 3 : 5).map((t) => `<text x="${x(t)}" y="${axisY}" class="small" text-anchor="${t === 0 ? 'start' : 'middle'}">${formatBytes(t)}</text>`).join('');
  return svg('memory', W, axisY + 6, lg.svg + body + ticks, 'Memory of each system, drawn to one scale');
}

/** Users that fit against context length (log–log), with the current context and each system's cliff. */
export function contextChart(rows: { name: string; colour: string; m: MemoryPicture }[], context: number, W = 640): string {
  const H = 260, left = 60, bottom = 40, top = 28, right = 20;
  const all = rows.flatMap((r) => r.m.usersByContext);
  const maxContext = Math.max(...all.map((p) => p.context), context, 2048);
  const x = scaleLog().domain([1024, maxContext]).range([left, W - right]).clamp(true);
  const y = scaleLog().domain([0.8, Math.max(10, ...all.map((p) => p.users))]).range([H - bottom, top]).clamp(true);
  const lines = rows.map(({ colour, m, name }) => {
    const pts = m.usersByContext.filter((p) => p.users > 0);
    const path = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.context).toFixed(1)},${y(p.users).toFixed(1)}`).join('');
    const cliff = m.maxContext > 0 ? `<line class="mark cliff" data-value="${m.maxContext}" x1="${x(m.maxContext)}" x2="${x(m.maxContext)}" y1="${top}" y2="${H - bottom}" stroke="${colour}" stroke-dasharray="4 3"><title>${esc(name)}: one sequence fits up to ${formatTokens(m.maxContext)} tokens</title></line>` : '';
    return `<path class="mark" d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>${pts.map((p) => `<circle class="mark" cx="${x(p.context)}" cy="${y(p.users)}" r="3" fill="${colour}"><title>${esc(name)}: ${p.users} users at ${formatTokens(p.context)}</title></circle>`).join('')}${cliff}`;
  }).join('');
  const now = `<line x1="${x(Math.max(1024, context))}" x2="${x(Math.max(1024, context))}" y1="${top}" y2="${H - bottom}" stroke="#212529"/><text x="${x(Math.max(1024, context)) + (x(Math.max(1024, context)) > W - 90 ? -4 : 4)}" y="${top + 10}" class="small" text-anchor="${x(Math.max(1024, context)) > W - 90 ? 'end' : 'start'}">this context</text>`;
  const xt = [1024, 4096, 16384, 65536, 262144, 1048576].filter((t) => t <= maxContext).map((t) => `<text x="${x(t)}" y="${H - bottom + 16}" class="small" text-anchor="middle">${formatTokens(t)}</text>`).join('');
  const yt = y.ticks(4).filter((t) => [1, 10, 100, 1000, 10000, 100000].includes(t)).map((t) => `<text x="${left - 6}" y="${y(t) + 4}" class="small" text-anchor="end">${t}</text>`).join('');
  const axes = `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#868e96"/><text x="${(left + W) / 2}" y="${H - 6}" class="small" text-anchor="middle">context per user (tokens)</text><text x="0" y="12" class="small">users that fit</text>`;
  return svg('context', W, H, axes + xt + yt + lines + now, 'Users that fit against context length');
}

/** One step of each system as stacked parts (weights' share, then the context's share in pink); the black tick is the step time. */
export function stepChart(groups: { label: string; rows: { name: string; colour: string; step: StepParts }[] }[], W = 640): string {
  const right = 64, rowH = 16;
  const items: [string, string][] = [...PARTS.map((p): [string, string] => [p, PART_COLOURS[p]]), ['attention/KV', CONTEXT_COLOUR]];
  const lg = legend(items, 0, W);
  let y = lg.height + 4;
  const body = groups.map((g) => {
    const max = Math.max(...g.rows.map((r) => Math.max(r.step.seconds, PARTS.reduce((a, p) => a + r.step.base[p] + Math.max(0, r.step.context[p]), 0))));
    const x = scaleLinear().domain([0, max || 1]).range([0, W - right]);
    const head = `<text x="0" y="${y + 12}" class="small strong">${esc(g.label)}</text>`;
    y += 18;
    const rows = g.rows.map((r) => {
      let at = 0;
      const top = y + 15;
      const seg = (what: string, v: number, colour: string) => {
        if (!(v > 0)) return '';
        const s = `<rect class="mark" data-part="${what}" data-value="${v}" x="${x(at)}" y="${top}" width="${x(at + v) - x(at)}" height="${rowH}" fill="${colour}"><title>${esc(r.name)} ${what}: ${formatSeconds(v)}</title></rect>`;
        at += v;
        return s;
      };
      const bars = PARTS.map((p) => seg(p, r.step.base[p], PART_COLOURS[p]) + seg(`${p} (context)`, r.step.context[p], CONTEXT_COLOUR)).join('');
      const tick = `<line class="mark" data-part="step" data-value="${r.step.seconds}" x1="${x(r.step.seconds)}" x2="${x(r.step.seconds)}" y1="${top - 3}" y2="${top + rowH + 3}" stroke="#212529" stroke-width="2"/>`;
      const text = `<text x="0" y="${y + 11}" class="small" fill="${r.colour}">${esc(r.name)}</text><text x="${W - right + 4}" y="${top + 12}" class="small">${formatSeconds(r.step.seconds)}</text>`;
      y += rowH + 22;
      return text + bars + tick;
    }).join('');
    y += 6;
    return head + rows;
  }).join('');
  return svg('steps', W, y + 4, lg.svg + body, 'One decode step and one prefill, broken down, for both systems');
}

/** Per-user speed against total throughput as the batch grows (log–log); the ring is this batch. */
export function rooflineChart(rows: { name: string; colour: string; curve: DecodePoint[]; point: DecodePoint }[], W = 640): string {
  const H = 280, left = 64, bottom = 40, top = 16, right = 20;
  const pts = rows.flatMap((r) => [...r.curve, r.point]);
  const x = scaleLog().domain([Math.min(...pts.map((p) => p.tokensPerSecondTotal)) * 0.8, Math.max(...pts.map((p) => p.tokensPerSecondTotal)) * 1.2]).range([left, W - right]);
  const y = scaleLog().domain([Math.min(...pts.map((p) => p.tokensPerSecondPerUser)) * 0.8, Math.max(...pts.map((p) => p.tokensPerSecondPerUser)) * 1.2]).range([H - bottom, top]);
  const lines = rows.map((r) => {
    const path = r.curve.map((p, i) => `${i ? 'L' : 'M'}${x(p.tokensPerSecondTotal).toFixed(1)},${y(p.tokensPerSecondPerUser).toFixed(1)}`).join('');
    const dots = r.curve.map((p) => `<circle class="mark" cx="${x(p.tokensPerSecondTotal)}" cy="${y(p.tokensPerSecondPerUser)}" r="3" fill="${r.colour}"><title>${esc(r.name)} batch ${p.batch}: ${Math.round(p.tokensPerSecondPerUser)} tok/s per user, ${Math.round(p.tokensPerSecondTotal)} total (${p.bound}-bound)</title></circle>`).join('');
    const op = `<circle class="mark operating" data-value="${r.point.tokensPerSecondPerUser}" cx="${x(r.point.tokensPerSecondTotal)}" cy="${y(r.point.tokensPerSecondPerUser)}" r="8" fill="none" stroke="${r.colour}" stroke-width="3"><title>${esc(r.name)} at this batch (${r.point.batch}): ${r.point.bound}-bound</title></circle>`;
    return `<path class="mark" d="${path}" fill="none" stroke="${r.colour}" stroke-width="2"/>${dots}${op}`;
  }).join('');
  const fmt = (v: number) => (v >= 1000 ? `${Math.round(v / 1000)}k` : `${Math.round(v)}`);
  const xt = x.ticks(5).filter((t) => /^[1]0*$/.test(String(t))).map((t) => `<text x="${x(t)}" y="${H - bottom + 16}" class="small" text-anchor="middle">${fmt(t)}</text>`).join('');
  const yt = y.ticks(5).filter((t) => /^[1]0*$/.test(String(t))).map((t) => `<text x="${left - 6}" y="${y(t) + 4}" class="small" text-anchor="end">${fmt(t)}</text>`).join('');
  const axes = `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#868e96"/><line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#868e96"/><text x="${(left + W) / 2}" y="${H - 6}" class="small" text-anchor="middle">total tokens/s of a replica</text><text x="${left + 6}" y="${top + 4}" class="small">tokens/s per user</text>`;
  return svg('roofline', W, H, axes + xt + yt + lines, 'Per-user speed against total throughput as the batch grows');
}

/** A latency histogram of both systems (log-spaced bins), counts as bars side by side. */
export function histogramChart(id: string, title: string, rows: { name: string; colour: string; counts: number[] }[], W = 640): string {
  const H = 200, left = 40, bottom = 36, top = 20, right = 10;
  const used = rows.flatMap((r) => r.counts.map((c, i) => (c > 0 ? i : -1))).filter((i) => i >= 0);
  const lo = used.length ? Math.max(0, Math.min(...used) - 1) : 0;
  const hi = used.length ? Math.min(BIN_COUNT - 1, Math.max(...used) + 1) : BIN_COUNT - 1;
  const bins = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const x = scaleBand<number>().domain(bins).range([left, W - right]).padding(0.1);
  const sub = scaleBand<number>().domain(rows.map((_, i) => i)).range([0, x.bandwidth()]);
  const share = rows.map((r) => { const n = r.counts.reduce((a, b) => a + b, 0); return r.counts.map((c) => (n ? c / n : 0)); });
  const y = scaleLinear().domain([0, Math.max(0.01, ...share.flat())]).range([H - bottom, top]);
  const bars = rows.map((r, k) => bins.filter((b) => r.counts[b] > 0).map((b) => `<rect class="mark" data-count="${r.counts[b]}" x="${x(b)! + sub(k)!}" y="${y(share[k][b])}" width="${sub.bandwidth()}" height="${H - bottom - y(share[k][b])}" fill="${r.colour}"><title>${esc(r.name)}: ${r.counts[b]} requests ${formatSeconds(binEdgesMs(b)[0] / 1000)}–${formatSeconds(binEdgesMs(b)[1] / 1000)}</title></rect>`).join('')).join('');
  const every = x.step() * 8 >= 64 ? 8 : 16;
  const ticks = bins.filter((b) => b % every === 0).map((b) => `<text x="${x(b)}" y="${H - bottom + 14}" class="small">${formatSeconds(binEdgesMs(b)[0] / 1000)}</text>`).join('');
  const axes = `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#868e96"/><text x="${left}" y="${top - 6}" class="small strong">${esc(title)}</text><text x="${(left + W) / 2}" y="${H - 4}" class="small" text-anchor="middle">share of requests (log-spaced bins)</text>`;
  return svg(id, W, H, axes + ticks + bars, title);
}

/** Mean time of one finished agent task, by where it went, for both systems. */
export function taskChart(rows: { name: string; colour: string; parts: [string, number][] }[], W = 640): string {
  const right = 64, rowH = 18;
  const colours = ['#adb5bd', '#868e96', '#fab005', '#f08c00', '#5c7cfa', '#20c997'];
  const max = Math.max(1e-9, ...rows.map((r) => r.parts.reduce((a, [, v]) => a + v, 0)));
  const x = scaleLinear().domain([0, max]).range([0, W - right]);
  const lg = legend((rows[0]?.parts ?? []).map(([n], j) => [n, colours[j % colours.length]]), 0, W);
  const body = rows.map((r, i) => {
    const y = lg.height + 4 + i * (rowH + 24);
    let at = 0;
    const segs = r.parts.map(([n, v], j) => {
      const s = `<rect class="mark" data-part="${n}" data-value="${v}" x="${x(at)}" y="${y + 16}" width="${Math.max(0, x(at + v) - x(at))}" height="${rowH}" fill="${colours[j % colours.length]}"><title>${esc(r.name)} ${n}: ${formatSeconds(v)}</title></rect>`;
      at += v;
      return s;
    }).join('');
    return `<text x="0" y="${y + 11}" class="small" fill="${r.colour}">${esc(r.name)}</text>${segs}<text x="${x(at) + 4}" y="${y + 29}" class="small">${formatSeconds(at)}</text>`;
  }).join('');
  return svg('task', W, lg.height + 8 + rows.length * (rowH + 24), lg.svg + body, 'Where the time of one agent task goes');
}
