/// <reference lib="dom" />
/**
 * The web worker that runs a small scenario with the simulator's own engine (study/run.ts) and
 * reports as it goes: progress, TTFT and inter-token latency histograms, and where a finished agent
 * task's time went. The page cancels a run by terminating the worker.
 */
import { addStages, latencies, type RequestRecord, type Stages } from '../metrics/recorder.js';
import type { SessionRecord } from '../domain/request.js';
import { runScenario, type ResolvedScenario } from '../study/run.js';
import { BIN_COUNT, binOf } from './histogram.js';
import type { FromWorker, SystemTally } from './messages.js';

function newTally(system: string): SystemTally {
  return {
    system,
    completed: 0,
    rejected: 0,
    ttft: new Array(BIN_COUNT).fill(0),
    itl: new Array(BIN_COUNT).fill(0),
    tasks: 0,
    task: { startup: 0, tool: 0, network: 0, queue: 0, prefill: 0, decode: 0, total: 0 },
  };
}

async function run(scenario: ResolvedScenario, post: (m: FromWorker) => void): Promise<void> {
  const tallies = new Map(scenario.systems.map((s) => [s.name, newTally(s.name)]));
  // Request stages of agent sessions still running, folded into the task totals when they end.
  const open = new Map<string, Stages>();
  const key = (system: string, session: number) => `${system}/${session}`;
  const onRecord = (r: RequestRecord) => {
    const t = tallies.get(r.system)!;
    if (r.outcome === 'rejected') {
      t.rejected++;
      return;
    }
    if (r.outcome !== 'completed') return; // unfinished, or given up by the client: no latencies
    t.completed++;
    const l = latencies(r);
    t.ttft[binOf(l.ttft * 1000)]++;
    if (!Number.isNaN(l.itl)) t.itl[binOf(l.itl * 1000)]++;
    if (r.cls === 'background') {
      const k = key(r.system, r.session);
      const stages = open.get(k) ?? { network: 0, queue: 0, prefill: 0, decode: 0 };
      addStages(stages, r);
      open.set(k, stages);
    }
  };
  const onSession = (s: SessionRecord & { system: string }) => {
    if (s.kind !== 'agent') return;
    const t = tallies.get(s.system)!;
    const k = key(s.system, s.id);
    const stages = open.get(k) ?? { network: 0, queue: 0, prefill: 0, decode: 0 };
    open.delete(k);
    t.tasks++;
    t.task.startup += s.startupSeconds;
    t.task.tool += s.gapSeconds;
    t.task.network += stages.network;
    t.task.queue += stages.queue;
    t.task.prefill += stages.prefill;
    t.task.decode += stages.decode;
    t.task.total += s.end - s.start;
  };
  let last = -1;
  const result = await runScenario(scenario, {
    records: 'none',
    onRecord,
    onSession,
    onProgress: (fraction) => {
      // One message per 1% of the run: the page redraws as the histograms fill.
      if (Math.floor(fraction * 100) === last) return;
      last = Math.floor(fraction * 100);
      post({ type: 'progress', fraction, tallies: [...tallies.values()] });
    },
  });
  post({ type: 'done', tallies: [...tallies.values()], fingerprints: result.fingerprints, summaries: result.summaries });
}

// The worker's global scope (typed through the DOM library, which the page's code uses).
const scope = self as unknown as { postMessage(m: FromWorker): void; onmessage: (e: MessageEvent<{ scenario: ResolvedScenario }>) => void };
scope.onmessage = (e) => {
  run(e.data.scenario, (m) => scope.postMessage(m)).catch((error: unknown) => scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
