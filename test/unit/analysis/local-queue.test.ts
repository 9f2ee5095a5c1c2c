/**
 * The trace analysis and the local cloud's opt-in environment queue: the wait, written by the engine's
 * own segment builder, is reported as the local queue, not as AWS::Lambda self time.
 */
import { describe, expect, it } from 'vitest';
import type { Trace } from '@aws-sdk/client-xray';
import { analyzeTraces } from '../../../src/lab/analysis/bottleneck.js';
import { buildLambdaSegments, LOCAL_QUEUE_SUBSEGMENT } from '../../../src/local/lambda/segments.js';

const T0 = 1_718_000_000_000;

/** One traced invocation received at T0 + `offset` ms that waited `waitMs` in the queue, then ran 100 ms. */
function invocation(n: number, offset: number, waitMs: number): Trace {
  const received = T0 + offset;
  const start = received + waitMs;
  const hex = (tag: number) => (n * 16 + tag).toString(16).padStart(16, '0');
  const docs = buildLambdaSegments({
    traceId: `1-66670000-${n.toString(16).padStart(24, '0')}`, functionName: 'user-service',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:user-service', accountId: '000000000000', requestId: `req-${n}`,
    ids: { service: hex(1), function: hex(2), initialization: hex(3), invocation: hex(4), overhead: hex(5) },
    exceptionId: () => hex(6),
    ...(waitMs > 0 && { localQueue: { id: hex(7), start: received, end: start, maxEnvironments: 1 } }),
    times: { received, invocationStart: start, invocationEnd: start + 100, overheadEnd: start + 102, completed: start + 103 },
  });
  return { Id: `1-66670000-${n.toString(16).padStart(24, '0')}`, Segments: docs.map((d, i) => ({ Id: hex(i + 1), Document: d })) };
}

describe('traces analyze and the local environment queue', () => {
  it('counts the waits, says they are the local cloud\'s queue, and leaves them out of AWS::Lambda self time', () => {
    const report = analyzeTraces([invocation(1, 0, 0), invocation(2, 0, 300), invocation(3, 0, 500)]);

    expect(report.platform.localQueue).toEqual({ count: 2, meanWaitMs: 400, functions: ['user-service'] });
    expect(report.platform.notes).toEqual([expect.stringMatching(/^2 invocations waited in the local cloud's environment queue, 400 ms on average \(user-service; XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS is set\): .*not AWS behaviour/)]);
    const service = report.entries.find((e) => e.key === 'user-service (AWS::Lambda)')!;
    const queue = report.entries.find((e) => e.name === LOCAL_QUEUE_SUBSEGMENT)!;
    expect(service.selfMs).toBeCloseTo(3, 3); // 1 ms before Overhead ends to completion, per invocation
    expect(queue).toMatchObject({ key: `user-service (AWS::Lambda) › ${LOCAL_QUEUE_SUBSEGMENT}`, count: 2 });
    expect(queue.selfMs).toBeCloseTo(800, 3);
  });

  it('says nothing about a queue when nobody waited', () => {
    const report = analyzeTraces([invocation(1, 0, 0)]);

    expect(report.platform.localQueue.count).toBe(0);
    expect(report.platform.notes).toEqual([]);
  });
});
