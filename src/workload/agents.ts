/**
 * Long-running agent jobs: a loop of (model call → tool call of random duration) with the context
 * growing each step, compaction when it nears the model's context limit, optional hidden
 * reasoning, and now and then a tool call that is a set of sub-agents run in parallel (the job
 * waits for them). `concurrency` slots each run jobs back to back. The metric is job completion time.
 */
import { Signal, spawn, type Process } from '../kernel/index.js';
import type { SessionChannel, SessionRecord } from '../domain/request.js';
import { sampler, stream, type Rng } from '../random/index.js';
import { sessionIdOf, type WorkloadContext } from './context.js';
import { ask, Conversation, tally } from './conversation.js';
import { tokens } from './draw.js';
import type { AgentSpec } from './specs.js';

export function startAgents(spec: AgentSpec, ctx: WorkloadContext): void {
  for (let slot = 0; slot < spec.concurrency; slot++) {
    spawn(ctx.sim, (function* (): Process {
      // Slots start spread over the first minute, not in lockstep.
      yield stream(ctx.seed, 'workload', ctx.source, 'slot', slot).next() * 60;
      for (let k = 0; ctx.sim.now < ctx.horizon; k++) yield job(spec, ctx, sessionIdOf(ctx.source, slot, k), 0);
    })());
  }
}

/** One job (or, with depth > 0, one sub-agent); the Signal fires when it ends. */
export function job(spec: AgentSpec, ctx: WorkloadContext, jobId: number, depth: number, channel?: SessionChannel): Signal<void> {
  const done = new Signal<void>();
  const rng = stream(ctx.seed, 'workload', ctx.source, 'job', jobId);
  const run = (ch: SessionChannel) => spawn(ctx.sim, loop(spec, ctx, jobId, depth, rng, ch, done));
  if (channel) run(channel);
  else ctx.transport.openSession(jobId, stream(ctx.seed, 'network', ctx.source, jobId), run);
  return done;
}

function* loop(spec: AgentSpec, ctx: WorkloadContext, jobId: number, depth: number, rng: Rng, channel: SessionChannel, done: Signal<void>): Process {
  const { sim } = ctx;
  const draw = {
    steps: sampler(depth === 0 ? spec.steps : spec.subagents.steps),
    first: sampler(spec.firstContext),
    grow: sampler(spec.growth),
    out: sampler(spec.output),
    reason: sampler(spec.reasoning),
    tool: sampler(spec.toolTime),
    subCount: sampler(spec.subagents.count),
  };
  const start = sim.now;
  const steps = Math.max(1, Math.round(draw.steps(rng)));
  const convo = new Conversation(jobId, spec.cls, ctx.source, spec.systemPromptTokens);
  const limit = Math.floor(ctx.contextLimit * spec.compaction.atFraction);
  const record: SessionRecord = { id: jobId, kind: 'agent', cls: spec.cls, start, end: start, requests: 0, inputTokens: 0, outputTokens: 0, startupSeconds: channel.startupSeconds, gapSeconds: 0, subagents: 0, compactions: 0 };
  for (let step = 0; step < steps; step++) {
    // The step's draws, in a fixed order.
    const added = step === 0 ? tokens(Math.min(draw.first(rng), limit / 2) - spec.systemPromptTokens) : tokens(draw.grow(rng));
    const reasoning = tokens(draw.reason(rng), 0);
    const output = tokens(draw.out(rng)) + reasoning;
    const tool = draw.tool(rng);
    const spawnsSubagents = depth === 0 && rng.next() < spec.subagents.probability;
    const subagents = spawnsSubagents ? Math.max(1, Math.round(draw.subCount(rng))) : 0;
    if (convo.context + added + output > limit) convo.compact(Math.min(spec.compaction.toTokens, limit / 2));
    const req = convo.next(Math.min(added, limit - convo.context - output), output, reasoning);
    yield ask(sim, channel, req, added);
    convo.answered(req);
    tally(record, req);
    if (step + 1 === steps) break;
    if (subagents > 0) {
      // The tool call is a set of sub-agents, each with its own context, on the same connection.
      const children = Array.from({ length: subagents }, (_, i) => job(spec, ctx, jobId * 10 + i + 1, depth + 1, channel));
      const t0 = sim.now;
      for (const child of children) yield child;
      record.subagents += subagents;
      record.gapSeconds += sim.now - t0;
    } else {
      record.gapSeconds += tool;
      yield tool;
    }
  }
  record.end = sim.now;
  record.compactions = convo.compactions;
  if (depth === 0) ctx.observer.onSessionEnd?.(record);
  done.fire(sim, undefined);
}
