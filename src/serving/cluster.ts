/**
 * A cluster: pools of replicas (any hardware), a router per pool, routes by request class across
 * pools (e.g. interactive edits to a wafer pool, background agents to a GPU pool), and optional
 * disaggregation (prefill on one pool, KV shipped over a link, decode on another).
 */
import type { Simulation } from '../kernel/index.js';
import type { LlmRequest, RejectReason, RequestClass, RequestListener, RequestSink } from '../domain/request.js';
import type { Replica } from './replica.js';
import { makeRouter, type Router, type RouterKind } from './router.js';
import { OverloadMonitor } from './overload.js';
import { stream } from '../random/index.js';
import { DisaggregatedEntry, type Disaggregation, type Entry } from './disaggregated.js';

export interface Pool {
  name: string;
  replicas: Replica[];
  router: RouterKind;
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
  /** Prefill on one pool, decode on another: every request enters here. */
  private readonly disaggregated?: Entry;

  constructor(
    sim: Simulation,
    readonly spec: ClusterSpec,
  ) {
    for (const pool of spec.pools) {
      this.pools.set(pool.name, pool);
      this.routers.set(pool.name, makeRouter(pool.router, pool.replicas, stream(spec.seed ?? 0, 'router', pool.name)));
      this.monitors.set(pool.name, new OverloadMonitor(pool.name, () => pool.replicas.reduce((n, r) => n + r.waitingCount, 0)));
    }
    const d = spec.disaggregation;
    if (d) this.disaggregated = new DisaggregatedEntry(sim, this.routers.get(d.prefillPool)!, this.routers.get(d.decodePool)!, d);
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
    (this.disaggregated ?? this.routers.get(poolName)!.route(req)).submit(req, new CountedListener(listener, monitor));
  }
}

/** Passes a request's news on, counting its completion or rejection in its pool's monitor. */
class CountedListener implements RequestListener {
  constructor(
    private readonly listener: RequestListener,
    private readonly monitor: OverloadMonitor,
  ) {}

  onFirstToken(): void {
    this.listener.onFirstToken?.();
  }

  onFirstVisibleToken(): void {
    this.listener.onFirstVisibleToken?.();
  }

  onComplete(): void {
    this.monitor.completions++;
    this.listener.onComplete();
  }

  onReject(reason: RejectReason): void {
    this.monitor.rejectedBy[reason]++;
    this.listener.onReject?.(reason);
  }
}
