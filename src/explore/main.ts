/// <reference lib="dom" />
/**
 * The explorer page: settings ↔ URL, the views drawn from the simulator's own numbers, and the
 * small scenario run in a web worker (inlined as a Blob URL, so the page also works from file://).
 */
import { contextChart, COLOURS, histogramChart, memoryChart, rooflineChart, stepChart, taskChart } from './charts.js';
import { systemView, type SystemView } from './compute.js';
import { controlsHtml, readControls, runControlsHtml, writeControls } from './controls.js';
import { DATA, hardwareById, llmById } from './data.js';
import { formatNumber } from './format.js';
import type { FromWorker, SystemTally } from './messages.js';
import { resolvedScenario, scenarioYaml } from './scenario.js';
import { parseHash, toHash, type Settings } from './settings.js';
import { memoryText, rooflineText, runText, stepText } from './text.js';

declare const __WORKER_SOURCE__: string;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let settings: Settings;
let worker: Worker | undefined;
let lastTallies: SystemTally[] | undefined;

/** Charts are drawn at their container's width (in CSS pixels), so text stays readable on a phone. */
const widthOf = (id: string) => Math.max(300, Math.min(640, $(id).clientWidth || 640));

const known = { model: (id: string) => !!llmById(id), hardware: (id: string) => !!hardwareById(id) };

/** Key numbers of each system, as `wafersim explain --json` names them (data-value: the exact number). */
const FIELDS: [string, string][] = [
  ['weightsBytes', 'weights (bytes)'],
  ['kvBytesPerToken', 'KV bytes per token'],
  ['kvCapacityTokens', 'KV tokens that fit'],
  ['usersAtContext', 'users at this context'],
  ['minCount', 'fewest devices that fit'],
  ['decode.stepSeconds', 'decode step (s)'],
  ['decode.tokensPerSecondPerUser', 'tokens/s per user'],
  ['decode.tokensPerSecondTotal', 'tokens/s total'],
  ['prefill.seconds', 'prefill (s)'],
  ['maxThroughput.tokensPerSecondTotal', 'max tokens/s total'],
];

function valueAt(o: unknown, path: string): number {
  return path.split('.').reduce((v: any, k) => v?.[k], o) as number;
}

function numbersTable(views: SystemView[]): string {
  const head = `<tr><th scope="col">number</th>${views.map((v) => `<th scope="col" style="color:${COLOURS[v.which]}">${v.which.toUpperCase()}: ${v.explanation.count} × ${v.hardware.name}</th>`).join('')}</tr>`;
  const rows = FIELDS.map(([f, label]) => `<tr><th scope="row">${label}</th>${views.map((v) => {
    const x = valueAt(v.explanation, f);
    return `<td data-system="${v.which}" data-field="${f}" data-value="${x}">${formatNumber(x, 4)}</td>`;
  }).join('')}</tr>`).join('');
  return `<table id="numbers-table">${head}${rows}</table>`;
}

function render(): void {
  const results = (['a', 'b'] as const).map((w) => systemView(settings, w));
  const views = results.flatMap((r) => (r.ok ? [r.view] : []));
  $('problems').innerHTML = results.filter((r) => !r.ok).map((r) => `<p class="problem">System ${r.which.toUpperCase()}: ${r.ok ? '' : r.message}</p>`).join('');
  const label = (v: SystemView) => `${v.which.toUpperCase()}: ${v.explanation.count} × ${v.hardware.name}`;
  const named = views.map((v) => ({ name: label(v), colour: COLOURS[v.which], v }));
  $('numbers').innerHTML = views.length ? numbersTable(views) : '';
  $('memory-chart').innerHTML = views.length ? memoryChart(named.map((n) => ({ name: n.name, m: n.v.memory })), widthOf('memory-chart')) + contextChart(named.map((n) => ({ name: n.name, colour: n.colour, m: n.v.memory })), settings.context, widthOf('memory-chart')) : '';
  $('memory-text').innerHTML = memoryText(views, settings.context);
  const groups = views.length ? views[0].steps.map((s, i) => ({ label: s.label, rows: named.filter((n) => n.v.steps[i]).map((n) => ({ name: n.name, colour: n.colour, step: n.v.steps[i] })) })) : [];
  $('steps-chart').innerHTML = views.length ? stepChart(groups, widthOf('steps-chart')) : '';
  $('steps-text').innerHTML = stepText(views);
  $('roofline-chart').innerHTML = views.length ? rooflineChart(named.map((n) => ({ name: n.name, colour: n.colour, curve: n.v.explanation.curve, point: n.v.explanation.decode! })), widthOf('roofline-chart')) : '';
  $('roofline-text').innerHTML = rooflineText(views);
  $<HTMLButtonElement>('run').disabled = worker !== undefined || views.length < 2;
  const yaml = scenarioYaml(settings);
  $('yaml').textContent = yaml;
  const link = $<HTMLAnchorElement>('export');
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([yaml], { type: 'text/yaml' }));
}

