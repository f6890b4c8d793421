/// <reference lib="dom" />
/**
 * The settings form: built once from the bundled model library, read into Settings on every
 * change and written back from Settings (a link opened, the hash changed). Native inputs with
 * labels, so every control works from the keyboard and a screen reader names it.
 */
import { hardwareWords } from '../perf/index.js';
import { DATA } from './data.js';
import { RANGES, WEIGHT_PRECISIONS, type NumberKey, type Settings, type SystemSettings } from './settings.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const options = (items: [string, string][]) => items.map(([v, t]) => `<option value="${v}">${t}</option>`).join('');

function numberInput(id: string, label: string, range: NumberKey, step = 1): string {
  const r = RANGES[range];
  return `<label for="${id}">${label}</label><input id="${id}" type="number" min="${r.min}" max="${r.max}" step="${step}" required>`;
}

function systemFieldset(w: 'a' | 'b', title: string): string {
  return `<fieldset class="system ${w}"><legend>${title}</legend><div class="grid">
    <label for="${w}-hardware">Hardware</label><select id="${w}-hardware">${options(DATA.hardware.map((h) => [h.id, `${h.name} (${h.kind})`]))}</select>
    ${numberInput(`${w}-count`, 'Wafers or GPUs', 'count')}
    <span class="tp-setting ${w}">${numberInput(`${w}-tp`, 'Tensor parallel', 'tp')}</span>
    <span class="cores-setting ${w}">${numberInput(`${w}-cores`, 'Region (cores, 0 = whole wafers)', 'cores', 1000)}</span>
    <label for="${w}-precision">Weights</label><select id="${w}-precision">${options(WEIGHT_PRECISIONS.map((p) => [p, p === 'model' ? "model's own" : p]))}</select>
  </div></fieldset>`;
}

export function controlsHtml(): string {
  const models = DATA.llms.map((l): [string, string] => [l.id, l.name]);
  return `<fieldset><legend>Model and request</legend><div class="grid">
      <label for="model">Model</label><select id="model">${options(models)}</select>
      <label for="context">Context per user: <output id="context-value" for="context"></output></label><input id="context" type="range" min="8" max="20" step="1">
      <label for="batch">Batch (users decoding together): <output id="batch-value" for="batch"></output></label><input id="batch" type="range" min="0" max="11" step="1">
      ${numberInput('input', 'Prompt tokens to prefill', 'input', 256)}
      <label for="draft">Speculative draft</label><select id="draft"><option value="">none</option>${options(models)}</select>
      ${numberInput('k', 'Draft tokens k', 'k')}
      ${numberInput('accept', 'Acceptance rate', 'accept', 0.05)}
    </div></fieldset>
    ${systemFieldset('a', 'System A')}
    ${systemFieldset('b', 'System B')}`;
}

export function runControlsHtml(): string {
  return `<div class="grid">
    ${numberInput('developers', 'Developers (interactive)', 'developers')}
    ${numberInput('agents', 'Agents running at once', 'agents')}
    ${numberInput('agentSteps', 'Steps per agent task', 'agentSteps')}
    ${numberInput('minutes', 'Simulated minutes', 'minutes')}
    ${numberInput('a-replicas', 'Replicas of system A', 'replicas')}
    ${numberInput('b-replicas', 'Replicas of system B', 'replicas')}
    ${numberInput('seed', 'Seed', 'seed')}
  </div>`;
}

const TOP_NUMBERS = ['input', 'k', 'accept', 'developers', 'agents', 'agentSteps', 'minutes', 'seed'] as const;
const SYSTEM_NUMBERS = ['count', 'tp', 'cores', 'replicas'] as const;

/** A value the form holds, clamped into its range (a half-typed number keeps the last good one). */
function readNumber(id: string, range: NumberKey, fallback: number): number {
  const el = $<HTMLInputElement>(id);
  const v = Number(el.value);
  const r = RANGES[range];
  if (el.value.trim() === '' || !Number.isFinite(v) || v < r.min || v > r.max || (r.integer && !Number.isInteger(v))) {
    el.setAttribute('aria-invalid', 'true');
    return fallback;
  }
  el.removeAttribute('aria-invalid');
  return v;
}

export function readControls(previous: Settings): Settings {
  const s: Settings = structuredClone(previous);
  s.model = $<HTMLSelectElement>('model').value;
  s.draft = $<HTMLSelectElement>('draft').value;
  const contextExp = Number($<HTMLInputElement>('context').value);
  if (Math.round(Math.log2(Math.max(1, previous.context))) !== contextExp) s.context = 2 ** contextExp;
  const batchExp = Number($<HTMLInputElement>('batch').value);
  if (Math.round(Math.log2(previous.batch)) !== batchExp) s.batch = 2 ** batchExp;
  for (const k of TOP_NUMBERS) s[k] = readNumber(k, k, previous[k]);
  for (const w of ['a', 'b'] as const) {
    const sys: SystemSettings = s[w];
    sys.hardware = $<HTMLSelectElement>(`${w}-hardware`).value;
    sys.precision = $<HTMLSelectElement>(`${w}-precision`).value as SystemSettings['precision'];
    for (const k of SYSTEM_NUMBERS) sys[k] = readNumber(`${w}-${k}`, k, previous[w][k]);
  }
  return s;
}

export function writeControls(s: Settings): void {
  $<HTMLSelectElement>('model').value = s.model;
  $<HTMLSelectElement>('draft').value = s.draft;
  $<HTMLInputElement>('context').value = String(Math.round(Math.log2(Math.max(1, s.context))));
  $<HTMLInputElement>('batch').value = String(Math.round(Math.log2(s.batch)));
  $('context-value').textContent = s.context.toLocaleString('en-US');
  $('batch-value').textContent = s.batch.toLocaleString('en-US');
  for (const k of TOP_NUMBERS) $<HTMLInputElement>(k).value = String(s[k]);
  for (const w of ['a', 'b'] as const) {
    $<HTMLSelectElement>(`${w}-hardware`).value = s[w].hardware;
    $<HTMLSelectElement>(`${w}-precision`).value = s[w].precision;
    for (const k of SYSTEM_NUMBERS) $<HTMLInputElement>(`${w}-${k}`).value = String(s[w][k]);
    const hw = DATA.hardware.find((h) => h.id === s[w].hardware);
    const takes = hw ? hardwareWords(hw.kind).settings : { tp: false, cores: false };
    for (const el of document.querySelectorAll<HTMLElement>(`.tp-setting.${w}`)) el.hidden = !takes.tp;
    for (const el of document.querySelectorAll<HTMLElement>(`.cores-setting.${w}`)) el.hidden = !takes.cores;
  }
}
