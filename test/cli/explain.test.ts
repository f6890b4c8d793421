import { describe, expect, it } from 'vitest';
import { wafersim } from '../support/cli.js';

describe('wafersim explain', () => {
  it('prints the --json object with the documented fields', () => {
    const r = wafersim(['explain', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--batch', '8', '--context', '2048', '--json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    for (const key of ['fits', 'count', 'weightsBytes', 'kvBytesPerToken', 'kvCapacityTokens', 'decode', 'prefill', 'maxThroughput']) expect(e).toHaveProperty(key);
    expect(e.decode).toMatchObject({ bound: 'memory' });
    for (const key of ['stepSeconds', 'tokensPerSecondPerUser', 'tokensPerSecondTotal']) expect(typeof e.decode[key]).toBe('number');
    expect(Object.keys(e.decode.breakdown).sort()).toEqual(['communication', 'compute', 'memory', 'overhead']);
    expect(e.decode.tokensPerSecondTotal).toBeCloseTo(8 * e.decode.tokensPerSecondPerUser, 6);
    expect(e.maxThroughput.batch).toBe(Math.floor(e.kvCapacityTokens / 2048));
  });
  it('explains why 70B needs four CS-3 and what a 128K context does', () => {
    const r = wafersim(['explain', '--model', 'llama-3.1-70b', '--hardware', 'cs-3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/141\.1 GB of weights ÷ 41\.8 GB usable SRAM per wafer .* at least 4 wafers/);
    expect(r.stdout).toMatch(/131,072-token context it holds 0 users — one such context needs 5 wafers/);
    expect(r.stdout).toMatch(/Bound: \w+\. Decode on the wafer is latency-bound/);
  });
  it('answers fits: false for a model that does not fit, with the reason and the count that would', () => {
    const r = wafersim(['explain', '--model', 'llama-3.1-405b', '--hardware', 'h100-sxm', '--count', '4', '--json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e).toMatchObject({ fits: false, count: 4, minCount: 16, decode: null });
    expect(e.reason).toMatch(/per GPU/);
  });
  it('runs a model on a region of a wafer (--cores), and refuses a region on GPUs', () => {
    const whole = JSON.parse(wafersim(['explain', '--model', 'llama-3.1-8b', '--hardware', 'cs-3', '--json']).stdout);
    const region = wafersim(['explain', '--model', 'llama-3.1-8b', '--hardware', 'cs-3', '--cores', '200000', '--json']);
    expect(region.code).toBe(0);
    const e = JSON.parse(region.stdout);
    expect(e.deployment.cores).toBe(200000);
    expect(e.placement[0].devices).toMatch(/200,000-core region/);
    expect(e.decode.stepSeconds).not.toBe(whole.decode.stepSeconds);
    const gpu = wafersim(['explain', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--cores', '1000']);
    expect(gpu.code).toBe(2);
    expect(gpu.stderr).toMatch(/--cores.*no region on GPUs/s);
  });
  it('uses the fewest devices that fit by default', () => {
    const e = JSON.parse(wafersim(['explain', '--model', 'llama-3.1-70b', '--hardware', 'cs-3', '--json']).stdout);
    expect(e.count).toBe(4);
  });
  it('applies speculative decoding', () => {
    const plain = JSON.parse(wafersim(['explain', '--model', 'llama-3.3-70b', '--hardware', 'cs-3', '--json']).stdout);
    const spec = JSON.parse(wafersim(['explain', '--model', 'llama-3.3-70b', '--hardware', 'cs-3', '--speculative', 'draft=llama-3.2-1b,k=8,accept=0.9', '--json']).stdout);
    // k = 8, a = 0.9: 1 + 0.9 + … + 0.9⁸ = (1 − 0.9⁹)/0.1, with 0.9⁹ = 0.387420489: 6.12579511.
    expect(spec.speculative.tokensPerStep).toBeCloseTo(6.12579511, 8);
    // A step = k draft steps on one of the target's wafers, time-shared + one verify (≈ one plain decode step on the wafer).
    expect(spec.speculative.verifySeconds).toBeCloseTo(plain.decode.stepSeconds, 5);
    expect(spec.speculative.placement).toMatch(/time-shared/);
    expect(spec.decode.tokensPerSecondPerUser).toBeCloseTo(spec.speculative.tokensPerStep / (spec.speculative.draftSeconds + spec.speculative.verifySeconds), 6);
    expect(spec.decode.tokensPerSecondPerUser).toBeGreaterThan(2 * plain.decode.tokensPerSecondPerUser);
  });
  it.each([
    [['--model', 'gpt-5', '--hardware', 'cs-3'], /--model: expected a model id, one of: .*llama-3.1-8b/],
    [['--model', 'llama-3.1-8b', '--hardware', 'tpu'], /--hardware: expected a hardware id, one of: .*cs-3/],
    [['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--tp', '3'], /--tp: expected a divisor of the 32 attention heads/],
    [['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--count', '2', '--tp', '4'], /--count: expected TP × PP GPUs \(4 × 1 = 4\), found 2/],
    [['--model', 'llama-3.1-8b', '--hardware', 'cs-3', '--tp', '2'], /--tp: expected no tp on a wafer \(layers are split over wafers by --count\), found 2/],
    [['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--batch', '0'], /--batch: expected a whole number from 1 to 1000000000, found 0/],
    [['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--speculative', 'k=4'], /--speculative: expected draft=<id>,k=<n>,accept=<a>/],
    [['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--precision', 'int3'], /--precision: expected one of .*"fp8".*, found "int3"/],
  ])('rejects bad input %j with exit 2', (args, message) => {
    const r = wafersim(['explain', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});
