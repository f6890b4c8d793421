/** Summaries that go through JSON (worker messages, stored sweep points and plan trials) keep "not measured". */
import { describe, expect, it } from 'vitest';
import { summaryFromJson } from '../../src/metrics/summary-json.js';

describe('summaryFromJson', () => {
  it('turns the nulls JSON wrote for NaN back into NaN, everywhere, and leaves every other value alone', () => {
    // A class with no completed request: its percentiles are NaN (before the fix the sweep report drew them as 0 ms).
    const summary = { system: 'cs3', classes: [{ cls: 'interactive', requests: 0, rejected: 29, latency: { ttft: { count: 0, p99: NaN } }, meetsSlo: false }], usd: 504.1, notes: ['a'] };
    const back = summaryFromJson(JSON.parse(JSON.stringify(summary)));
    expect(back).toEqual(summary); // toEqual treats NaN as equal to NaN
    expect(Number.isNaN(back.classes[0].latency.ttft.p99)).toBe(true);
    expect(JSON.parse(JSON.stringify(summary)).classes[0].latency.ttft.p99).toBeNull();
  });
});
