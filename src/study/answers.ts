/**
 * Every scenario's answer to its question, computed from its run: never a hard-coded figure.
 * `compare` (the default) sets every system against the first: speed per user, time per turn and
 * per task, cost, service (SLOs, rejected and unfinished work) and where an agent's time goes.
 * `launch` is the default study's own answer (launch-answer.ts).
 */
import { assertNever } from '../domain/never.js';
import type { ClassSummary, SystemSummary } from '../metrics/summary.js';
import type { Answer } from '../report/answer.js';
import { int, sig } from '../report/format.js';
import { launchAnswer } from './launch-answer.js';
import type { ResolvedScenario, RunResult } from './run.js';
import type { PointResult } from './sweep.js';
import type { SystemSpec } from './world.js';

/** One system's figures the answers use (first repeat). */
export interface SystemFigures {
  summary: SystemSummary;
  spec: SystemSpec;
  interactive?: ClassSummary;
  background?: ClassSummary;
  /** Mean client-side time of an interactive turn (send → last token), s. */
  turnSeconds: number;
  /** Mean visible (non-reasoning) output tokens per interactive turn. */
  visibleTokensPerTurn: number;
}

export function figuresOf(s: ResolvedScenario, r: RunResult): Map<string, SystemFigures> {
  const out = new Map<string, SystemFigures>();
  for (const summary of r.summaries) {
    const spec = s.systems.find((x) => x.name === summary.system)!;
    const interactive = summary.classes.find((c) => c.cls === 'interactive');
    const background = summary.classes.find((c) => c.cls === 'background');
    const visible = interactive && interactive.requests > 0 ? (interactive.outputTokens - interactive.reasoningTokens) / interactive.requests : NaN;
    out.set(summary.system, { summary, spec, interactive, background, turnSeconds: interactive ? interactive.latency.e2el.mean : NaN, visibleTokensPerTurn: visible });
  }
  return out;
}

export const num = (x: number, digits = 3): string => (Number.isFinite(x) ? sig(x, digits) : x === Infinity ? '> run' : '–');
export const times = (x: number): string => (Number.isFinite(x) && x > 0 ? `${sig(x, 3)}×` : '–');
export const share = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '–');
/** Time to first token at the client, ms. */
export const ttftMs = (c: ClassSummary | undefined, at: 'median' | 'p99'): number => (c ? c.latency.ttft[at] * 1000 : NaN);
/** +12% / −30%: a change relative to the first value. */
export const signedShare = (x: number): string => (Number.isFinite(x) ? `${x < 0 ? '−' : '+'}${Math.abs(100 * x).toFixed(0)}%` : '–');
export const minutes = (seconds: number): string => (seconds === Infinity ? 'longer than the run' : `${num(seconds / 60)} min`);

/** "6 × 8 × h200" style: replicas × devices per replica × hardware, per pool. */
export function fleetText(spec: SystemSpec): string {
  return spec.pools.map((p) => `${p.replicas} × ${p.deployment.count} ${p.hardware.id} (${p.replicas * p.deployment.count})`).join(' + ');
}

/** Where an agent's time goes, per model call and the tool call after it: seconds by part. */
export function agentTime(c: ClassSummary): { parts: [string, number][]; total: number } {
  const st = c.stages;
  const reasoningShare = c.outputTokens > 0 ? c.reasoningTokens / c.outputTokens : 0;
  const parts: [string, number][] = [
    ['tool calls', st.gap],
    ['reasoning decode', st.decode * reasoningShare],
    ['visible decode', st.decode * (1 - reasoningShare)],
    ['prefill', st.prefill],
    ['queueing', st.queue],
    ['network', st.network],
    ['session start', st.startup],
  ];
  return { parts, total: parts.reduce((a, [, v]) => a + v, 0) };
}

export function agentTimeLine(system: string, c: ClassSummary): string {
  const { parts, total } = agentTime(c);
  return `${system}: an agent step takes ${num(total)} s on average: ${parts.filter(([, v]) => v / total >= 0.005).map(([k, v]) => `${k} ${share(v / total)}`).join(', ')}`;
}

/** SLOs met or missed, rejected and unfinished work, jobs still running at the end. */
export function serviceLine(f: SystemFigures): string {
  const s = f.summary;
  const slo = s.classes.every((c) => c.meetsSlo !== false) ? (s.classes.some((c) => c.meetsSlo) ? 'meets its SLOs' : 'no SLO set') : `misses: ${s.classes.flatMap((c) => c.sloMisses.map((m) => `${c.cls} ${m}`)).join('; ')}`;
  const jobs = f.background?.jobs;
  const jobText = jobs && jobs.completed + jobs.failed + jobs.unfinished > 0
    ? `; agent jobs: ${int(jobs.completed)} completed, ${int(jobs.unfinished)} still running at the end${jobs.failed ? `, ${int(jobs.failed)} failed` : ''}`
    : '';
  return `${s.system} (${fleetText(f.spec)}): ${slo}; ${int(s.rejected)} requests rejected, ${int(s.unfinished)} unfinished${jobText}`;
}

