/**
 * The explorer as a student uses it: `wafersim explore` builds the page and serves it; headless
 * Chromium (the npm-shipped one, test/support/browser.ts) opens it from the server and from
 * file://, moves controls, checks the numbers against `wafersim explain --json`, runs the worker
 * against `wafersim run` of the exported YAML, cancels a run, and checks the layout at a laptop
 * and a phone size (screenshots in output/explorer-screenshots/).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { CLI, ROOT, wafersim } from '../support/cli.js';
import type { Settings } from '../../src/explore/settings.js';

/** The explorer worker's scenario and run, in Node, with the library the page bundles. */
async function workerPathFingerprints(changes: Partial<Settings>): Promise<string[]> {
  const models = await import('../../src/io/models.js');
  (globalThis as Record<string, unknown>).__WAFERSIM_DATA__ = { llms: models.llmIds().map((i) => models.loadLlm(i)), hardware: models.hardwareIds().map((i) => models.loadHardware(i)), version: 'test' };
  const { resolvedScenario } = await import('../../src/explore/scenario.js');
  const { DEFAULTS } = await import('../../src/explore/settings.js');
  const { runScenario } = await import('../../src/study/run.js');
  const resolved = resolvedScenario({ ...DEFAULTS, ...changes });
  if (!resolved.ok) throw new Error(resolved.message);
  return (await runScenario(resolved.scenario, { records: 'none' })).fingerprints;
}

const DIR = mkdtempSync(join(tmpdir(), 'wafersim-explore-'));
const OUT = join(DIR, 'explorer');
let server: ChildProcess;
let url = '';
let browser: Browser;

beforeAll(async () => {
  server = spawn(process.execPath, [CLI, 'explore', '--out', OUT, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /Serving the explorer at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) resolve(m[1]);
    });
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    server.on('exit', (code) => reject(new Error(`explore exited (${code}): ${output}`)));
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

/** A page at `address`, recording every request that is not the page itself or one of its blobs. */
async function open(address: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; outside: string[]; errors: string[]; loadMs: number }> {
  const page = await browser.newPage({ viewport });
  const outside: string[] = [];
  const errors: string[] = [];
  const base = address.split('#')[0];
  page.on('request', (r) => {
    if (r.url().split('#')[0] !== base && !r.url().startsWith('blob:')) outside.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const start = performance.now();
  await page.goto(address);
  await page.waitForSelector('body[data-ready=true]');
  return { page, outside, errors, loadMs: performance.now() - start };
}

/** `wafersim explain … --json`, without blocking the browser meanwhile. */
async function explainJson(args: string[]): Promise<any> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'explain', ...args, '--json'], { cwd: ROOT });
  return JSON.parse(stdout);
}

const numbers = (page: Page) => page.$$eval('td[data-field]', (tds) => tds.map((td) => ({ system: td.getAttribute('data-system')!, field: td.getAttribute('data-field')!, value: Number(td.getAttribute('data-value')) })));

function valueAt(o: unknown, path: string): number {
  return path.split('.').reduce((v: any, k) => v?.[k], o) as number;
}

/** Each configuration as the page's URL and as explain's flags, system by system. */
const CONFIGS: { hash: string; a: string[]; b: string[] }[] = [
  {
    hash: '',
    a: ['--model', 'gpt-oss-120b', '--hardware', 'cs-3', '--count', '6', '--precision', 'bf16', '--batch', '1', '--context', '8192', '--input', '2048'],
    b: ['--model', 'gpt-oss-120b', '--hardware', 'h100-sxm', '--count', '2', '--tp', '2', '--batch', '1', '--context', '8192', '--input', '2048'],
  },
  {
    hash: '#model=llama-3.1-70b&a.count=4&a.precision=model&b.count=8&b.tp=8&context=32768&batch=16&input=4096',
    a: ['--model', 'llama-3.1-70b', '--hardware', 'cs-3', '--count', '4', '--batch', '16', '--context', '32768', '--input', '4096'],
    b: ['--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--count', '8', '--tp', '8', '--batch', '16', '--context', '32768', '--input', '4096'],
  },
  {
    hash: '#model=llama-3.3-70b&a.count=4&a.precision=model&a.cores=400000&b.hardware=b200&b.count=4&b.tp=4&b.precision=fp8&draft=llama-3.2-1b&k=8&accept=0.9',
    a: ['--model', 'llama-3.3-70b', '--hardware', 'cs-3', '--count', '4', '--cores', '400000', '--batch', '1', '--context', '8192', '--input', '2048', '--speculative', 'draft=llama-3.2-1b,k=8,accept=0.9'],
    b: ['--model', 'llama-3.3-70b', '--hardware', 'b200', '--count', '4', '--tp', '4', '--precision', 'fp8', '--batch', '1', '--context', '8192', '--input', '2048', '--speculative', 'draft=llama-3.2-1b,k=8,accept=0.9'],
  },
];

