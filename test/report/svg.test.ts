import { describe, expect, it } from 'vitest';
import { integerTicks, lineChart } from '../../src/report/svg.js';

/** The x axis's tick labels (x ticks sit 21 px below the axis, centred). */
const xTicks = (svg: string) => [...svg.matchAll(/<text y="21" text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]);

describe('integer x ticks (a plan chart against replicas)', () => {
  const series = [{ name: 'cs-3', color: '#000', markers: true, points: [[1, 0.2], [2, 0.1], [3, 0.05]] as [number, number][] }];

  it('without the option a 1-3 axis gets fractional ticks (what the plan chart showed)', () => {
    expect(xTicks(lineChart('t', 't', series, { xLabel: 'replicas', yLabel: 'y' })).some((t) => t.includes('.'))).toBe(true);
  });

  it('with integerX every tick is a whole number', () => {
    const ticks = xTicks(lineChart('t', 't', series, { xLabel: 'replicas', yLabel: 'y', integerX: true }));
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const t of ticks) expect(Number.isInteger(Number(t.replace(/,/g, '')))).toBe(true);
  });

  it('falls back to every integer of the domain when the scale offers fewer than two', () => {
    expect(integerTicks([1, 1.5], [1, 2])).toEqual([1, 2]);
    expect(integerTicks([0, 5, 10, 2.5], [0, 10])).toEqual([0, 5, 10]);
  });
});
