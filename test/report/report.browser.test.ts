/**
 * The report as a person sees it: report.html opened in headless Chromium (shipped in the
 * @sparticuz/chromium npm package, see test/support/browser.ts), every chart has drawn marks, the
 * tables hold the summary's numbers and the page fetches nothing from the network.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { wafersim } from '../support/cli.js';
import { readCsv } from '../support/csv.js';

describe('report.html in a browser', () => {
  it('draws every chart and shows the summary numbers', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wafersim-report-')), 'r');
    const r = wafersim(['run', 'scenarios/codex-spark.yaml', '--out', out, '--set', 'durationMinutes=5', '--set', 'workload.interactive.developers=40', '--progress=false']);
    expect(r.code).toBe(0);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const fetched: string[] = [];
      page.on('request', (req) => fetched.push(req.url()));
      await page.goto(`file://${out}/report.html`);
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => ({ id: s.getAttribute('data-chart'), marks: s.querySelectorAll('.mark').length, width: s.getBoundingClientRect().width })));
      expect(charts.map((c) => c.id)).toEqual(['ttft-cdf', 'e2e-cdf', 'time-breakdown', 'kv-occupancy', 'queue-length', 'utilisation', 'cost-energy']);
      for (const c of charts) {
        expect(c.marks, c.id!).toBeGreaterThan(0);
        expect(c.width).toBeGreaterThan(100);
      }
      // The per-class table holds the outcome counts and TTFT p50 of summary.csv.
      const table = await page.$eval('#summary-table', (t) => t.textContent ?? '');
      const summary = readCsv(join(out, 'summary.csv')).filter((x) => x.class !== 'all');
      expect(summary.length).toBe(4);
      for (const row of summary) {
        for (const column of ['completed', 'rejected', 'unfinished']) expect(table).toContain(Math.round(Number(row[column])).toLocaleString('en-US'));
        expect(table).toContain(String(Number(Number(row.median_ttft_ms).toPrecision(3))));
      }
      // Per-replica load: one row per replica of every system.
      const replicas = await page.$$eval('#replica-table tbody tr', (rows) => rows.length);
      expect(replicas).toBe(new Set(readCsv(join(out, 'timeseries.csv')).map((x) => x.replica)).size);
      expect(fetched.filter((u) => !u.startsWith('file://'))).toEqual([]);
      await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
