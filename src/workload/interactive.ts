/**
 * Interactive coding sessions: a population of developers, each a closed loop of sessions.
 * A session starts up, then runs turns of (prompt with the growing context, a short answer,
 * think time). Every draw comes from the session's own stream, in a fixed order, so every system
 * sees the same developer doing the same things (common random numbers).
 */
import { Signal, spawn, type Process } from '../kernel/index.js';
import { sampler, stream } from '../random/index.js';
import type { WorkloadContext } from './context.js';
import { sessionIdOf } from './context.js';
import { ask, beginSession, Conversation, endSession, tally } from './conversation.js';
import type { InteractiveSpec } from '../domain/workload.js';
import { reasoningDraw, tokens, dailyFactor } from './draw.js';

export function startInteractive(spec: InteractiveSpec, ctx: WorkloadContext): void {
  for (let d = 0; d < spec.developers; d++) spawn(ctx.sim, developer(spec, ctx, d));
}

function* developer(spec: InteractiveSpec, ctx: WorkloadContext, d: number): Process {
  const rng = stream(ctx.seed, 'workload', ctx.source, 'developer', d);
  const gap = sampler(spec.sessionGap);
  // Developers start at independent times within one mean gap.
  yield rng.next() * gap(rng);
  for (let k = 0; ctx.sim.now < ctx.horizon; k++) {
    yield session(spec, ctx, sessionIdOf(ctx.source, d, k));
    const c = spec.dailyCycle;
    const factor = c ? dailyFactor(ctx.sim.now + (c.startHour ?? 0) * 3600, c.amplitude, c.peakHour) : 1;
    yield gap(rng) / factor;
  }
}

/** Run one session; the returned Signal fires when it ends. */
export function session(spec: InteractiveSpec, ctx: WorkloadContext, sessionId: number): Signal<void> {
  const { sim } = ctx;
  const rng = stream(ctx.seed, 'workload', ctx.source, 'session', sessionId);
  const net = stream(ctx.seed, 'network', ctx.source, sessionId);
  const draw = { turns: sampler(spec.turns), first: sampler(spec.firstPrompt), add: sampler(spec.newTokens), out: sampler(spec.output), think: sampler(spec.think) };
  const reason = reasoningDraw(spec.reasoning, ctx.seed, 'workload', ctx.source, 'session', sessionId);
  const done = new Signal<void>();
  const turns = Math.max(1, Math.round(draw.turns(rng)));
  const convo = new Conversation(sessionId, spec.cls, ctx.source, spec.systemPromptTokens);
  const record = beginSession(ctx.observer, sessionId, 'interactive', spec.cls, sim.now);
  ctx.transport.openSession(sessionId, net, (channel) => {
    record.startupSeconds = channel.startupSeconds;
    spawn(sim, (function* (): Process {
      let completed = true;
      for (let turn = 0; turn < turns; turn++) {
        // Draw the turn's numbers first, in a fixed order, whatever happens next.
        const added = tokens(turn === 0 ? draw.first(rng) : draw.add(rng));
        const reasoning = reason();
        const output = tokens(draw.out(rng)) + reasoning;
        const think = draw.think(rng);
        if (convo.context + added + output > ctx.contextLimit) break; // the developer starts afresh
        const req = convo.next(added, output, reasoning);
        // A rejected turn ends the session: the developer got no answer to build on.
        if (!(yield ask(sim, channel, req, added, ctx.client, () => convo.nextId()))) {
          completed = false;
          break;
        }
        convo.answered(req);
        tally(record, req);
        if (turn + 1 < turns) {
          record.gapSeconds += think;
          yield think;
        }
      }
      endSession(ctx.observer, record, sim.now, completed);
      done.fire(sim, undefined);
    })());
  });
  return done;
}
