/** The compact per-system table printed after a run. */
import { rejectText, type ClassSummary, type SystemSummary } from '../metrics/summary.js';
import { int, sig, textTable, uncalibratedNote } from './format.js';
import type { SummaryRow } from './summary-table.js';

const cell = (x: number, digits = 3) => (Number.isFinite(x) ? sig(x, digits) : '–');

/** Warning lines for what a run did not serve: rejected and unfinished requests, failed and unfinished jobs. */
export function outcomeWarnings(system: string, c: ClassSummary): string[] {
  const sent = c.requests + c.rejected + c.unfinished + c.gaveUp;
  const out: string[] = [];
  if (c.rejected > 0) out.push(`! ${system} ${c.cls}: ${int(c.rejected)} of ${int(sent)} requests rejected (${rejectText(c.rejectedBy)})`);
  if (c.unfinished > 0) out.push(`! ${system} ${c.cls}: ${int(c.unfinished)} of ${int(sent)} requests unfinished when the drain ended`);
  if (c.gaveUp > 0) out.push(`! ${system} ${c.cls}: ${int(c.gaveUp)} of ${int(sent)} requests given up by the client after its timeout`);
  const jobs = c.jobs.completed + c.jobs.failed + c.jobs.unfinished;
  if (c.jobs.failed > 0) out.push(`! ${system} ${c.cls}: ${int(c.jobs.failed)} of ${int(jobs)} jobs failed (a request was rejected or given up)`);
  if (c.jobs.unfinished > 0) out.push(`! ${system} ${c.cls}: ${int(c.jobs.unfinished)} of ${int(jobs)} jobs unfinished when the drain ended (counted as longer than the run in job percentiles)`);
  return out;
}

/** A figure of summary rows: the single run's, or with repeats the mean ± the 95% interval's half-width. */
function figure(rows: SummaryRow[], system: string, cls: string, column: string, scale = 1, digits = 3): string {
  const of = (repeat: string | number) => rows.find((r) => r.system === system && r.class === cls && r.repeat === repeat)?.[column];
  const mean = of('mean') ?? of(0);
  if (mean === undefined || mean === '') return '–';
  const ci = of('ci95');
  const half = ci === undefined || ci === '' ? '' : ` ± ${sig(Number(ci) * scale, 2)}`;
  return `${sig(Number(mean) * scale, digits)}${half}`;
}

/**
 * The per-class table (from summary rows: with repeats, means ± 95% intervals), the fleet table
 * and warnings (of the first repeat).
 */
export function consoleTable(summaries: SystemSummary[], rows: SummaryRow[]): string {
  const repeats = rows.some((r) => r.repeat === 'mean');
  const perClass = textTable(
    ['system / class', 'completed', 'rejected', 'unfinished', 'TTFT p50 ms', 'TTFT p99 ms', 'TPOT p50 ms', 'ITL p99 ms', 'E2E p99 s', 'tok/s/user', 'SLO'],
    summaries.flatMap((s) => s.classes.map((c) => {
      const f = (column: string, scale = 1, digits = 3) => figure(rows, s.system, c.cls, column, scale, digits);
      return [
        `${s.system} ${c.cls}`, f('completed'), f('rejected'), f('unfinished'),
        f('median_ttft_ms'), f('p99_ttft_ms'), f('median_tpot_ms'), f('p99_itl_ms'), f('p99_e2el_ms', 1e-3), f('tokens_per_s_per_user', 1, 4),
        c.meetsSlo === undefined ? '–' : `${f('slo_attainment', 100, 3)}%${c.meetsSlo ? '' : ' ✗'}`,
      ];
    })),
  );
  const fleet = textTable(
    ['system', 'output tok/s', '$/hour', '$/M output tok', '$/M total tok', 'kW', 'J/output tok', 'busy max/mean'],
    summaries.map((s) => [s.system, int(s.outputTokensPerSecond), cell(s.usdPerHour, 4), cell(s.usdPerMillionOutputTokens), cell(s.usdPerMillionTotalTokens), cell(s.averagePowerKw), cell(s.joulesPerOutputToken), cell(s.busyImbalance)]),
  );
  const warnings = summaries.flatMap((s) => [
    ...s.overload.filter((o) => o.overloaded || o.rejected > 0).map((o) => `! ${s.system}: ${o.message}`),
    ...s.classes.flatMap((c) => outcomeWarnings(s.system, c)),
    ...s.uncalibrated.map((id) => `! ${s.system}: ${uncalibratedNote(id)}`),
    ...s.classes.flatMap((c) => c.sloMisses.map((m) => `✗ ${s.system} ${c.cls}: ${m}`)),
  ]);
  const note = repeats ? [`Per class: mean ± half-width of the 95% confidence interval over ${new Set(rows.map((r) => r.repeat)).size - 2} repeats; fleet and warnings: the first repeat.`] : [];
  return [perClass, '', fleet, ...note, ...(warnings.length ? ['', ...warnings] : [])].join('\n');
}