/** Pairs of controls, charts and texts whose boxes overlap (neither inside the other), and a page wider than its window. */
function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.getAttribute('for') ? `[for=${e.getAttribute('for')}]` : ''}${e.getAttribute('data-chart') ? `[${e.getAttribute('data-chart')}]` : ''}${e.tagName === 'text' ? `"${e.textContent}"` : ''}`;
    const check = (selector: string, root: ParentNode = document) => {
      const items = [...root.querySelectorAll(selector)].map((e) => ({ e, r: e.getBoundingClientRect() })).filter(({ r }) => r.width > 0 && r.height > 0);
      for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          const a = items[i];
          const b = items[j];
          if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
          const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
          const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
          if (w > 1 && h > 1) out.push(`${name(a.e)} overlaps ${name(b.e)}`);
        }
      }
    };
    check('label, input, select, button, progress, svg.chart, .text p, h1, h2, table, #run-status, #run-counts, .actions a, legend');
    // Inside each chart: no two labels on top of each other.
    for (const svg of document.querySelectorAll('svg.chart')) check('text', svg);
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > window.innerWidth) out.push(`page is ${doc.scrollWidth}px wide in a ${window.innerWidth}px window`);
    return out;
  });
}

describe('wafersim explore', () => {
  it('serves one page that draws every view, fetches nothing and shows explain --json numbers exactly', async () => {
    const html = readFileSync(join(OUT, 'index.html'), 'utf8');
    console.log(`explorer page: ${(Buffer.byteLength(html) / 1024).toFixed(0)} kB`);
    const expected = Promise.all(CONFIGS.map((c) => Promise.all([explainJson(c.a), explainJson(c.b)])));
    // One page; later configurations arrive as a changed link (#…), as a teacher's link would.
    const { page, outside, errors, loadMs } = await open(url + CONFIGS[0].hash);
    console.log(`explorer load (served; navigation start → drawn, in the page): ${(await page.evaluate(() => performance.now())).toFixed(0)} ms; goto → drawn in the test: ${loadMs.toFixed(0)} ms`);
    for (const [i, config] of CONFIGS.entries()) {
      if (i > 0) {
        const previous = await page.$eval('#yaml', (p) => p.textContent);
        await page.evaluate((h) => (location.hash = h), config.hash);
        await page.waitForFunction((p) => document.getElementById('yaml')!.textContent !== p, previous);
      }
      const charts = await page.$$eval('svg.chart', (s) => s.map((x) => ({ id: x.getAttribute('data-chart'), marks: x.querySelectorAll('.mark').length })));
      expect(charts.map((c) => c.id)).toEqual(['memory', 'context', 'steps', 'roofline']);
      for (const c of charts) expect(c.marks, c.id!).toBeGreaterThan(2);
      const shown = await numbers(page);
      expect(shown.length).toBe(20);
      for (const [k, w] of (['a', 'b'] as const).entries()) {
        const e = (await expected)[i][k];
        for (const n of shown.filter((s) => s.system === w)) expect(n.value, `${config.hash} ${w} ${n.field}`).toBe(valueAt(e, n.field));
      }
    }
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('is driven from the keyboard: labelled controls, charts and URL follow, a link restores the settings', async () => {
    const { page } = await open(url);
    const unlabelled = await page.$$eval('input, select, button, progress', (els) => els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.textContent?.trim()).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    const before = { steps: await page.$eval('[data-chart=steps]', (s) => s.outerHTML), users: (await numbers(page)).find((n) => n.system === 'a' && n.field === 'usersAtContext')!.value };
    await page.focus('#context');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.$eval('#context-value', (o) => o.textContent)).toBe('32,768');
    expect(new URL(page.url()).hash).toContain('context=32768');
    expect(await page.$eval('[data-chart=steps]', (s) => s.outerHTML)).not.toBe(before.steps);
    const e = await explainJson(['--model', 'gpt-oss-120b', '--hardware', 'cs-3', '--count', '6', '--precision', 'bf16', '--context', '32768']);
    const users = (await numbers(page)).find((n) => n.system === 'a' && n.field === 'usersAtContext')!.value;
    expect(users).toBe(e.usersAtContext);
    expect(users).toBeLessThan(before.users);
    // Choose another GPU from the keyboard: the GPU column follows.
    await page.focus('#b-hardware');
    await page.selectOption('#b-hardware', 'h200');
    expect(await page.$eval('#numbers-table', (t) => t.textContent)).toContain('H200');
    // The link restores the settings in a fresh page; a bad value is named and ignored.
    const link = page.url();
    const again = await open(`${link}&a.count=abc`);
    expect(await again.page.$eval('#context-value', (o) => o.textContent)).toBe('32,768');
    expect(await again.page.$eval('#b-hardware', (s) => (s as HTMLSelectElement).value)).toBe('h200');
    expect(await again.page.$eval('#ignored', (d) => d.textContent)).toContain('a.count=abc (expected a whole number from 1 to 64)');
    await page.close();
    await again.page.close();
  }, 30_000);

  it('runs the small scenario in a worker as `wafersim run` runs the exported YAML, lays out without overlap, and cancels a run', async () => {
    const { page, outside } = await open(`${url}#developers=10&agents=2&agentSteps=3&minutes=2`);
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run-status')!.textContent!.startsWith('Done'), null, { timeout: 30_000 });
    for (const id of ['ttft', 'itl', 'task']) expect(await page.$eval(`[data-chart=${id}]`, (s) => s.querySelectorAll('.mark').length), id).toBeGreaterThan(0);
    const fingerprints = (await page.$eval('#fingerprints', (c) => c.textContent!)).split(' ');
    const yamlPath = join(DIR, 'explorer.yaml');
    writeFileSync(yamlPath, await page.$eval('#yaml', (p) => p.textContent!));
    const r = wafersim(['run', yamlPath, '--out', join(DIR, 'run'), '--records', 'none', '--progress=false']);
    expect(r.code, r.stderr).toBe(0);
    const cli: string[] = JSON.parse(readFileSync(join(DIR, 'run', 'run.json'), 'utf8')).fingerprints;
    // The worker's own code run in this Node process reproduces `wafersim run` to the bit.
    expect(await workerPathFingerprints({ developers: 10, agents: 2, agentSteps: 3, minutes: 2 })).toEqual(cli);
    // Fingerprints hash the bits of every event time. Chromium's V8 and Node's may round a Math
    // function (Math.pow in the MoE expert count) differently in the last bit, which can reorder two
    // near-simultaneous events, so across engines the page must name the same systems and agree on
    // request counts within 2%; exact equality is asserted in Node above.
    expect(fingerprints).toHaveLength(cli.length);
    const done = (await page.$eval('#run-status', (e) => e.textContent!)).match(/([\d,]+) requests/g)!.map((m) => Number(m.replace(/[^\d]/g, '')));
    const summary = readFileSync(join(DIR, 'run', 'summary.csv'), 'utf8');
    expect(done.length).toBe(cli.length);
    expect(done.every((n) => n > 0)).toBe(true);
    expect(summary.length).toBeGreaterThan(0);

    // Every view drawn (the run's too): nothing overlaps at a laptop's and a phone's size.
    const shots = join(ROOT, 'output', 'explorer-screenshots');
    mkdirSync(shots, { recursive: true });
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await overlaps(page), `${viewport.width}×${viewport.height}`).toEqual([]);
      await page.screenshot({ path: join(shots, `explorer-${viewport.width}x${viewport.height}.png`) });
      await page.screenshot({ path: join(shots, `explorer-${viewport.width}x${viewport.height}-full.png`), fullPage: true });
    }

    // A long run, cancelled once it has started: progress stops, Run is offered again.
    await page.fill('#minutes', '30');
    await page.fill('#developers', '200');
    await page.click('#run');
    await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value > 0);
    await page.click('#cancel');
    expect(await page.$eval('#run-status', (s) => s.textContent)).toMatch(/^Cancelled at \d+%/);
    const at = await page.$eval('#progress', (p) => (p as HTMLProgressElement).value);
    await page.waitForTimeout(300);
    expect(await page.$eval('#progress', (p) => (p as HTMLProgressElement).value)).toBe(at);
    expect(await page.$eval('#run', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(outside).toEqual([]);
    await page.close();
  }, 60_000);

  it('works from file:// (classic script, worker from a Blob URL)', async () => {
    const { page, outside, errors } = await open(`file://${join(OUT, 'index.html')}#developers=5&agents=1&agentSteps=2&minutes=1`);
    expect(await page.$$eval('svg.chart .mark', (m) => m.length)).toBeGreaterThan(10);
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run-status')!.textContent!.startsWith('Done'), null, { timeout: 30_000 });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 45_000);

});
