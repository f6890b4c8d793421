/**
 * Workload descriptions (plain data: workload/ runs them) and their defaults. Every default distribution is fitted to a
 * shipped trace (data/README.md): lognormals from the trace's median and 90th percentile, so the
 * generators reproduce both.
 */
import type { RequestClass } from './request.js';
import type { DistributionSpec } from './distribution.js';

const ln = (median: number, p90: number): DistributionSpec => ({ kind: 'lognormal', median, p90 });

/** A rate over the day: constant, piecewise by hour, or sinusoidal with a peak hour. */
export type RateSpec =
  | { kind: 'constant'; perSecond: number }
  | { kind: 'piecewise'; hours: { fromHour: number; perSecond: number }[] }
  | { kind: 'sinusoidal'; meanPerSecond: number; amplitude: number; peakHour: number };

export interface InteractiveSpec {
  kind: 'interactive';
  cls: RequestClass;
  /** Developers; each runs sessions one after another (a closed loop). */
  developers: number;
  /** Idle time between one developer's sessions, seconds. */
  sessionGap: DistributionSpec;
  /** Scale session arrivals with the time of day (1 ± amplitude, peak at peakHour). */
  /** startHour: the clock hour at which the run starts (the planner places its run at the peak). */
  dailyCycle?: { amplitude: number; peakHour: number; startHour?: number };
  turns: DistributionSpec;
  /** Prompt tokens of a session's first request. */
  firstPrompt: DistributionSpec;
  /** New prompt tokens each later turn adds (message, files) on top of the previous context and answer. */
  newTokens: DistributionSpec;
  output: DistributionSpec;
  /** Hidden reasoning tokens before the visible answer. */
  reasoning: DistributionSpec;
  think: DistributionSpec;
  /** A system prompt shared by every session (cached once). */
  systemPromptTokens: number;
}

export interface AgentSpec {
  kind: 'agents';
  cls: RequestClass;
  /** Agent jobs running at once; each slot starts a new job when its job ends. */
  concurrency: number;
  steps: DistributionSpec;
  /** Context of a job's first request, including the shared tools and system prompt. */
  firstContext: DistributionSpec;
  /** Tokens a step adds to the context beyond the previous answer (tool results, messages). */
  growth: DistributionSpec;
  output: DistributionSpec;
  reasoning: DistributionSpec;
  /** Tool call between model calls, seconds. */
  toolTime: DistributionSpec;
  /** Shared tools + system prompt at the start of every job. */
  systemPromptTokens: number;
  /** At each step, the probability that the tool call is a set of sub-agents run in parallel. */
  subagents: { probability: number; count: DistributionSpec; steps: DistributionSpec };
  /** When the context would pass `atFraction` of the model's limit, it is compacted to `toTokens`. */
  compaction: { atFraction: number; toTokens: number };
}

export interface OpenLoopSpec {
  kind: 'open-loop';
  cls: RequestClass;
  rate: RateSpec;
  /** Coefficient of variation of inter-arrival times: 1 = Poisson, > 1 bursty (gamma). */
  cv: number;
  input: DistributionSpec;
  output: DistributionSpec;
  reasoning: DistributionSpec;
}

export type WorkloadSpec = InteractiveSpec | AgentSpec | OpenLoopSpec;

/** Interactive coding: first prompt and output from the Azure code trace (2023-11, 8,819 requests);
 *  later turns, think time and session length from the human turns of the kv-cache-tester sessions. */
export const INTERACTIVE_DEFAULTS: Omit<InteractiveSpec, 'developers'> = {
  kind: 'interactive',
  cls: 'interactive',
  sessionGap: { kind: 'exponential', mean: 1800 },
  turns: ln(5, 28), // n_user_text_turns: p50 5, p90 28
  firstPrompt: ln(1469, 5188), // Azure code ContextTokens: p50 1,469, p90 5,188
  newTokens: ln(532, 2658), // growth before a person's message: p50 532, p90 2,658
  output: ln(13, 55), // Azure code GeneratedTokens: p50 13, p90 55
  reasoning: { kind: 'constant', value: 0 },
  think: ln(121, 1505), // gap before a person's message: p50 121 s, p90 1,505 s
  systemPromptTokens: 0,
};

/** Agent jobs: fitted to the kv-cache-tester agentic sessions (710 Claude Code sessions). */
export const AGENT_DEFAULTS: Omit<AgentSpec, 'concurrency'> = {
  kind: 'agents',
  cls: 'background',
  steps: ln(45, 155), // requests of the main agent per session: p50 45, p90 155
  firstContext: ln(24454, 258903), // first request's input tokens: p50 24,454, p90 258,903
  // Tokens each step adds beyond the previous answer (tool results, messages): p50 272, p90 2,808.
  // With the answer itself, a step's input grows by p50 646, p90 3,510, as in the trace.
  growth: ln(272, 2808),
  output: ln(216, 898), // output tokens: p50 216, p90 898
  reasoning: { kind: 'constant', value: 0 },
  toolTime: ln(9, 72), // gap before a request that follows a tool result: p50 9 s, p90 72 s
  systemPromptTokens: 15000, // tools + system prompt ≈ 15K (data/README.md)
  subagents: { probability: 0.0013, count: { kind: 'constant', value: 1 }, steps: ln(11, 17) }, // 92 sub-agents over 48.6K main steps; p50 11, p90 17 steps
  compaction: { atFraction: 0.9, toTokens: 30000 },
};

export const OPEN_LOOP_DEFAULTS: Omit<OpenLoopSpec, 'rate'> = {
  kind: 'open-loop',
  cls: 'interactive',
  cv: 1,
  input: ln(1469, 5188),
  output: ln(13, 55),
  reasoning: { kind: 'constant', value: 0 },
};