function compareLine(base: SystemFigures, other: SystemFigures): string {
  const parts: string[] = [];
  const [bi, oi] = [base.interactive ?? base.background, other.interactive ?? other.background];
  if (bi && oi) {
    parts.push(`tokens/s per user ${num(bi.tokensPerSecondPerUser, 4)} vs ${num(oi.tokensPerSecondPerUser, 4)} (${times(bi.tokensPerSecondPerUser / oi.tokensPerSecondPerUser)})`);
    parts.push(`TTFT p50 ${num(ttftMs(bi, 'median'))} vs ${num(ttftMs(oi, 'median'))} ms (${signedShare(ttftMs(oi, 'median') / ttftMs(bi, 'median') - 1)})`);
  }
  if (Number.isFinite(base.turnSeconds) && Number.isFinite(other.turnSeconds)) parts.push(`interactive turn ${num(base.turnSeconds)} vs ${num(other.turnSeconds)} s (${other.summary.system} takes ${times(other.turnSeconds / base.turnSeconds)} the time)`);
  const [bj, oj] = [base.background?.jobP50Seconds, other.background?.jobP50Seconds];
  if (bj !== undefined && oj !== undefined && !Number.isNaN(bj) && !Number.isNaN(oj)) parts.push(`median agent task ${minutes(bj)} vs ${minutes(oj)} (${other.summary.system} takes ${times(oj / bj)} the time)`);
  parts.push(`$/M output tokens ${num(base.summary.usdPerMillionOutputTokens)} vs ${num(other.summary.usdPerMillionOutputTokens)} at $${num(base.summary.usdPerHour, 4)} vs $${num(other.summary.usdPerHour, 4)} per hour`);
  return `${base.summary.system} vs ${other.summary.system}: ${parts.join('; ')}`;
}

function compareAnswer(s: ResolvedScenario, r: RunResult): Answer {
  const figures = [...figuresOf(s, r).values()];
  const [base, ...others] = figures;
  const lines = [
    ...others.map((o) => compareLine(base, o)),
    ...figures.map(serviceLine),
    ...figures.filter((f) => f.background && f.background.requests > 0 && f.background.jobs.completed + f.background.jobs.unfinished > 0).map((f) => agentTimeLine(f.summary.system, f.background!)),
  ];
  return { question: s.question ?? s.description, lines, tables: [] };
}

export function answerScenario(s: ResolvedScenario, r: RunResult): Answer {
  const spec = s.answer ?? { kind: 'compare' as const };
  switch (spec.kind) {
    case 'compare':
      return compareAnswer(s, r);
    case 'launch':
      return launchAnswer(s, r, spec);
    default:
      return assertNever(spec);
  }
}

/**
 * A sweep's answer: for each system's main class (interactive, else background), how speed per
 * user, TTFT p99 and the share of requests served move from the first point to the last, and
 * a table of every point (first repeat).
 */
export function sweepAnswer(question: string, points: PointResult[]): Answer {
  const first = points.filter((p) => p.repeat === 0).sort((a, b) => a.index - b.index);
  const main = (s: SystemSummary) => s.classes.find((c) => c.cls === 'interactive') ?? s.classes[0];
  const served = (c: ClassSummary) => c.requests / Math.max(1, c.requests + c.rejected + c.unfinished + c.gaveUp);
  const label = (p: PointResult) => p.values.map((v) => `${v.path.split('&').map((x) => x.trim().split('.').pop()).filter((x, i, a) => a.indexOf(x) === i).join('/')}=${JSON.stringify(v.value)}`).join(' ');
  const [a, b] = [first[0], first[first.length - 1]];
  const lines = a.summaries.map((sa, i) => {
    const [ca, cb] = [main(sa), main(b.summaries[i])];
    return `${sa.system} ${ca.cls}, ${label(a)} → ${label(b)}: tokens/s per user ${num(ca.tokensPerSecondPerUser, 4)} → ${num(cb.tokensPerSecondPerUser, 4)} (${times(cb.tokensPerSecondPerUser / ca.tokensPerSecondPerUser)}); TTFT p99 ${num(ttftMs(ca, 'p99'))} → ${num(ttftMs(cb, 'p99'))} ms; served ${share(served(ca))} → ${share(served(cb))}`;
  });
  const table = {
    title: 'Every point (first repeat)',
    header: ['point', 'system', 'class', 'tok/s per user', 'TTFT p99 ms', 'served', 'rejected', '$/M output tok'],
    rows: first.flatMap((p) => p.summaries.map((s) => {
      const c = main(s);
      return [label(p), s.system, c.cls, num(c.tokensPerSecondPerUser, 4), num(ttftMs(c, 'p99')), share(served(c)), int(c.rejected), num(s.usdPerMillionOutputTokens)];
    })),
  };
  return { question, lines, tables: [table] };
}
