/**
 * The synthetic generators against the traces their defaults were fitted to: p50 and p90 of
 * steps per job, context growth per step, tool gap, think time and output tokens within ±10% of
 * the trace's own values, both computed here.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { Simulation } from '../../src/kernel/index.js';
import type { SessionRecord } from '../../src/domain/request.js';
import { newTraceStats, readAgentic, readAzure } from '../../src/io/traces.js';
import { AGENT_DEFAULTS, INTERACTIVE_DEFAULTS, sessionsOf, startAgents, startInteractive } from '../../src/workload/index.js';
import { quantile } from '../support/stats.js';
import { instantService } from '../support/transport.js';

const TRACES = resolve(__dirname, '../../data/traces');

async function agenticTrace() {
  const steps: number[] = [], growth: number[] = [], output: number[] = [];
  for await (const s of sessionsOf(readAgentic(`${TRACES}/weka_claude_code_requests.csv`, 'weka', { skipBad: false }, newTraceStats()))) {
    steps.push(s.agents.get('main')!.length);
    for (const [agent, rows] of s.agents) {
      rows.forEach((r, i) => {
        output.push(r.output);
        if (i === 0) return;
        if (agent === 'main') growth.push(r.input - rows[i - 1].input);
      });
    }
  }
  return { steps, growth, output };
}

function withinTen(name: string, sim: number[], trace: number[]) {
  for (const q of [0.5, 0.9]) {
    const a = quantile(sim, q);
    const b = quantile(trace, q);
    console.log(`${name} p${q * 100}: generator ${a.toFixed(1)}, trace ${b.toFixed(1)} (${(100 * (a / b - 1)).toFixed(1)}%)`);
    expect(Math.abs(a / b - 1)).toBeLessThanOrEqual(0.1);
  }
}

describe('generators match their traces', () => {
  it('agent jobs: steps per job, growth per step and output tokens (kv-cache-tester sessions)', async () => {
    const trace = await agenticTrace();
    const sim = new Simulation();
    const service = instantService(sim);
    const jobs: SessionRecord[] = [];
    const horizon = 3 * 24 * 3600;
    // A model with a huge context so that compaction does not cut growth short.
    startAgents({ ...AGENT_DEFAULTS, concurrency: 40 }, { sim, seed: 5, transport: service, observer: { onSessionEnd: (s) => void jobs.push(s) }, contextLimit: 1e9, horizon, source: 0 });
    sim.run({ until: horizon });
    const bySession = new Map<number, number[]>();
    for (const s of service.sent) (bySession.get(s.req.sessionId) ?? bySession.set(s.req.sessionId, []).get(s.req.sessionId)!).push(s.req.inputTokens);
    const growth = [...bySession.values()].flatMap((xs) => xs.slice(1).map((x, i) => x - xs[i]));
    // Growth between requests includes the previous answer; the trace's does too.
    withinTen('steps per job', jobs.map((j) => j.requests), trace.steps);
    withinTen("growth per step", growth, trace.growth);
    withinTen('output tokens', service.sent.map((s) => s.req.outputTokens), trace.output);
  }, 60_000);

  it('agent tool gaps and developer think times (kv-cache-tester sessions: gaps before tool results and before a person\'s message)', async () => {
    const tool: number[] = [];
    const think: number[] = [];
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(`${TRACES}/weka_claude_code_requests.csv`, 'utf8').trim().split('\n');
    const h = lines[0].split(',');
    const col = (n: string) => h.indexOf(n);
    for (const line of lines.slice(1)) {
      const c = line.split(',');
      if (+c[col('req_idx')] === 0) continue;
      const types = c[col('input_types')];
      if (types.includes('tool_result')) tool.push(+c[col('think_time_s')]);
      else if (types.includes('text')) think.push(+c[col('think_time_s')]);
    }
    const sim = new Simulation();
    const service = instantService(sim, 0);
    const horizon = 30 * 24 * 3600;
    startAgents({ ...AGENT_DEFAULTS, concurrency: 5 }, { sim, seed: 6, transport: service, observer: {}, contextLimit: 1e9, horizon: horizon / 10, source: 0 });
    startInteractive({ ...INTERACTIVE_DEFAULTS, developers: 20 }, { sim, seed: 6, transport: service, observer: {}, contextLimit: 1e9, horizon, source: 1 });
    sim.run({ until: horizon });
    const gaps = (cls: string) => {
      const bySession = new Map<number, number[]>();
      for (const s of service.sent.filter((x) => x.req.cls === cls)) (bySession.get(s.req.sessionId) ?? bySession.set(s.req.sessionId, []).get(s.req.sessionId)!).push(s.at);
      return [...bySession.values()].flatMap((ts) => ts.slice(1).map((t, i) => t - ts[i]));
    };
    withinTen('tool gap', gaps('background'), tool);
    withinTen('think time', gaps('interactive'), think);
  }, 60_000);

  it('interactive turns: first prompt and output tokens (Azure code trace)', async () => {
    const input: number[] = [];
    const output: number[] = [];
    for await (const batch of readAzure(`${TRACES}/azure2023_code.csv`, 'azure', { skipBad: false }, newTraceStats())) {
      for (const r of batch) {
        input.push(r.input);
        output.push(r.output);
      }
    }
    const sim = new Simulation();
    const service = instantService(sim, 0);
    startInteractive({ ...INTERACTIVE_DEFAULTS, developers: 200 }, { sim, seed: 7, transport: service, observer: {}, contextLimit: 1e9, horizon: 5 * 24 * 3600, source: 0 });
    sim.run({ until: 5 * 24 * 3600 });
    const first = service.sent.filter((s) => s.req.id % 100_000 === 0);
    withinTen('first prompt', first.map((s) => s.req.inputTokens), input);
    withinTen('output tokens', service.sent.map((s) => s.req.outputTokens), output);
  }, 60_000);
});
