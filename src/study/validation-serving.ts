/**
 * Serving-level validation rows: requests through the replica engine (continuous batching, KV
 * blocks) rather than one step of the performance model. A closed loop of N clients reproduces a
 * concurrency benchmark (NVIDIA NIM); Poisson arrivals at the published rate reproduce MLPerf
 * Server, whose result is the highest rate that keeps TTFT p99 and TPOT p99 within its limits.
 * A system of R identical replicas behind a random router sees, per replica, a Poisson stream at
 * 1/R of the rate, so one replica is simulated.
 */
import { assertNever } from '../domain/never.js';
import { decodeBatch, type BatchShape } from '../domain/batch.js';
import type { LlmRequest } from '../domain/request.js';
import type { LlmSpec } from '../domain/specs.js';
import { Simulation } from '../kernel/index.js';
import { quantileOfSorted } from '../metrics/quantiles.js';
import type { PerfModel } from '../perf/index.js';
import { exponential, stream } from '../random/index.js';
import { DEFAULT_ENGINE, Replica } from '../serving/index.js';
import type { RowSetup, ValidationLoad } from './validation.js';

export interface ServingSummary {
  /** Requests measured (sent after the warm-up) and those that did not finish in the run. */
  measured: number;
  unfinished: number;
  ttftMeanSeconds: number;
  ttftP99Seconds: number;
  /** Time per output token after the first, per request: (done − first) / (output − 1). */
  tpotMeanSeconds: number;
  tpotP99Seconds: number;
  /** Output tokens per second of the whole system (replicas × one replica's) after the warm-up. */
  outputTokensPerSecond: number;
}

interface Life {
  sent: number;
  first?: number;
  done?: number;
}

const SEED = 1;

/** Offline throughput of one replica: B sequences prefilled in 8K-token chunks, then decoded together. */
export function offlineThroughput(model: PerfModel, inputTokens: number, outputTokens: number): number {
  const context = inputTokens + outputTokens;
  const batch = Math.max(1, Math.floor(model.fit.kvCapacityTokens / context));
  const chunk = 8192;
  const seqsPerChunk = chunk / inputTokens;
  const prefillChunk: BatchShape = {
    decodeSeqs: 0,
    decodeContextSum: 0,
    prefillSeqs: seqsPerChunk,
    prefillTokens: chunk,
    prefillContextSum: 0,
    prefillAttentionPairs: (seqsPerChunk * inputTokens * (inputTokens + 1)) / 2,
  };
  const prefillSeconds = ((batch * inputTokens) / chunk) * model.step(prefillChunk).seconds;
  const decodeSeconds = outputTokens * model.step(decodeBatch(batch, inputTokens + outputTokens / 2)).seconds;
  return (batch * outputTokens) / (prefillSeconds + decodeSeconds);
}


