/**
 * The shipped scenarios' answers keep their direction (issue 13): a model change that flips a
 * conclusion fails here. Each runs the shipped file, shrunk in size only (fewer developers and
 * agents, a shorter window); fleets, models, reasoning and SLOs are as shipped.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenario, resolveScenario } from '../../src/io/scenario.js';
import { answerScenario } from '../../src/study/answers.js';
import { figuresOf } from '../../src/study/answers.js';
import { runScenario } from '../../src/study/run.js';
import { ROOT } from '../support/cli.js';

type Raw = Record<string, any>;

async function run(file: string, shrink: (raw: Raw) => Raw) {
  const loaded = readScenario(join(ROOT, 'scenarios', file));
  const { resolved } = resolveScenario(loaded, shrink(loaded.raw as Raw));
  const result = await runScenario(resolved, { records: 'none' });
  return { resolved, result, figures: figuresOf(resolved, result), answer: answerScenario(resolved, result) };
}

describe('codex-spark (the default study)', () => {
  it('wafers are faster per user; a task speeds up far less than a token; x-high tasks take far longer than default', async () => {
    // The three compared systems only (the reasoning sweep runs the same code), 10 minutes of
    // arrivals and an hour of drain so that most agent jobs started in the window finish.
    const { figures, answer } = await run('codex-spark.yaml', (raw) => ({
      ...raw,
      durationMinutes: 10,
      drainMinutes: 60,
      systems: raw.systems.filter((s: Raw) => ['spark-cs3', 'codex-gpu', 'codex-gpu-xhigh'].includes(s.name)),
      answer: { ...raw.answer, reasoningSweep: [] },
      workload: { interactive: { ...raw.workload.interactive, developers: 100 }, agents: { ...raw.workload.agents, concurrency: 12 } },
    }));
    const [fast, gpu, xhigh] = ['spark-cs3', 'codex-gpu', 'codex-gpu-xhigh'].map((n) => figures.get(n)!);
    const tokenSpeedup = fast.interactive!.tokensPerSecondPerUser / gpu.interactive!.tokensPerSecondPerUser;
    const taskSpeedup = gpu.background!.jobP50Seconds / fast.background!.jobP50Seconds;
    const turnSpeedup = gpu.turnSeconds / fast.turnSeconds;
    console.log(`token ×${tokenSpeedup.toFixed(2)}, turn ×${turnSpeedup.toFixed(2)}, task ×${taskSpeedup.toFixed(3)}; x-high task / default task ${(xhigh.background!.jobP50Seconds / gpu.background!.jobP50Seconds).toFixed(2)}`);
    expect(tokenSpeedup).toBeGreaterThan(3);
    expect(turnSpeedup).toBeGreaterThan(3);
    // Task times are finite (the median job ended) and the task speed-up is well below the token's.
    expect(Number.isFinite(taskSpeedup)).toBe(true);
    expect(taskSpeedup).toBeGreaterThan(1);
    expect(taskSpeedup).toBeLessThan(tokenSpeedup / 2);
    // X-high: its hidden reasoning makes turns and tasks far longer than at default effort.
    expect(xhigh.turnSeconds).toBeGreaterThan(3 * gpu.turnSeconds);
    expect(xhigh.background!.jobP50Seconds).toBeGreaterThan(1.3 * gpu.background!.jobP50Seconds);
    // No rejected requests and no unfinished interactive work in any of the three.
    for (const f of [fast, gpu, xhigh]) {
      expect(f.summary.rejected).toBe(0);
      expect(f.interactive!.unfinished).toBe(0);
    }
    expect(answer.lines.join('\n')).toMatch(/Per user: spark-cs3 streams/);
    expect(answer.tables.map((t) => t.title)).toContain('Seed claims of the Codex-Spark launch, and what the simulator gives');
  }, 300_000);
});

describe('interactive-vs-agents', () => {
  it('CS-3 is faster per user, and whole agent tasks gain far less than tokens', async () => {
    const { figures } = await run('interactive-vs-agents.yaml', (raw) => ({ ...raw, durationMinutes: 10, drainMinutes: 60, workload: { ...raw.workload, interactive: { ...raw.workload.interactive, developers: 30 }, agents: { ...raw.workload.agents, concurrency: 6 } } }));
    const [cs3, h100] = [figures.get('cs3')!, figures.get('h100')!];
    const token = cs3.interactive!.tokensPerSecondPerUser / h100.interactive!.tokensPerSecondPerUser;
    const task = h100.background!.jobP50Seconds / cs3.background!.jobP50Seconds;
    expect(token).toBeGreaterThan(3);
    expect(Number.isFinite(task)).toBe(true);
    expect(task).toBeLessThan(token / 2);
  }, 300_000);
});

describe('network-websocket', () => {
  it('the persistent WebSocket halves time to first token or better, against HTTP/2', async () => {
    const { figures } = await run('network-websocket.yaml', (raw) => ({ ...raw, durationMinutes: 10, workload: { interactive: { ...raw.workload.interactive, developers: 200 } } }));
    const [http2, ws] = [figures.get('http2')!, figures.get('websocket')!];
    expect(ws.interactive!.latency.ttft.median).toBeLessThan(0.6 * http2.interactive!.latency.ttft.median);
  }, 300_000);
});
