/**
 * What the Lambda platform itself added to a run, read from the traces: cold starts (the
 * `Initialization` subsegment of an AWS::Lambda::Function segment) and throttled invocations (a call
 * to Lambda answered 429). The bottleneck report states them in words, because a learner who sees a
 * slow AWS::Lambda node must know whether that was cold starts, throttling, or neither. The local
 * cloud's opt-in environment queue (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS) is counted too, and called what it
 * is: its own subsegment in the AWS::Lambda segment, so it is not AWS::Lambda self time either.
 */
import { LOCAL_QUEUE_SUBSEGMENT } from '../../local/lambda/segments.js';
import type { Span } from './span-tree.js';

export interface PlatformEvents {
  coldStarts: { count: number; meanInitMs: number; functions: string[] };
  /** Calls to Lambda that were throttled (429), e.g. API Gateway's `Lambda` subsegment. */
  throttled: { count: number; functions: string[] };
  /** Invocations that waited in the local cloud's opt-in environment queue (never on AWS). */
  localQueue: { count: number; meanWaitMs: number; functions: string[] };
  /** One sentence per event kind that happened, e.g. "3 cold starts added 180 ms each". */
  notes: string[];
}

export class PlatformTally {
  private readonly inits: number[] = [];
  private readonly coldFunctions = new Set<string>();
  private throttles = 0;
  private readonly throttledFunctions = new Set<string>();
  private readonly queueWaits: number[] = [];
  private readonly queuedFunctions = new Set<string>();

  /** Looks at one span of a trace (call for every span). */
  visit(span: Span): void {
    if (span.kind === 'subsegment' && span.name === 'Initialization' && span.segment?.origin === 'AWS::Lambda::Function') {
      this.inits.push((span.end - span.start) * 1000);
      this.coldFunctions.add(span.segment.displayName);
    }
    // The caller's view of a throttled invoke: a subsegment (not an inferred copy) flagged throttle with a 429.
    if (span.kind === 'subsegment' && span.throttle && (span.httpStatus === 429 || span.httpStatus === undefined) && isLambdaCall(span)) {
      this.throttles++;
      this.throttledFunctions.add(functionOf(span));
    }
    if (span.kind === 'subsegment' && span.name === LOCAL_QUEUE_SUBSEGMENT && span.segment?.origin === 'AWS::Lambda') {
      this.queueWaits.push((span.end - span.start) * 1000);
      this.queuedFunctions.add(span.segment.displayName);
    }
  }

  result(): PlatformEvents {
    const meanInitMs = this.inits.length ? this.inits.reduce((a, b) => a + b, 0) / this.inits.length : 0;
    const notes: string[] = [];
    if (this.inits.length) {
      const n = this.inits.length;
      notes.push(`${n} cold start${n === 1 ? '' : 's'} added ${Math.round(meanInitMs)} ms ${n === 1 ? '' : 'each '}(Initialization of ${[...this.coldFunctions].join(', ')}): a new execution environment starting, not the handler.`);
    }
    if (this.throttles) {
      notes.push(`${this.throttles} invocation${this.throttles === 1 ? ' was' : 's were'} throttled (Lambda answered 429 TooManyRequestsException${this.throttledFunctions.size ? ` for ${[...this.throttledFunctions].join(', ')}` : ''}): the concurrency limit was reached, so they never ran.`);
    }
    const meanWaitMs = this.queueWaits.length ? this.queueWaits.reduce((a, b) => a + b, 0) / this.queueWaits.length : 0;
    if (this.queueWaits.length) {
      const n = this.queueWaits.length;
      notes.push(`${n} invocation${n === 1 ? '' : 's'} waited in the local cloud's environment queue, ${Math.round(meanWaitMs)} ms on average (${[...this.queuedFunctions].join(', ')}; XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS is set): the local cloud's own queue, not AWS behaviour — AWS Lambda would have started another execution environment or throttled.`);
    }
    return {
      coldStarts: { count: this.inits.length, meanInitMs: Math.round(meanInitMs * 10) / 10, functions: [...this.coldFunctions] },
      throttled: { count: this.throttles, functions: [...this.throttledFunctions] },
      localQueue: { count: this.queueWaits.length, meanWaitMs: Math.round(meanWaitMs * 10) / 10, functions: [...this.queuedFunctions] },
      notes,
    };
  }
}

function isLambdaCall(span: Span): boolean {
  return span.name === 'Lambda' || /lambda\.[a-z0-9-]+\.amazonaws\.com/.test(span.httpUrl ?? '');
}

function functionOf(span: Span): string {
  const m = /:function:([^:/]+)/.exec(span.httpUrl ?? '');
  return m?.[1] ?? span.name;
}