function summarise(lives: Life[], output: number, tokensInWindow: number, window: number, replicas: number): ServingSummary {
  // A request that never got its first token (or never finished) counts as infinitely late: all
  // work is accounted for, and an overloaded configuration fails its latency rows.
  const ttft = lives.map((l) => (l.first === undefined ? Infinity : l.first - l.sent)).sort((a, b) => a - b);
  const tpot = lives.map((l) => (l.done === undefined || l.first === undefined ? Infinity : (l.done - l.first) / Math.max(1, output - 1))).sort((a, b) => a - b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  // Interpolating between two infinite order statistics gives NaN: the quantile is then infinite.
  const p99 = (sorted: number[]) => (sorted[sorted.length - 1] === Infinity && Number.isNaN(quantileOfSorted(sorted, 0.99)) ? Infinity : quantileOfSorted(sorted, 0.99));
  return {
    measured: lives.length,
    unfinished: lives.filter((l) => l.done === undefined).length,
    ttftMeanSeconds: mean(ttft),
    ttftP99Seconds: p99(ttft),
    tpotMeanSeconds: mean(tpot),
    tpotP99Seconds: p99(tpot),
    outputTokensPerSecond: (replicas * tokensInWindow) / window,
  };
}

/**
 * One replica under a closed loop or Poisson arrivals (`requestsPerSecond` per replica for Poisson).
 * With `ttftLimitSeconds`, the run stops as soon as more than 1% of the requests it will measure
 * have had a first token later than that: the p99 is then over the limit whatever comes after.
 */
function runReplica(llm: LlmSpec, model: PerfModel, setup: RowSetup, load: Extract<ValidationLoad, { kind: 'closed' | 'poisson' }>, requestsPerSecond = 0, ttftLimitSeconds = Infinity): ServingSummary {
  const input = setup.input!;
  const output = setup.output!;
  const sim = new Simulation();
  const replica = new Replica('r0', sim, model, { ...DEFAULT_ENGINE, prefixCaching: false, ...setup.engine }, llm.contextTokens);
  const end = load.seconds;
  const warm = end / 4;
  const lives: Life[] = [];
  let nextId = 0;
  let late = 0;
  const lateAllowed = 0.01 * requestsPerSecond * (end - warm);
  let tokensAtWarm = 0;
  let tokensAtEnd = 0;
  sim.at(warm, () => void (tokensAtWarm = replica.stats.generatedTokens));
  sim.at(end, () => void (tokensAtEnd = replica.stats.generatedTokens));
  const send = (then?: () => void, outputTokens = output): void => {
    const life: Life = { sent: sim.now };
    if (sim.now >= warm && sim.now < end) lives.push(life);
    const req: LlmRequest = { id: nextId++, sessionId: -1, cls: 'interactive', inputTokens: input, outputTokens, reasoningTokens: 0, segments: [] };
    replica.submit(req, {
      onFirstToken: () => {
        life.first = sim.now;
        if (life.first - life.sent > ttftLimitSeconds && ++late > lateAllowed) sim.stop();
      },
      onComplete: () => {
        life.done = sim.now;
        then?.();
      },
      onReject: () => then?.(),
    });
  };
  switch (load.kind) {
    case 'closed': {
      const client = (): void => {
        if (sim.now < end) send(client);
      };
      // A benchmark that has run a while has its clients at every stage of a request, not all in
      // step: with equal requests started together, every sequence would prefill at once, then
      // decode at once (waves no steady benchmark shows). So the first requests are cut short,
      // client i's to (i + 1)/N of the output, and the clients stay spread (a warm-up, not measured).
      const n = load.concurrency;
      for (let i = 0; i < n; i++) sim.schedule(0, () => send(client, Math.max(1, Math.round((output * (i + 1)) / n))));
      sim.run({ until: end });
      // Requests still running at the end are in flight, not late: only those that finished count.
      const done = lives.filter((l) => l.done !== undefined);
      return { ...summarise(done, output, tokensAtEnd - tokensAtWarm, end - warm, setup.replicas ?? 1), unfinished: lives.length - done.length };
    }
    case 'poisson': {
      // One stream for every row: rows that share a run (and a fitter's trials) see the same arrivals.
      const rng = stream(SEED, 'validation', 'arrivals');
      const gap = exponential(1 / requestsPerSecond);
      const arrive = (): void => {
        send();
        const next = sim.now + gap(rng);
        if (next < end) sim.at(next, arrive);
      };
      sim.at(gap(rng), arrive);
      // Let the measured requests drain, but no longer than three windows: an overloaded queue
      // would otherwise run on for ever. What has not finished by then counts as infinitely late.
      sim.run({ until: 3 * end });
      return summarise(lives, output, tokensAtEnd - tokensAtWarm, end - warm, setup.replicas ?? 1);
    }
    default:
      return assertNever(load);
  }
}

export function runServing(llm: LlmSpec, model: PerfModel, setup: RowSetup, load: Extract<ValidationLoad, { kind: 'closed' | 'poisson' }>): ServingSummary {
  const perReplica = load.kind === 'poisson' ? load.tokensPerSecond / setup.output! / (setup.replicas ?? 1) : 0;
  return runReplica(llm, model, setup, load, perReplica);
}

/**
 * MLPerf Server: the highest Poisson request rate (whole system, requests/s) at which TTFT p99 and
 * TPOT p99 stay within the limits. Bisection (8 halvings) below an upper bracket (1.25 × the offline throughput, doubled while it is met);
 * every trial draws the same uniform numbers (one stream), so the search is deterministic.
 */
export function serverLimitRate(llm: LlmSpec, model: PerfModel, setup: RowSetup, load: Extract<ValidationLoad, { kind: 'serverLimits' }>): number {
  const poisson = { kind: 'poisson' as const, tokensPerSecond: 0, seconds: load.seconds };
  const meets = (rate: number): boolean => {
    const s = runReplica(llm, model, setup, poisson, rate, load.ttftP99Ms / 1000);
    return s.ttftP99Seconds * 1000 <= load.ttftP99Ms && s.tpotP99Seconds * 1000 <= load.tpotP99Ms;
  };
  // No rate above the replica's offline (all-at-once) throughput can be served: the search starts there.
  const offline = offlineThroughput(model, setup.input!, setup.output!) / setup.output!;
  let low = 0;
  let high = 1.25 * offline;
  for (let i = 0; i < 20 && meets(high); i++) [low, high] = [high, 2 * high];
  for (let i = 0; i < 8; i++) {
    const mid = (low + high) / 2;
    if (meets(mid)) low = mid;
    else high = mid;
  }
  return low * (setup.replicas ?? 1);
}
