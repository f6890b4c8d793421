/** The compact per-system table printed after a run. */
import { rejectText, type ClassSummary, type SystemSummary } from '../metrics/summary.js';
import { int, sig, textTable } from './format.js';

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

export function consoleTable(summaries: SystemSummary[]): string {
  const rows: string[][] = [];
  for (const s of summaries) {
    for (const c of s.classes) {
      rows.push([
        `${s.system} ${c.cls}`,
        int(c.requests),
        int(c.rejected),
        int(c.unfinished),
        cell(c.ttftP50Ms),
        cell(c.ttftP99Ms),
        cell(c.tpotP50Ms),
        cell(c.e2eP99Ms / 1000),
        cell(c.tokensPerSecondPerUser, 4),
        c.meetsSlo === undefined ? '–' : `${(100 * c.sloAttainment).toFixed(1)}%${c.meetsSlo ? '' : ' ✗'}`,
      ]);
    }
  }
  const perClass = textTable(['system / class', 'completed', 'rejected', 'unfinished', 'TTFT p50 ms', 'TTFT p99 ms', 'TPOT p50 ms', 'E2E p99 s', 'tok/s/user', 'SLO'], rows);
  const fleet = textTable(
    ['system', 'output tok/s', '$/hour', '$/M output tok', '$/M total tok', 'kW', 'J/output tok', 'busy max/mean'],
    summaries.map((s) => [s.system, int(s.outputTokensPerSecond), cell(s.usdPerHour, 4), cell(s.usdPerMillionOutputTokens), cell(s.usdPerMillionTotalTokens), cell(s.averagePowerKw), cell(s.joulesPerOutputToken), cell(s.busyImbalance)]),
  );
  const warnings = summaries.flatMap((s) => [
    ...s.overload.filter((o) => o.overloaded || o.rejected > 0).map((o) => `! ${s.system}: ${o.message}`),
    ...s.classes.flatMap((c) => outcomeWarnings(s.system, c)),
    ...s.classes.flatMap((c) => c.sloMisses.map((m) => `✗ ${s.system} ${c.cls}: ${m}`)),
  ]);
  return [perClass, '', fleet, ...(warnings.length ? ['', ...warnings] : [])].join('\n');
}
