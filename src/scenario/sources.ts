/** The workload sections of a scenario file as workload specs: each key the file sets, the fitted default otherwise. */
import type { DistributionSpec } from '../domain/distribution.js';
import { WORKLOAD_KINDS, type WorkloadKind } from '../domain/kinds.js';
import { AGENT_DEFAULTS, INTERACTIVE_DEFAULTS, OPEN_LOOP_DEFAULTS, type WorkloadSpec } from '../domain/workload.js';
import { distributionOf } from './normalise.js';
import type { DistributionFile, ScenarioFile } from './schema.js';

/** A distribution from the file, or the default fitted to the traces. */
const or = (v: DistributionFile | undefined, fallback: DistributionSpec): DistributionSpec => (v === undefined ? fallback : distributionOf(v));

type WorkloadFile = ScenarioFile['workload'];

/**
 * One builder per workload kind, keyed by the kind (domain/kinds.ts): a new kind does not compile
 * until it has a builder here, and the builder needs its section in the scenario schema. Sources are
 * built in WORKLOAD_KINDS order (interactive, agents, open-loop), which fixes their stream names.
 */
const SOURCES: { readonly [K in WorkloadKind]: (w: WorkloadFile) => Extract<WorkloadSpec, { kind: K }> | undefined } = {
  interactive: (w) => {
    if (!w.interactive) return undefined;
    const x = w.interactive;
    const def = INTERACTIVE_DEFAULTS;
    return {
      ...def,
      developers: x.developers,
      cls: x.class ?? def.cls,
      sessionGap: or(x.sessionGapSeconds, def.sessionGap),
      dailyCycle: x.dailyCycle,
      turns: or(x.turns, def.turns),
      firstPrompt: or(x.firstPromptTokens, def.firstPrompt),
      newTokens: or(x.newTokens, def.newTokens),
      output: or(x.outputTokens, def.output),
      reasoning: or(x.reasoningTokens, def.reasoning),
      think: or(x.thinkSeconds, def.think),
      systemPromptTokens: x.systemPromptTokens ?? def.systemPromptTokens,
    };
  },
  agents: (w) => {
    if (!w.agents) return undefined;
    const x = w.agents;
    const def = AGENT_DEFAULTS;
    return {
      ...def,
      concurrency: x.concurrency,
      cls: x.class ?? def.cls,
      steps: or(x.steps, def.steps),
      firstContext: or(x.firstContextTokens, def.firstContext),
      growth: or(x.growthTokens, def.growth),
      output: or(x.outputTokens, def.output),
      reasoning: or(x.reasoningTokens, def.reasoning),
      toolTime: or(x.toolSeconds, def.toolTime),
      systemPromptTokens: x.systemPromptTokens ?? def.systemPromptTokens,
      subagents: x.subagents
        ? { probability: x.subagents.probability, count: or(x.subagents.count, def.subagents.count), steps: or(x.subagents.steps, def.subagents.steps) }
        : def.subagents,
      compaction: x.compaction ?? def.compaction,
    };
  },
  'open-loop': (w) => {
    if (!w.openLoop) return undefined;
    const x = w.openLoop;
    const def = OPEN_LOOP_DEFAULTS;
    const rate = x.ratePerSecond;
    return {
      ...def,
      rate: typeof rate === 'number' ? { kind: 'constant', perSecond: rate } : rate,
      cls: x.class ?? def.cls,
      cv: x.cv ?? def.cv,
      input: or(x.inputTokens, def.input),
      output: or(x.outputTokens, def.output),
      reasoning: or(x.reasoningTokens, def.reasoning),
    };
  },
};

export function workloadSources(w: WorkloadFile): WorkloadSpec[] {
  return WORKLOAD_KINDS.flatMap((kind) => SOURCES[kind](w) ?? []);
}
