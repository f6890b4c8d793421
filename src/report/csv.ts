/** Results as CSV rows (header + values); numbers at full precision so files re-derive exactly. */
import type { SessionRecord } from '../domain/request.js';
import { latencies, type RequestRecord } from '../metrics/recorder.js';
import type { SummaryRow, TimeseriesRow } from '../metrics/summary.js';

type Cell = string | number;
const num = (x: number): Cell => (Number.isFinite(x) ? x : '');

export const REQUEST_HEADER = [
  'system', 'repeat', 'id', 'session', 'class', 'replica', 'send_s', 'arrive_s', 'admit_s', 'first_token_s', 'done_s',
  'client_first_token_s', 'client_first_visible_s', 'client_done_s', 'input_tokens', 'cached_tokens', 'output_tokens',
  'reasoning_tokens', 'preemptions', 'connect_ms', 'upload_ms', 'frontend_ms', 'rtt_ms', 'reload_ms',
  'ttft_ms', 'ttfvt_ms', 'server_ttft_ms', 'tpot_ms', 'e2el_ms', 'queue_ms', 'outcome', 'reject_reason',
];

export function requestRow(r: RequestRecord & { repeat: number }): Cell[] {
  const l = latencies(r);
  return [
    r.system, r.repeat, r.id, r.session, r.cls, r.replica, num(r.send), num(r.arrive), num(r.admit), num(r.serverFirst), num(r.serverDone),
    num(r.clientFirst), num(r.clientFirstVisible), num(r.clientDone), r.input, r.cached, r.output, r.reasoning, r.preemptions,
    num(r.connect * 1000), num(r.upload * 1000), num(r.frontend * 1000), num(r.rtt * 1000), num(r.reloadSeconds * 1000),
    num(l.ttft_ms), num(l.ttfvt_ms), num(l.server_ttft_ms), num(l.tpot_ms), num(l.e2el_ms), num(l.queue_ms), r.outcome, r.rejectReason,
  ];
}

export const SESSION_HEADER = ['system', 'repeat', 'id', 'kind', 'class', 'outcome', 'start_s', 'end_s', 'duration_s', 'requests', 'input_tokens', 'output_tokens', 'startup_s', 'gap_s', 'subagents', 'compactions'];

export function sessionRow(s: SessionRecord & { system: string; repeat: number }): Cell[] {
  return [s.system, s.repeat, s.id, s.kind, s.cls, s.outcome, s.start, s.end, s.end - s.start, s.requests, s.inputTokens, s.outputTokens, s.startupSeconds, s.gapSeconds, s.subagents, s.compactions];
}

export const SUMMARY_HEADER = ['system', 'class', 'metric', 'unit', 'count', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99_9', 'ci95'];

export function summaryRow(r: SummaryRow): Cell[] {
  return [r.system, r.cls, r.metric, r.unit, r.count, num(r.mean), num(r.p50), num(r.p90), num(r.p95), num(r.p99), num(r.p999), num(r.ci95)];
}

export const TIMESERIES_HEADER = ['system', 'repeat', 'replica', 't_s', 'requests', 'utilisation', 'batch', 'queue', 'kv_occupancy', 'kv_peak'];

export function timeseriesRow(r: TimeseriesRow): Cell[] {
  return [r.system, r.repeat, r.replica, r.t, r.requests, r.utilisation, r.batch, r.queue, r.kvOccupancy, r.kvPeak];
}
