import { describe, expect, it } from 'vitest';
import { Signal, Simulation, spawn } from '../../src/kernel/index.js';
import { runQueue } from '../../bench/queueing.js';
import { exponential, stream } from '../../src/random/index.js';

describe('Simulation ordering', () => {
  it('runs equal-time events in the order they were scheduled', () => {
    const sim = new Simulation();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) sim.at(1, () => log.push(name));
    sim.schedule(0.5, () => log.push('early'));
    sim.at(1, () => log.push('f'));
    sim.run();
    expect(log).toEqual(['early', 'a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('runs events scheduled for now after those already due now', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.at(2, () => {
      log.push('first');
      sim.schedule(0, () => log.push('zero-delay'));
    });
    sim.at(2, () => log.push('second'));
    sim.run();
    expect(log).toEqual(['first', 'second', 'zero-delay']);
  });

  it('keeps FIFO order among many equal times mixed with other times (heap stress)', () => {
    const sim = new Simulation();
    const rng = stream(1, 'heap');
    const log: [number, number][] = [];
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rng.next() * 20);
      sim.at(t, () => log.push([t, i]));
    }
    sim.run();
    const expected = [...log].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(log).toEqual(expected);
  });

  it('cancels a pending event, and refuses to cancel one that ran or was cancelled', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const a = sim.at(1, () => log.push('a'));
    const b = sim.at(2, () => log.push('b'));
    sim.at(3, () => log.push('c'));
    expect(sim.cancel(b)).toBe(true);
    expect(sim.cancel(b)).toBe(false);
    expect(sim.pending).toBe(2);
    sim.run({ until: 1.5 });
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    expect(log).toEqual(['a', 'c']);
    expect(sim.pending).toBe(0);
  });

  it('does not let a stale id cancel the event that reuses its slot', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const old = sim.at(1, () => log.push('old'));
    sim.run();
    sim.at(2, () => log.push('new')); // reuses the freed slot
    expect(sim.cancel(old)).toBe(false);
    sim.run();
    expect(log).toEqual(['old', 'new']);
  });

  it('cancels exactly across its three lookups: recent ids by time, ids due now and old ids by the heap', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const old = sim.at(10, () => log.push('old'));
    // More events than the ring of recent times holds, so `old` must be found in the heap.
    for (let i = 0; i < 70_000; i++) sim.at(1, () => {});
    let self = -1;
    let dueNow = -1;
    const ranNow = sim.at(2, () => log.push('ranNow'));
    self = sim.at(2, () => {
      expect(sim.cancel(self)).toBe(false); // the running event
      expect(sim.cancel(ranNow)).toBe(false); // ran earlier at this same time
      expect(sim.cancel(dueNow)).toBe(true); // due now, not run yet
      expect(sim.cancel(old)).toBe(true); // found by scanning the heap
      expect(sim.cancel(old)).toBe(false);
      expect(sim.pending).toBe(0);
    });
    dueNow = sim.at(2, () => log.push('dueNow'));
    expect(sim.cancel(-1)).toBe(false);
    expect(sim.cancel(1.5)).toBe(false);
    expect(sim.cancel(1e12)).toBe(false);
    const events = sim.run();
    expect(log).toEqual(['ranNow']);
    expect(events).toBe(70_000 + 2);
    expect(sim.eventsRun).toBe(events);
  });

  it('again: the running event runs later under its id, in the place it would have had if scheduled for then', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.at(1, () => log.push('before'));
    let runs = 0;
    const id = sim.at(1, () => {
      log.push(`moved ${sim.now}`);
      if (++runs < 3) expect(sim.again(sim.now + 1)).toBe(id);
    });
    sim.at(2, () => log.push('after at 2'));
    sim.at(3, () => log.push('after at 3'));
    sim.run();
    expect(log).toEqual(['before', 'moved 1', 'moved 2', 'after at 2', 'moved 3', 'after at 3']);
    expect(sim.eventsRun).toBe(6);
    expect(sim.pending).toBe(0);
    // Moved, it is cancelled by its id; outside a handler, or after scheduling, it cannot be moved.
    const log2: number[] = [];
    const moving = sim.at(4, () => {
      log2.push(sim.now);
      sim.again(10);
    });
    sim.run({ until: 5 });
    expect(sim.pending).toBe(1);
    expect(sim.cancel(moving)).toBe(true);
    sim.run();
    expect(log2).toEqual([4]);
    expect(sim.eventsRun).toBe(7);
    expect(() => sim.again(20)).toThrow(/only the running event/);
    sim.at(20, () => {
      sim.schedule(1, () => {});
      sim.again(30);
    });
    expect(() => sim.run()).toThrow(/only the running event/);
  });

  it('counts a handler that threw as run and keeps the rest of the heap', () => {
    const sim = new Simulation();
    const log: number[] = [];
    sim.at(1, () => {
      throw new Error('boom');
    });
    sim.at(2, () => log.push(2));
    expect(() => sim.run()).toThrow('boom');
    expect(sim.pending).toBe(1);
    expect(sim.eventsRun).toBe(1);
    sim.run();
    expect(log).toEqual([2]);
    expect(sim.pending).toBe(0);
  });

  it('stops at `until`, leaves now there, and resumes where it stopped', () => {
    const sim = new Simulation();
    const log: number[] = [];
    for (const t of [1, 2, 3, 4]) sim.at(t, () => log.push(sim.now));
    expect(sim.run({ until: 2.5 })).toBe(2);
    expect(sim.now).toBe(2.5);
    expect(log).toEqual([1, 2]);
    expect(sim.run({ until: 3 })).toBe(1); // an event exactly at `until` runs
    expect(sim.run()).toBe(1);
    expect(log).toEqual([1, 2, 3, 4]);
    expect(sim.now).toBe(4);
  });

  it('stop() ends run after the current handler; run resumes', () => {
    const sim = new Simulation();
    const log: number[] = [];
    sim.at(1, () => {
      log.push(1);
      sim.stop();
    });
    sim.at(2, () => log.push(2));
    sim.run();
    expect(log).toEqual([1]);
    expect(sim.now).toBe(1);
    sim.run();
    expect(log).toEqual([1, 2]);
  });

  it('rejects times in the past and non-finite times with a clear message', () => {
    const sim = new Simulation();
    sim.at(5, () => {});
    sim.run();
    expect(() => sim.at(4, () => {})).toThrow(/time 4 is in the past \(now = 5\)/);
    expect(() => sim.schedule(-1, () => {})).toThrow(/delay must be a finite number >= 0, got -1/);
    expect(() => sim.schedule(NaN, () => {})).toThrow(/got NaN/);
    expect(() => sim.schedule(Infinity, () => {})).toThrow(/got Infinity/);
    expect(() => sim.at(Infinity, () => {})).toThrow(/time must be finite/);
    expect(() => sim.run({ until: 1 })).toThrow(/until must be >= now/);
  });

  it('lets a handler exception out of run (failures are loud)', () => {
    const sim = new Simulation();
    sim.at(1, () => {
      throw new Error('boom');
    });
    expect(() => sim.run()).toThrow('boom');
  });

  it('gives two interleaved simulations the same results as each run alone', () => {
    const model = (sim?: Simulation) =>
      runQueue({
        customers: 2000,
        servers: 2,
        interarrival: exponential(0.6),
        service: exponential(1),
        arrivalRng: stream(9, 'a'),
        serviceRng: stream(9, 's'),
        sim,
      }).waits;
    const alone = model();
    // Interleave: step two simulations alternately, one event at a time.
    const s1 = new Simulation();
    const s2 = new Simulation();
    const log1: number[] = [];
    const log2: number[] = [];
    for (let i = 0; i < 100; i++) {
      s1.at(i, () => log1.push(s1.now));
      s2.at(i, () => log2.push(s2.now));
    }
    for (let i = 0; i < 100; i++) {
      s1.run({ until: i });
      s2.run({ until: i });
    }
    expect(log1).toEqual(log2);
    expect(model(new Simulation())).toEqual(alone);
  });
});

describe('generator processes', () => {
  it('yields delays and waits on signals', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const ready = new Signal<string>();
    spawn(sim, (function* () {
      yield 2;
      log.push(`a@${sim.now}`);
      const v: string = yield ready;
      log.push(`a got ${v}@${sim.now}`);
    })());
    spawn(sim, (function* () {
      yield 5;
      ready.fire(sim, 'go');
      log.push(`b fired@${sim.now}`);
    })());
    sim.run();
    expect(log).toEqual(['a@2', 'b fired@5', 'a got go@5']);
  });

  it('signals when a process ends, so a parent can wait for children', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const child = (d: number) =>
      spawn(sim, (function* () {
        yield d;
        log.push(`child ${d}`);
      })());
    spawn(sim, (function* () {
      const kids = [child(3), child(1)];
      for (const k of kids) yield k;
      log.push(`parent@${sim.now}`);
    })());
    sim.run();
    expect(log).toEqual(['child 1', 'child 3', 'parent@3']);
  });

  it('rejects a process that yields something else', () => {
    const sim = new Simulation();
    spawn(sim, (function* () {
      yield 'soon' as unknown as number;
    })());
    expect(() => sim.run()).toThrow(/expected a delay in seconds or a Signal/);
  });
});
