/**
 * Trace replay: rows in, requests out. Rows arrive as an async stream (the io layer reads files);
 * the replay advances the simulation in slices, reading only what the next slice needs, so a
 * trace of any length replays in bounded memory.
 */
import { Signal, spawn, type Process } from '../kernel/index.js';
import type { LlmRequest, RequestClass, Segment, SessionChannel } from '../domain/request.js';
import type { AgenticRow, AgenticSession, ArrivalRow } from '../domain/trace.js';
import { stream } from '../random/index.js';
import type { WorkloadContext } from './context.js';
import { NO_SEGMENTS, NOBODY_WAITS, OWNERS, sessionIdOf } from './context.js';
import { requestId, segmentKey } from './ids.js';
import { ask, beginSession, endSession, tally } from './conversation.js';

export type { AgenticRow, AgenticSession, ArrivalRow };


export interface ReplayOptions {
  cls: RequestClass;
  /** Multiply the trace's time axis (0.5 = twice as fast, same requests). */
  timeScale: number;
  /** Keep the time axis and scale the number of requests: 2 = each row twice, 0.5 = half the rows (seeded). */
  rateScale: number;
  /** Tokens per prefix hash block (formats whose rows carry hash ids: Mooncake). */
  blockTokens?: number;
}

/** Advance the simulation in slices of this many simulated seconds between reads. */
const SLICE = 60;

/** How many requests a row becomes under rate scaling (seeded, so every system sees the same). */
function copies(rate: number, u: number): number {
  return Math.floor(rate) + (u < rate - Math.floor(rate) ? 1 : 0);
}

export async function replayArrivals(batches: AsyncIterable<readonly ArrivalRow[]>, ctx: WorkloadContext, o: ReplayOptions): Promise<number> {
  const { sim } = ctx;
  const rng = stream(ctx.seed, 'workload', ctx.source, 'replay');
  const firstId = requestId(sessionIdOf(ctx.source, OWNERS - 1, 0), 0);
  let n = 0;
  let sliceEnd = SLICE;
  rows: for await (const batch of batches) {
    for (const row of batch) {
      const at = row.time * o.timeScale;
      if (at >= ctx.horizon) break rows;
      while (at > sliceEnd) {
        sim.run({ until: sliceEnd });
        sliceEnd += SLICE;
      }
      for (let c = copies(o.rateScale, rng.next()); c > 0; c--) {
        const req: LlmRequest = { id: firstId + n++, sessionId: -1, cls: o.cls, inputTokens: row.input, outputTokens: row.output, reasoningTokens: 0, segments: segmentsOf(row, o.blockTokens) };
        sim.at(Math.max(at, sim.now), () => ctx.transport.openSession(-1, rng, (ch) => ch.send(req, req.inputTokens, NOBODY_WAITS), false));
      }
    }
  }
  return n;
}

function segmentsOf(row: ArrivalRow, blockTokens: number | undefined): readonly Segment[] {
  if (!row.hashIds || row.hashIds.length === 0) return NO_SEGMENTS;
  if (blockTokens === undefined || !(blockTokens > 0)) throw new Error('a trace whose rows carry hash ids needs its format\'s block size (TraceReplay.blockTokens)');
  const segments: Segment[] = [];
  let left = row.input;
  for (const id of row.hashIds) {
    if (left <= 0) break;
    const tokens = Math.min(blockTokens, left);
    // Offset keeps trace hashes apart from generated session keys (which are ≥ 0 and < 10^15).
    segments.push({ key: 1e15 + id, tokens });
    left -= tokens;
  }
  if (left > 0) segments[segments.length - 1] = { ...segments[segments.length - 1], tokens: segments[segments.length - 1].tokens + left };
  return segments;
}


/** Group consecutive rows of one session (the trace lists a session's rows together); rows come in batches. */
export async function* sessionsOf(batches: AsyncIterable<readonly AgenticRow[]>): AsyncGenerator<AgenticSession> {
  let current: AgenticSession | undefined;
  for await (const batch of batches) {
    for (const row of batch) {
      if (!current || current.name !== row.session) {
        if (current) yield byIndex(current);
        current = { name: row.session, agents: new Map() };
      }
      let list = current.agents.get(row.agent);
      if (!list) current.agents.set(row.agent, (list = []));
      list.push(row);
    }
  }
  if (current) yield byIndex(current);
}

function byIndex(session: AgenticSession): AgenticSession {
  for (const rows of session.agents.values()) rows.sort((a, b) => a.reqIdx - b.reqIdx);
  return session;
}

