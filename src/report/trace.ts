/**
 * A Chrome / Perfetto timeline (trace event format, JSON): one process per system, one track per
 * replica with its batch steps, and one track per request class with each request's life
 * (queue, prefill, decode). Open it in ui.perfetto.dev or chrome://tracing.
 */
import type { StepRecord } from '../domain/request.js';
import type { RequestRecord } from '../metrics/recorder.js';

interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

const us = (s: number) => Math.round(s * 1e6);

export class Timeline {
  private events: TraceEvent[] = [];
  private pids = new Map<string, number>();
  private tids = new Map<string, number>();

  constructor(private readonly from: number, private readonly to: number) {}

  private pid(system: string): number {
    let p = this.pids.get(system);
    if (p === undefined) {
      this.pids.set(system, (p = this.pids.size + 1));
      this.events.push({ name: 'process_name', ph: 'M', pid: p, tid: 0, args: { name: system } });
    }
    return p;
  }

  private tid(system: string, track: string): number {
    const key = `${system}\u0000${track}`;
    let t = this.tids.get(key);
    if (t === undefined) {
      this.tids.set(key, (t = this.tids.size + 1));
      this.events.push({ name: 'thread_name', ph: 'M', pid: this.pid(system), tid: t, args: { name: track } });
    }
    return t;
  }

  private inWindow(start: number, end: number): boolean {
    return end >= this.from && start <= this.to;
  }

  step(system: string, s: StepRecord): void {
    if (!this.inWindow(s.start, s.start + s.seconds)) return;
    this.events.push({ name: s.prefillTokens > 0 ? 'step (prefill + decode)' : 'step (decode)', ph: 'X', pid: this.pid(system), tid: this.tid(system, s.replica), ts: us(s.start), dur: us(s.seconds), args: { decodeSeqs: s.decodeSeqs, prefillTokens: s.prefillTokens, waiting: s.waiting, kvUsed: s.kvUsed } });
  }

  request(r: RequestRecord): void {
    if (r.outcome !== 'completed' || !Number.isFinite(r.serverDone) || !this.inWindow(r.send, r.clientDone)) return;
    const pid = this.pid(r.system);
    const tid = this.tid(r.system, `${r.cls} requests`);
    const parts: [string, number, number][] = [['network up', r.send, r.arrive], ['queue', r.arrive, r.admit], ['prefill', r.admit, r.serverFirst], ['decode', r.serverFirst, r.serverDone], ['network down', r.serverDone, r.clientDone]];
    for (const [name, a, b] of parts) if (b > a && this.inWindow(a, b)) this.events.push({ name, ph: 'X', pid, tid, ts: us(a), dur: us(b - a), args: { id: r.id, input: r.input, output: r.output } });
  }

  json(): string {
    return JSON.stringify({ traceEvents: this.events, displayTimeUnit: 'ms' });
  }
}
