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
import { ask, beginSession, Conversation, endSession, tally } from './conversation.js';
import { reasoningDraw, tokens } from './draw.js';
import type { AgentSpec } from '../domain/workload.js';

export function startAgents(spec: AgentSpec, ctx: WorkloadContext): void {
  for (let slot = 0; slot < spec.concurrency; slot++) {
    spawn(ctx.sim, (function* (): Process {
      // Slots start spread over the first minute, not in lockstep.
      yield stream(ctx.seed, 'workload', ctx.source, 'slot', slot).next() * 60;
      for (let k = 0; ctx.sim.now < ctx.horizon; k++) yield job(spec, ctx, sessionIdOf(ctx.source, slot, k), 0);
    })());
  }
}

/** One job (or, with depth > 0, one sub-agent); the Signal fires when it ends: true if completed, false if it failed. */
export function job(spec: AgentSpec, ctx: WorkloadContext, jobId: number, depth: number, channel?: SessionChannel): Signal<boolean> {
  const done = new Signal<boolean>();
  // Sub-agents are part of their job's record, not sessions of their own.
  const record = beginSession(depth === 0 ? ctx.observer : {}, jobId, 'agent', spec.cls, ctx.sim.now);
  const rng = stream(ctx.seed, 'workload', ctx.source, 'job', jobId);
  const run = (ch: SessionChannel) => spawn(ctx.sim, loop(spec, ctx, jobId, depth, rng, ch, record, done));
  if (channel) run(channel);
  else ctx.transport.openSession(jobId, stream(ctx.seed, 'network', ctx.source, jobId), run);
  return done;
}

function* loop(spec: AgentSpec, ctx: WorkloadContext, jobId: number, depth: number, rng: Rng, channel: SessionChannel, record: SessionRecord, done: Signal<boolean>): Process {
  const { sim } = ctx;
  const draw = {
    steps: sampler(depth === 0 ? spec.steps : spec.subagents.steps),
    first: sampler(spec.firstContext),
    grow: sampler(spec.growth),
    out: sampler(spec.output),
    tool: sampler(spec.toolTime),
    subCount: sampler(spec.subagents.count),
  };
  const reason = reasoningDraw(spec.reasoning, ctx.seed, 'workload', ctx.source, 'job', jobId);
  const steps = Math.max(1, Math.round(draw.steps(rng)));
  const convo = new Conversation(jobId, spec.cls, ctx.source, spec.systemPromptTokens);
  const limit = Math.floor(ctx.contextLimit * spec.compaction.atFraction);
  record.startupSeconds = channel.startupSeconds;
  let completed = true;
  for (let step = 0; step < steps; step++) {
    // The step's draws, in a fixed order.
    const added = step === 0 ? tokens(Math.min(draw.first(rng), limit / 2) - spec.systemPromptTokens) : tokens(draw.grow(rng));
    const reasoning = reason();
    const output = tokens(draw.out(rng)) + reasoning;
    const tool = draw.tool(rng);
    const spawnsSubagents = depth === 0 && rng.next() < spec.subagents.probability;
    const subagents = spawnsSubagents ? Math.max(1, Math.round(draw.subCount(rng))) : 0;
    if (convo.context + added + output > limit) convo.compact(Math.min(spec.compaction.toTokens, limit / 2));
    const req = convo.next(Math.min(added, limit - convo.context - output), output, reasoning);
    // A rejected step fails the job: it is never shortened (nor its missing answer added to the context).
    if (!(yield ask(sim, channel, req, added, ctx.client, () => convo.nextId()))) {
      completed = false;
      break;
    }
    convo.answered(req);
    tally(record, req);
    if (step + 1 === steps) break;
    if (subagents > 0) {
      // The tool call is a set of sub-agents, each with its own context, on the same connection.
      const children = Array.from({ length: subagents }, (_, i) => job(spec, ctx, jobId * 10 + i + 1, depth + 1, channel));
      const t0 = sim.now;
      for (const child of children) if (!(yield child)) completed = false;
      record.subagents += subagents;
      if (!completed) break;
      record.gapSeconds += sim.now - t0;
    } else {
      record.gapSeconds += tool;
      yield tool;
    }
  }
  record.compactions = convo.compactions;
  endSession(depth === 0 ? ctx.observer : {}, record, sim.now, completed);
  done.fire(sim, completed);
}
