/**
 * A fleet's time series stays bounded and never overflows the stack: 1,000 replicas over 61
 * minutes at 10 s would be 366,000 rows (before the fix, `push(...rows)` threw "Maximum call stack
 * size exceeded" after the simulation had finished); the interval becomes 30 s: 1,000 × 122 rows.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenario, resolveScenario } from '../../src/io/scenario.js';
import { runScenario, TIMESERIES_MAX_ROWS, timeseriesInterval } from '../../src/study/run.js';
import { ROOT } from '../support/cli.js';

describe('time series of a fleet', () => {
  it('1,000 replicas for an hour: the interval grows to 30 s and every replica has every row', async () => {
    const loaded = readScenario(join(ROOT, 'scenarios/fleet-day.yaml'));
    const raw = { ...(loaded.raw as object), durationMinutes: 60, drainMinutes: 1, workload: { openLoop: { ratePerSecond: 0.2 } } };
    const { resolved } = resolveScenario(loaded, raw);
    expect(timeseriesInterval(resolved)).toBe(30);
    const r = await runScenario(resolved, { records: 'none' });
    expect(r.intervalSeconds).toBe(30);
    expect(r.timeseries.length).toBe(1000 * 122);
    expect(r.timeseries.length).toBeLessThanOrEqual(TIMESERIES_MAX_ROWS);
  }, 60_000);
});
