/**
 * A cluster: pools of replicas (any hardware), a router per pool, routes by request class across
 * pools (e.g. interactive edits to a wafer pool, background agents to a GPU pool), and optional
 * disaggregation (prefill on one pool, KV shipped over a link, decode on another).
 */
import type { Simulation } from '../kernel/index.js';
import type { LlmRequest, RequestClass, RequestListener, RequestSink } from '../domain/request.js';
import type { Replica } from './replica.js';
import { makeRouter, type Router, type RouterKind } from './router.js';
import { OverloadMonitor } from './overload.js';
import { stream } from '../random/index.js';

export interface Pool {
  name: string;
  replicas: Replica[];
  router: RouterKind;
}

export interface Disaggregation {
  prefillPool: string;
  decodePool: string;
  linkBytesPerSecond: number;
  linkLatencySeconds: number;
}

export interface ClusterSpec {
  pools: Pool[];
  /** Which pool serves each class; unnamed classes go to the first pool. */
  classRoutes?: Partial<Record<RequestClass, string>>;
  disaggregation?: Disaggregation;
  /** Seeds the routers' tie-breaking draws. */
  seed?: number;
}

export class Cluster implements RequestSink {
  readonly monitors = new Map<string, OverloadMonitor>();
  private routers = new Map<string, Router>();
  private pools = new Map<string, Pool>();

  constructor(
    private readonly sim: Simulation,
    readonly spec: ClusterSpec,
  ) {
    for (const pool of spec.pools) {
      this.pools.set(pool.name, pool);
      this.routers.set(pool.name, makeRouter(pool.router, pool.replicas, stream(spec.seed ?? 0, 'router', pool.name)));
      this.monitors.set(pool.name, new OverloadMonitor(pool.name, () => pool.replicas.reduce((n, r) => n + r.waitingCount, 0)));
    }
  }

  /** Sessions moved off their home replica, over every pool. */
  get sessionMoves(): number {
    let n = 0;
    for (const r of this.routers.values()) n += r.moves;
    return n;
  }

  get replicas(): Replica[] {
    return this.spec.pools.flatMap((p) => p.replicas);
  }

  private poolFor(req: LlmRequest): string {
    if (this.spec.disaggregation) return this.spec.disaggregation.prefillPool;
    return this.spec.classRoutes?.[req.cls] ?? this.spec.pools[0].name;
  }

  submit(req: LlmRequest, listener: RequestListener): void {
    const poolName = this.poolFor(req);
    const monitor = this.monitors.get(poolName)!;
    monitor.arrivals++;
    const counted: RequestListener = {
      ...listener,
      onComplete: () => {
        monitor.completions++;
        listener.onComplete();
      },
      onReject: (reason) => {
        monitor.rejectedBy[reason]++;
        listener.onReject?.(reason);
      },
    };
    const d = this.spec.disaggregation;
    if (!d || req.outputTokens <= 1) {
      // A one-token answer is all prefill: it never leaves the prefill pool.
      if (d) return this.routers.get(d.prefillPool)!.route(req).submit(req, counted);
      this.routers.get(poolName)!.route(req).submit(req, counted);
      return;
    }
    this.submitDisaggregated(req, counted, d);
  }

  private submitDisaggregated(req: LlmRequest, listener: RequestListener, d: Disaggregation): void {
    // The prefill half makes the first token only; it is the visible one when there is no reasoning.
    const prefillSide: LlmRequest = { ...req, outputTokens: 1, outputKey: undefined, phase: 'prefill' };
    const prefillReplica = this.routers.get(d.prefillPool)!.route(prefillSide);
    prefillReplica.submit(prefillSide, {
      onFirstToken: listener.onFirstToken,
      onFirstVisibleToken: listener.onFirstVisibleToken,
      onReject: listener.onReject,
      onComplete: () => {
        // Ship the prompt's KV (and the first token's) to a decode replica.
        const tokens = req.inputTokens + 1;
        const seconds = d.linkLatencySeconds + (tokens * prefillReplica.perf.fit.kvBytesPerToken) / d.linkBytesPerSecond;
        this.sim.schedule(seconds, () => {
          const decodeSide: LlmRequest = {
            ...req,
            inputTokens: tokens,
            outputTokens: req.outputTokens - 1,
            // Counted from the second token: −1 (no reasoning) means its visible token came from prefill.
            reasoningTokens: req.reasoningTokens - 1,
            segments: [],
            kvReadyTokens: tokens,
            phase: 'decode',
          };
          this.routers.get(d.decodePool)!.route(decodeSide).submit(decodeSide, {
            onFirstVisibleToken: listener.onFirstVisibleToken,
            onComplete: listener.onComplete,
            onReject: listener.onReject,
          });
        });
      },
    });
  }
}
