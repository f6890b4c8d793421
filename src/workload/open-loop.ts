/**
 * Open-loop arrivals: requests arrive whatever the service does. Inter-arrival times are gamma
 * with the given coefficient of variation (cv 1 = Poisson), scaled by a rate that may vary over
 * the day. Arrivals are chained: each schedules the next.
 */
import { assertNever } from '../domain/never.js';
import type { LlmRequest } from '../domain/request.js';
import { gamma, sampler, stream } from '../random/index.js';
import type { WorkloadContext } from './context.js';
import { NO_SEGMENTS, NOBODY_WAITS, OWNERS, sessionIdOf } from './context.js';
import { requestId } from './ids.js';
import { reasoningDraw, tokens } from './draw.js';
import type { OpenLoopSpec, RateSpec } from '../domain/workload.js';

export function rateAt(rate: RateSpec, seconds: number): number {
  switch (rate.kind) {
    case 'constant':
      return rate.perSecond;
    case 'piecewise': {
      const hour = (seconds / 3600) % 24;
      let r = rate.hours[0].perSecond;
      for (const h of rate.hours) if (hour >= h.fromHour) r = h.perSecond;
      return r;
    }
    case 'sinusoidal': {
      const hour = (seconds / 3600) % 24;
      return Math.max(0, rate.meanPerSecond * (1 + rate.amplitude * Math.cos((2 * Math.PI * (hour - rate.peakHour)) / 24)));
    }
    default:
      return assertNever(rate);
  }
}


export function startOpenLoop(spec: OpenLoopSpec, ctx: WorkloadContext): void {
  const { sim } = ctx;
  // Arrivals do not depend on the system, so one stream for gaps and one for requests keeps every
  // system on the same draws (a stream per request would cost a generator seeding each).
  const rng = stream(ctx.seed, 'workload', ctx.source, 'arrivals');
  const r = stream(ctx.seed, 'workload', ctx.source, 'requests');
  const net = stream(ctx.seed, 'network', ctx.source, 'open-loop');
  const gap = gamma(1, spec.cv);
  const draw = { input: sampler(spec.input), output: sampler(spec.output) };
  const reason = reasoningDraw(spec.reasoning, ctx.seed, 'workload', ctx.source, 'requests');
  let n = 0;
  const arrive = (): void => {
    const i = n++;
    // Open-loop requests have no session: they use the id block of the source's reserved owner
    // (1000 sessions × 10^5 requests = 10^8 ids).
    const first = requestId(sessionIdOf(ctx.source, OWNERS - 1, 0), 0);
    const reasoning = reason();
    const req: LlmRequest = {
      id: first + i,
      sessionId: -1,
      cls: spec.cls,
      inputTokens: tokens(draw.input(r)),
      outputTokens: tokens(draw.output(r)) + reasoning,
      reasoningTokens: reasoning,
      segments: NO_SEGMENTS,
    };
    ctx.transport.openSession(-1, net, (channel) => channel.send(req, req.inputTokens, NOBODY_WAITS), false);
    next();
  };
  const next = (): void => {
    // Time-varying rate: draw a unit-rate gap and stretch it by the rate now (piecewise-constant approximation).
    const rate = rateAt(spec.rate, sim.now);
    const delay = rate > 0 ? gap(rng) / rate : 60;
    if (sim.now + delay < ctx.horizon) sim.schedule(delay, rate > 0 ? arrive : next);
  };
  next();
}
