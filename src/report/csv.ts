/**
 * Results as CSV rows (header + values); seconds become ms here. Numbers are written at full
 * precision (shortest round-trip), except requests.csv's simulated times: see REQUEST_COLUMNS.
 */
import type { SessionRecord } from '../domain/request.js';
import { LATENCY_METRICS, latencies, type RequestRecord } from '../metrics/recorder.js';
import type { TimeseriesRow } from '../metrics/summary.js';
import { cellsOf, SUMMARY_COLUMNS, type SummaryRow } from './summary-table.js';

type Cell = string | number;
const num = (x: number): Cell => (Number.isFinite(x) ? x : '');

/** How a column's numbers are written; strings are written as they are (quoted where CSV needs it). */
export type NumberFormat =
  | { kind: 'shortest' } // the shortest text that reads back as the same double, as String(x)
  | { kind: 'fixed'; decimals: number }; // rounded to this many decimals as toFixed, trailing zeros trimmed (0.5, 2)

export interface CsvColumn {
  name: string;
  numbers: NumberFormat;
}

const SHORTEST: NumberFormat = { kind: 'shortest' };
/**
 * requests.csv gives simulated times to the nanosecond: `_s` columns with 9 decimals, `_ms`
 * columns with 6. Nothing below 1 ns is physical in this simulator, the numbers stay readable,
 * and a fixed resolution is written ~4.5x faster than 17 significant digits (docs/performance.md).
 * Counts (tokens, ids) are whole numbers, written whole.
 */
const NANOSECONDS_IN_S: NumberFormat = { kind: 'fixed', decimals: 9 };
const NANOSECONDS_IN_MS: NumberFormat = { kind: 'fixed', decimals: 6 };
const byUnit = (name: string): CsvColumn => ({ name, numbers: name.endsWith('_ms') ? NANOSECONDS_IN_MS : name.endsWith('_s') ? NANOSECONDS_IN_S : SHORTEST });

const REQUEST_HEADER = [
  'system', 'repeat', 'id', 'session', 'class', 'replica', 'send_s', 'arrive_s', 'admit_s', 'first_token_s', 'done_s',
  'client_first_token_s', 'client_first_visible_s', 'client_done_s', 'input_tokens', 'cached_tokens', 'output_tokens',
  'reasoning_tokens', 'preemptions', 'connect_ms', 'upload_ms', 'frontend_ms', 'rtt_ms', 'reload_ms',
  ...LATENCY_METRICS.map((m) => `${m}_ms`), 'outcome', 'reject_reason',
];
export const REQUEST_COLUMNS: readonly CsvColumn[] = REQUEST_HEADER.map(byUnit);

export function requestRow(r: RequestRecord & { repeat: number }): Cell[] {
  const l = latencies(r);
  return [
    r.system, r.repeat, r.id, r.session, r.cls, r.replica, num(r.send), num(r.arrive), num(r.admit), num(r.serverFirst), num(r.serverDone),
    num(r.clientFirst), num(r.clientFirstVisible), num(r.clientDone), r.input, r.cached, r.output, r.reasoning, r.preemptions,
    num(r.connect * 1000), num(r.upload * 1000), num(r.frontend * 1000), num(r.rtt * 1000), num(r.reloadSeconds * 1000),
    // LATENCY_METRICS in order, one by one: a spread of a mapped array was ~15% of writing a record
    num(l.ttft * 1000), num(l.tpot * 1000), num(l.itl * 1000), num(l.e2el * 1000), num(l.ttfvt * 1000), num(l.server_ttft * 1000), num(l.queue * 1000),
    r.outcome, r.rejectReason,
  ];
}

export const SESSION_HEADER = ['system', 'repeat', 'id', 'kind', 'class', 'outcome', 'start_s', 'end_s', 'duration_s', 'requests', 'input_tokens', 'output_tokens', 'startup_s', 'gap_s', 'subagents', 'compactions'];

export function sessionRow(s: SessionRecord & { system: string; repeat: number }): Cell[] {
  return [s.system, s.repeat, s.id, s.kind, s.cls, s.outcome, s.start, s.end, s.end - s.start, s.requests, s.inputTokens, s.outputTokens, s.startupSeconds, s.gapSeconds, s.subagents, s.compactions];
}

export const SUMMARY_HEADER = SUMMARY_COLUMNS;

export function summaryRow(r: SummaryRow): Cell[] {
  return cellsOf(r);
}

export const TIMESERIES_HEADER = ['system', 'repeat', 'replica', 't_s', 'interval_s', 'requests', 'utilisation', 'batch', 'queue', 'kv_occupancy', 'kv_peak'];

export function timeseriesRow(r: TimeseriesRow, intervalSeconds: number): Cell[] {
  return [r.system, r.repeat, r.replica, r.t, intervalSeconds, r.requests, r.utilisation, r.batch, r.queue, r.kvOccupancy, r.kvPeak];
}