function update(): void {
  settings = readControls(settings);
  writeControls(settings);
  history.replaceState(null, '', `#${toHash(settings)}`);
  $<HTMLAnchorElement>('share').href = location.href;
  render();
}

function load(): void {
  const parsed = parseHash(location.hash, known);
  settings = parsed.settings;
  $('ignored').innerHTML = parsed.ignored.map((i) => `<p class="problem">Ignored from the link: ${i.replace(/</g, '&lt;')}</p>`).join('');
  writeControls(settings);
  render();
}

function drawRun(tallies: SystemTally[]): void {
  lastTallies = tallies;
  const W = widthOf('ttft-chart');
  const rows = tallies.map((t, i) => ({ name: t.system, colour: i === 0 ? COLOURS.a : COLOURS.b, t }));
  $('ttft-chart').innerHTML = histogramChart('ttft', 'Time to first token', rows.map((r) => ({ name: r.name, colour: r.colour, counts: r.t.ttft })), W);
  $('itl-chart').innerHTML = histogramChart('itl', 'Time per output token (inter-token latency)', rows.map((r) => ({ name: r.name, colour: r.colour, counts: r.t.itl })), W);
  const mean = (t: SystemTally, v: number) => (t.tasks ? v / t.tasks : 0);
  $('task-chart').innerHTML = taskChart(rows.map((r) => ({
    name: `${r.name} (${r.t.tasks} task${r.t.tasks === 1 ? '' : 's'})`,
    colour: r.colour,
    parts: [['start-up', mean(r.t, r.t.task.startup)], ['tool calls', mean(r.t, r.t.task.tool)], ['network', mean(r.t, r.t.task.network)], ['queue', mean(r.t, r.t.task.queue)], ['prefill', mean(r.t, r.t.task.prefill)], ['decode', mean(r.t, r.t.task.decode)]],
  })), W);
  $('run-counts').innerHTML = tallies.map((t) => `<span data-system="${t.system}" data-completed="${t.completed}" data-rejected="${t.rejected}">${t.system}: ${t.completed.toLocaleString('en-US')} requests done, ${t.rejected} rejected</span>`).join(' · ');
  $('run-text').innerHTML = runText(tallies);
}

function finishRun(status: string): void {
  worker?.terminate();
  worker = undefined;
  $('run-status').textContent = status;
  $<HTMLButtonElement>('cancel').disabled = true;
  render();
}

function startRun(): void {
  const r = resolvedScenario(settings);
  if (!r.ok) {
    $('run-status').textContent = `Cannot run: ${r.message}`;
    return;
  }
  worker = new Worker(URL.createObjectURL(new Blob([__WORKER_SOURCE__], { type: 'text/javascript' })));
  $<HTMLButtonElement>('run').disabled = true;
  $<HTMLButtonElement>('cancel').disabled = false;
  $<HTMLProgressElement>('progress').value = 0;
  $('run-status').textContent = 'Running…';
  $('fingerprints').textContent = '';
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    switch (m.type) {
      case 'progress':
        $<HTMLProgressElement>('progress').value = m.fraction;
        $('run-status').textContent = `Running… ${Math.round(m.fraction * 100)}%`;
        drawRun(m.tallies);
        return;
      case 'done':
        $<HTMLProgressElement>('progress').value = 1;
        drawRun(m.tallies);
        $('fingerprints').textContent = m.fingerprints.join(' ');
        return finishRun(`Done: ${m.summaries.map((s) => `${s.system} ${s.requests.toLocaleString('en-US')} requests, ${s.rejected} rejected, ${s.unfinished} unfinished`).join('; ')}.`);
      case 'error':
        return finishRun(`Failed: ${m.message}`);
    }
  };
  worker.onerror = (e) => finishRun(`Failed: ${e.message}`);
  worker.postMessage({ scenario: r.scenario });
}

function start(): void {
  $('controls').innerHTML = controlsHtml();
  $('run-controls').innerHTML = runControlsHtml();
  $('version').textContent = DATA.version;
  $('controls').addEventListener('input', update);
  $('run-controls').addEventListener('input', update);
  $('run').addEventListener('click', startRun);
  $('cancel').addEventListener('click', () => finishRun(`Cancelled at ${Math.round($<HTMLProgressElement>('progress').value * 100)}%.`));
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
      if (lastTallies) drawRun(lastTallies);
    });
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) !== toHash(settings)) load();
  });
  load();
  document.body.dataset.ready = 'true';
}

start();
