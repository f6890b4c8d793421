/** The compact per-system table printed after a run. */
import type { SystemSummary } from '../metrics/summary.js';
import { int, sig, textTable } from './format.js';

const cell = (x: number, digits = 3) => (Number.isFinite(x) ? sig(x, digits) : '–');

export function consoleTable(summaries: SystemSummary[]): string {
  const rows: string[][] = [];
  for (const s of summaries) {
    for (const c of s.classes) {
      rows.push([
        `${s.system} ${c.cls}`,
        int(c.requests),
        cell(c.ttftP50Ms),
        cell(c.ttftP99Ms),
        cell(c.tpotP50Ms),
        cell(c.e2eP99Ms / 1000),
        cell(c.tokensPerSecondPerUser, 4),
        c.meetsSlo === undefined ? '–' : `${(100 * c.sloAttainment).toFixed(1)}%${c.meetsSlo ? '' : ' ✗'}`,
      ]);
    }
  }
  const perClass = textTable(['system / class', 'requests', 'TTFT p50 ms', 'TTFT p99 ms', 'TPOT p50 ms', 'E2E p99 s', 'tok/s/user', 'SLO'], rows);
  const fleet = textTable(
    ['system', 'throughput tok/s', '$/hour', '$/M tokens', 'kW', 'J/token'],
    summaries.map((s) => [s.system, int(s.throughputTokensPerSecond), cell(s.usdPerHour, 4), cell(s.usdPerMillionTokens), cell(s.averagePowerKw), cell(s.joulesPerToken)]),
  );
  const warnings = summaries.flatMap((s) => [
    ...s.overload.filter((o) => o.overloaded).map((o) => `! ${s.system}: ${o.message}`),
    ...s.classes.flatMap((c) => c.sloMisses.map((m) => `✗ ${s.system} ${c.cls}: ${m}`)),
  ]);
  return [perClass, '', fleet, ...(warnings.length ? ['', ...warnings] : [])].join('\n');
}
