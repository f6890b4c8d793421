/**
 * The recorder lends each finished record to `onRecord` and later fills its object again for
 * another request (no object per request). What the server says about a request whose record
 * has finished (given up by its client, still served) must reach no other request's record.
 */
import { describe, expect, it } from 'vitest';
import { MetricsRecorder, type RequestRecord } from '../../src/metrics/recorder.js';
import { request } from '../support/serving.js';

const leg = { rttSeconds: 0.05, connectSeconds: 0, uploadSeconds: 0.025, frontendSeconds: 0.01 };

describe('MetricsRecorder record objects', () => {
  it('a request given up and still served does not write into the record its object became', () => {
    const records: RequestRecord[] = [];
    const rec = new MetricsRecorder('s', { exact: true, bucketSeconds: 10, slo: {}, window: { start: 0, end: 100 }, onRecord: (r) => void records.push({ ...r }) });
    const abandoned = request(100, 10);
    rec.onSend(abandoned, 0, leg);
    const object = abandoned.record;
    rec.onGiveUp(abandoned);
    // Enough requests through for the finished record's object to be taken for a new one.
    let reused: ReturnType<typeof request> | undefined;
    for (let i = 0; i < 200 && !reused; i++) {
      const r = request(100, 10);
      rec.onSend(r, 1 + i, leg);
      if (r.record === object) reused = r;
      else rec.onGiveUp(r);
    }
    expect(reused, 'the object was filled again').toBeDefined();
    // The server goes on with the abandoned request: none of it lands in the reused record.
    rec.onArrive(abandoned, 'r0', 2, 0);
    rec.onAdmit(abandoned, 'r0', 2, 0, 0);
    rec.onFirstToken(abandoned, 3);
    rec.onClientFirstToken(abandoned, 3.1);
    rec.onClientComplete(abandoned, 4);
    rec.onArrive(reused!, 'r1', 5, 1);
    rec.onAdmit(reused!, 'r1', 5, 0, 0);
    rec.onFirstToken(reused!, 6);
    rec.onClientFirstToken(reused!, 6.1);
    rec.onClientFirstVisibleToken(reused!, 6.1);
    rec.onComplete(reused!, 7);
    rec.onClientComplete(reused!, 7.1);
    const mine = records.find((r) => r.id === reused!.id)!;
    expect(mine).toMatchObject({ outcome: 'completed', replica: 'r1', arrive: 5, admit: 5, serverFirst: 6, clientFirst: 6.1, serverDone: 7, clientDone: 7.1 });
    expect(records.find((r) => r.id === abandoned.id)).toMatchObject({ outcome: 'gave_up', arrive: NaN, clientDone: NaN });
    expect(records.filter((r) => r.outcome === 'completed')).toHaveLength(1);
  });
});