/**
 * Replay agentic sessions closed-loop: `concurrency` sessions at a time, each request sent its
 * recorded think time after the previous one's answer arrived; sub-agents start at their recorded
 * offset; prompts share the recorded prefix with the agent's previous request.
 */
export async function replaySessions(sessions: AsyncIterable<AgenticSession>, ctx: WorkloadContext, o: ReplayOptions & { concurrency: number }): Promise<number> {
  const { sim } = ctx;
  const iterator = sessions[Symbol.asyncIterator]();
  const queue: AgenticSession[] = [];
  let exhausted = false;
  let started = 0;
  let idle = 0; // slots waiting for a session
  const wakeups: (() => void)[] = [];
  const refill = async (): Promise<void> => {
    while (!exhausted && queue.length < 2 * o.concurrency) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else queue.push(next.value);
    }
  };
  const slot = (s: number): Process =>
    (function* (): Process {
      for (let k = 0; ; k++) {
        while (queue.length === 0) {
          if (exhausted || sim.now >= ctx.horizon) return;
          idle++;
          const more = new Signal<void>();
          wakeups.push(() => more.fire(sim, undefined));
          yield more;
          idle--;
        }
        if (sim.now >= ctx.horizon) return;
        const session = queue.shift()!;
        started++;
        yield replaySession(session, ctx, o, sessionIdOf(ctx.source, s, k));
      }
    })();
  await refill();
  for (let s = 0; s < o.concurrency; s++) spawn(sim, slot(s));
  while (sim.now < ctx.horizon && (sim.pending > 0 || idle > 0)) {
    sim.run({ until: Math.min(ctx.horizon, sim.now + SLICE) });
    await refill();
    for (const wake of wakeups.splice(0)) wake();
    if (exhausted && queue.length === 0 && idle > 0 && sim.pending === 0) break;
  }
  return started;
}

function replaySession(session: AgenticSession, ctx: WorkloadContext, o: ReplayOptions, sessionId: number): Signal<void> {
  const { sim } = ctx;
  const done = new Signal<void>();
  const start = sim.now;
  const record = beginSession(ctx.observer, sessionId, 'agent', o.cls, start);
  record.subagents = session.agents.size - 1;
  let completed = true;
  let turn = 0;
  let agentsLeft = session.agents.size;
  ctx.transport.openSession(sessionId, stream(ctx.seed, 'network', ctx.source, sessionId), (channel) => {
    record.startupSeconds = channel.startupSeconds;
    for (const rows of session.agents.values()) {
      spawn(sim, (function* (): Process {
        yield Math.max(0, rows[0].parentOffset * o.timeScale - (sim.now - start));
        if (!(yield agent(rows, channel))) completed = false;
        if (--agentsLeft === 0) {
          endSession(ctx.observer, record, sim.now, completed);
          done.fire(sim, undefined);
        }
      })());
    }
  });

  /** One agent's requests in order; fires false if one was rejected (the agent stops there). */
  function agent(rows: AgenticRow[], channel: SessionChannel): Signal<boolean> {
    const finished = new Signal<boolean>();
    spawn(sim, (function* (): Process {
      let prev: Segment[] = [];
      for (const row of rows) {
        if (row.think > 0) {
          record.gapSeconds += row.think * o.timeScale;
          yield row.think * o.timeScale;
        }
        // The prompt: the prefix it shares with the previous request, then new tokens.
        const shared = Math.min(row.lcpBlocks * 64, row.input);
        const segments: Segment[] = [];
        let covered = 0;
        for (const s of prev) {
          // The shared prefix may end inside a segment: its start is shared (reused by block).
          const tokens = Math.min(s.tokens, shared - covered);
          if (tokens <= 0) break;
          segments.push(tokens === s.tokens ? s : { key: s.key, tokens });
          covered += tokens;
        }
        const n = turn++;
        if (row.input > covered) segments.push({ key: segmentKey(sessionId, n, 'in'), tokens: row.input - covered });
        const req: LlmRequest = { id: requestId(sessionId, n), sessionId, cls: o.cls, inputTokens: row.input, outputTokens: Math.max(1, row.output), reasoningTokens: 0, segments, outputKey: segmentKey(sessionId, n, 'out') };
        if (!(yield ask(sim, channel, req, row.input - covered, ctx.client, () => requestId(sessionId, turn++)))) {
          finished.fire(sim, false);
          return;
        }
        tally(record, req);
        prev = [...segments, { key: req.outputKey!, tokens: req.outputTokens }];
      }
      finished.fire(sim, true);
    })());
    return finished;
  }
  return done;
}
