/**
 * Lambda's side of tracing (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html): whether an invocation is traced — the upstream
 * decision, else the function's own sampler when Active.
 */
import type { Clock } from '../core/types.js';
import { parseTraceHeader } from '../xray/trace-header.js';

/**
 * Lambda's own rule for Active functions without an upstream decision: the first request of each
 * second, then 5 % of the rest — kept per function (the reservoir is not configurable on AWS).
 */
export class LambdaSampler {
  private readonly lastSecond = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
    private readonly rate = 0.05,
  ) {}

  decide(functionName: string): boolean {
    const second = Math.floor(this.clock.now() / 1000);
    if (this.lastSecond.get(functionName) !== second) {
      this.lastSecond.set(functionName, second);
      return true;
    }
    return this.random() < this.rate;
  }
}

export interface TraceDecision {
  traceId: string;
  sampled: boolean;
  /** False when nobody decided: a PassThrough function invoked without `Sampled=1|0`. */
  decided: boolean;
  /** Upstream subsegment id, parent of the AWS::Lambda segment. */
  upstreamParent?: string;
  extra: string[];
}

/** Upstream `Sampled=1|0` wins; otherwise Active functions decide themselves and PassThrough ones do not trace. */
export function decideTrace(
  header: string | undefined,
  tracingMode: 'Active' | 'PassThrough',
  decideUnsampled: () => boolean,
  newId: () => string,
): TraceDecision {
  const h = parseTraceHeader(header);
  let sampled = false;
  let decided = true;
  if (h.sampled === '1') sampled = true;
  else if (h.sampled === '0') sampled = false;
  else if (tracingMode === 'Active') sampled = decideUnsampled();
  else decided = false;
  return { traceId: h.root ?? newId(), sampled, decided, upstreamParent: h.parent, extra: h.extra };
}
