/**
 * The work a scenario asks for, estimated before it starts (issue 16): requests, kernel events and
 * memory, from the workload's means and the fleet's size. Deliberately rough (within a small factor), and on the high
 * side, so that a run far beyond what the machine can do stops at once with a message instead of
 * running for hours or exhausting memory; the command line compares it with --max-events and
 * --max-memory.
 */
import { assertNever } from '../domain/never.js';
import { meanOf } from '../random/index.js';
import type { RateSpec, WorkloadSpec } from '../workload/index.js';
import type { ResolvedScenario } from './run.js';

/** Kernel events per request (arrival, network legs, admission, prefill and decode steps, completion). */
export const EVENTS_PER_REQUEST = 12;
/** Exact percentiles (records: all) keep each request's latencies: several doubles, arrays grown by doubling. */
const BYTES_PER_EXACT_REQUEST = 100;
/** A request in flight or queued, with its network legs and KV bookkeeping. */
const BYTES_PER_LIVE_REQUEST = 2048;
/** An overloaded fleet's queue: assume up to a minute of arrivals waiting at once. */
const QUEUED_SECONDS = 60;
/** Memory per live session (a developer or agent job and its pending event). */
const BYTES_PER_SESSION = 4096;
/** Memory per replica (KV block tables, queues, batch state). */
const BYTES_PER_REPLICA = 512 << 10;
const BASE_BYTES = 150 << 20;
/** The kernel's heap holds at most 2^21 pending events; stay well below. */
export const MAX_PENDING_EVENTS = 1 << 20;

export interface WorkEstimate {
  /** Requests of one system in one repeat. */
  requests: number;
  /** Sessions alive at once (developers, agent jobs and their sub-agents). */
  sessions: number;
  events: number;
  memoryBytes: number;
}

function peakRate(rate: RateSpec): number {
  switch (rate.kind) {
    case 'constant':
      return rate.perSecond;
    case 'piecewise':
      return Math.max(...rate.hours.map((h) => h.perSecond));
    case 'sinusoidal':
      return rate.meanPerSecond * (1 + rate.amplitude);
    default:
      return assertNever(rate);
  }
}

/** Requests per second and live sessions of one workload source. */
function sourceLoad(source: WorkloadSpec): { perSecond: number; sessions: number } {
  switch (source.kind) {
    case 'interactive': {
      const turns = Math.max(1, meanOf(source.turns));
      // A developer's requests: `turns` per session, sessions separated by the gap, turns by thinking.
      const cycle = meanOf(source.sessionGap) + turns * meanOf(source.think);
      return { perSecond: source.developers * (cycle > 0 ? turns / cycle : 1), sessions: source.developers };
    }
    case 'agents': {
      const jobs = source.concurrency * (1 + source.subagents.probability * Math.max(1, meanOf(source.subagents.count)));
      // At least a second per step for the model's answer, however short the tool time.
      return { perSecond: jobs / (meanOf(source.toolTime) + 1), sessions: jobs };
    }
    case 'open-loop':
      return { perSecond: peakRate(source.rate), sessions: 0 };
    default:
      return assertNever(source);
  }
}

/**
 * `traceRows`: rows of the scenario's trace (counted when it was checked), if it has one;
 * `exact`: whether percentiles are exact (records: all), which keeps every request's latencies.
 */
export function estimateWork(s: ResolvedScenario, traceRows = 0, exact = true): WorkEstimate {
  let perSecond = 0;
  let sessions = 0;
  for (const source of s.sources) {
    const load = sourceLoad(source);
    perSecond += load.perSecond;
    sessions += load.sessions;
  }
  let requests = perSecond * s.durationSeconds + traceRows;
  if (s.trace?.kind === 'sessions') sessions += s.trace.concurrency;
  if (s.maxRequests !== undefined) requests = Math.min(requests, s.maxRequests);
  const replicas = Math.max(...s.systems.map((sys) => sys.pools.reduce((n, p) => n + p.replicas, 0)));
  return {
    requests,
    sessions,
    events: requests * EVENTS_PER_REQUEST * s.systems.length * s.repeat,
    // Systems and repeats run one after another: memory is that of the largest one.
    memoryBytes:
      BASE_BYTES +
      (exact ? requests * BYTES_PER_EXACT_REQUEST : 0) +
      Math.min(requests, perSecond * QUEUED_SECONDS + traceRows) * BYTES_PER_LIVE_REQUEST +
      sessions * BYTES_PER_SESSION +
      replicas * BYTES_PER_REPLICA,
  };
}
