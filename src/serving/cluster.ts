/**
 * A cluster: pools of replicas (any hardware), a router per pool, routes by request class across
 * pools (e.g. interactive edits to a wafer pool, background agents to a GPU pool), and optional
 * disaggregation (prefill on one pool, KV shipped over a link, decode on another).
 */
import type { Simulation } from '../kernel/index.js';
import { REQUEST_CLASSES, type LlmRequest, type RejectReason, type RequestClass, type RequestListener, type RequestSink } from '../domain/request.js';
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
  /** Each class's pool: its router and overload monitor (looked up once, not per request). */
  private readonly byClass = {} as Record<RequestClass, { router: Router; monitor: OverloadMonitor }>;

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
    for (const cls of REQUEST_CLASSES) {
      const pool = this.poolFor(cls);
      this.byClass[cls] = { router: this.routers.get(pool)!, monitor: this.monitors.get(pool)! };
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

  private poolFor(cls: RequestClass): string {
    if (this.spec.disaggregation) return this.spec.disaggregation.prefillPool;
    return this.spec.classRoutes?.[cls] ?? this.spec.pools[0].name;
  }

  submit(req: LlmRequest, listener: RequestListener): void {
    const { router, monitor } = this.byClass[req.cls];
    monitor.arrivals++;
    (this.disaggregated ?? router.route(req)).submit(req, new CountedListener(listener, monitor));
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
