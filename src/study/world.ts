/**
 * One system, ready to run a workload: pools of replicas (perf models + engines) in a cluster,
 * the client path in front of it, and the workload sources that drive it (DESIGN.md §1:
 * workload → client/network → router → replicas → perf model).
 */
import { assertNever } from '../domain/never.js';
import type { Assert, SameKinds, WorkloadKind } from '../domain/kinds.js';
import type { PoolSpec, SystemSpec } from '../scenario/resolved.js';
import { Simulation } from '../kernel/index.js';
import { NO_TIMEOUT, type ClientPolicy, type SimObserver } from '../domain/request.js';
import { Client } from '../client/index.js';
import { perfModel, scaledPerfModel, speculativeDeployment, type PerfModel } from '../perf/index.js';
import { Cluster, Replica } from '../serving/index.js';
import { startAgents, startInteractive, startOpenLoop, type WorkloadContext, type WorkloadSpec } from '../workload/index.js';

export type { PoolSpec, SystemSpec };

/** The perf model a pool's replicas use (with its draft, when it decodes speculatively). */
export function poolPerfModel(p: PoolSpec): PerfModel {
  const model = p.speculative ? speculativeDeployment(p.llm, p.hardware, p.deployment, p.speculative.draft, p.speculative).model : perfModel(p.llm, p.hardware, p.deployment);
  return scaledPerfModel(model, p.stepTimeScale ?? 1);
}


/** A workload source the world starts; trace replays are driven from outside (study/run). */
export type SourceSpec = WorkloadSpec;
/** The workload spec union and WORKLOAD_KINDS (domain/kinds.ts) name the same kinds. */
export type WorkloadKindsAgree = Assert<SameKinds<SourceSpec['kind'], WorkloadKind>>;

export interface World {
  sim: Simulation;
  cluster: Cluster;
  client: Client;
  /** The workload context of source `source` (made once, then kept in `contexts`). */
  context(source: number): WorkloadContext;
  contexts: WorkloadContext[];
  /** No source starts new work after time `t` (a request budget was spent). */
  stopStarting(t: number): void;
}

export function buildWorld(system: SystemSpec, seed: number, horizon: number, observer: SimObserver, sim = new Simulation(), client: ClientPolicy = NO_TIMEOUT): World {
  let numbered = 0; // replicas numbered over the system's pools (observers index tables by it)
  const pools = system.pools.map((p) => {
    // One perf model per pool (a pure function of the batch): a fleet's replicas share it.
    const perf = poolPerfModel(p);
    return {
      name: p.name,
      router: p.router,
      replicas: Array.from({ length: p.replicas }, (_, i) => new Replica(`${system.name}/${p.name}/${i}`, sim, perf, p.engine, p.llm.contextTokens, observer, numbered++)),
    };
  });
  const cluster = new Cluster(sim, { pools, classRoutes: system.classRoutes, disaggregation: system.disaggregation, seed });
  const clientLayer = new Client(sim, system.network, system.transport, cluster, observer);
  const contextLimit = Math.min(...system.pools.map((p) => p.llm.contextTokens));
  const contexts: WorkloadContext[] = [];
  return {
    sim,
    cluster,
    client: clientLayer,
    contexts,
    context(source) {
      const ctx = { sim, seed, transport: clientLayer, observer, contextLimit, horizon, source, client };
      contexts.push(ctx);
      return ctx;
    },
    stopStarting(t) {
      for (const c of contexts) c.horizon = Math.min(c.horizon, t);
    },
  };
}

/** The workload as this system sees it: the same sources, with the system's own reasoning where it sets one. */
export function sourcesFor(system: SystemSpec, sources: readonly SourceSpec[]): SourceSpec[] {
  return sources.map((spec) => {
    const reasoning = system.reasoning?.[spec.kind];
    return reasoning ? { ...spec, reasoning } : spec;
  });
}

/** Start the self-driving workload sources (interactive, agents, open loop). */
export function startSources(world: World, sources: readonly SourceSpec[]): void {
  sources.forEach((spec, i) => {
    const ctx = world.context(i);
    switch (spec.kind) {
      case 'interactive':
        return startInteractive(spec, ctx);
      case 'agents':
        return startAgents(spec, ctx);
      case 'open-loop':
        return startOpenLoop(spec, ctx);
      default:
        return assertNever(spec);
    }
  });
}
