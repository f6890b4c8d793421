/**
 * Overload detection: a pool whose queue keeps growing (arrivals above what it can serve) has no
 * steady state, and its latency percentiles depend only on how long the run was. The monitor
 * samples the pool's waiting queue; a run is overloaded when, over its second half, the queue
 * grew by more than 5% of that half's arrivals (and by at least 20 requests).
 */
import type { Simulation } from '../kernel/index.js';
import { describeRejectReason, REJECT_REASONS, type RejectReason } from '../domain/request.js';

export interface OverloadReport {
  pool: string;
  overloaded: boolean;
  /** Requests per second offered to and completed by the pool over the run. */
  offeredPerSecond: number;
  achievedPerSecond: number;
  /** Growth of the waiting queue over the second half, requests per second (least squares). */
  queueGrowthPerSecond: number;
  /** Requests the pool rejected, by reason. */
  rejected: number;
  message: string;
}

export class OverloadMonitor {
  arrivals = 0;
  completions = 0;
  readonly rejectedBy = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  private times: number[] = [];
  private queues: number[] = [];
  private arrivalTimes: number[] = [];

  constructor(
    readonly pool: string,
    private readonly waiting: () => number,
  ) {}

  /** Sample the queue every `interval` seconds until `until`. */
  start(sim: Simulation, interval: number, until: number): void {
    const sample = (): void => {
      this.times.push(sim.now);
      this.queues.push(this.waiting());
      this.arrivalTimes.push(this.arrivals);
      if (sim.now + interval <= until) sim.schedule(interval, sample);
    };
    sim.schedule(0, sample);
  }

  report(duration: number): OverloadReport {
    const n = this.times.length;
    const half = Math.floor(n / 2);
    let slope = 0;
    let grown = 0;
    let halfArrivals = 0;
    if (n - half >= 3) {
      const ts = this.times.slice(half);
      const qs = this.queues.slice(half);
      const mt = ts.reduce((a, b) => a + b, 0) / ts.length;
      const mq = qs.reduce((a, b) => a + b, 0) / qs.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < ts.length; i++) {
        num += (ts[i] - mt) * (qs[i] - mq);
        den += (ts[i] - mt) ** 2;
      }
      slope = den > 0 ? num / den : 0;
      grown = slope * (ts[ts.length - 1] - ts[0]);
      halfArrivals = this.arrivalTimes[n - 1] - this.arrivalTimes[half];
    }
    const overloaded = grown >= 20 && grown > 0.05 * halfArrivals;
    const offered = this.arrivals / duration;
    const achieved = this.completions / duration;
    const load = overloaded
      ? `is overloaded: ${offered.toFixed(2)} requests/s offered, ${achieved.toFixed(2)} served; its queue grew by ${slope.toFixed(2)} requests/s and latency percentiles only reflect the run's length`
      : `keeps up with what it accepts: ${offered.toFixed(2)} requests/s offered, ${achieved.toFixed(2)} served`;
    const rejected = REJECT_REASONS.reduce((n, r) => n + this.rejectedBy[r], 0);
    const reasons = REJECT_REASONS.filter((r) => this.rejectedBy[r] > 0).map((r) => describeRejectReason(r)).join(', ');
    const share = (100 * rejected) / Math.max(1, this.arrivals);
    const rejects = rejected > 0 ? `rejects ${share.toFixed(share < 10 ? 1 : 0)}% of requests (${rejected} of ${this.arrivals}): ${reasons}; ` : '';
    const message = `${this.pool} ${rejects}${rejected > 0 ? load.replace('keeps up', 'the rest: keeps up') : load}`;
    return { pool: this.pool, overloaded, offeredPerSecond: offered, achievedPerSecond: achieved, queueGrowthPerSecond: slope, rejected, message };
  }
}
