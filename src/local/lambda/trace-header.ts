/**
 * X-Amzn-Trace-Id handling for Lambda (reference §3.8, §2.7): parse the incoming header, decide
 * whether the invocation is traced, and build the value handed to the function.
 */
import type { Clock, IdGenerator } from '../core/types.js';

export interface TraceHeader {
  root?: string;
  parent?: string;
  /** '1' | '0' | '?' or undefined when absent. */
  sampled?: string;
  /** Keys we do not interpret (Lineage, Self, …), kept in order to pass them on. */
  extra: [string, string][];
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

export function parseTraceHeader(value: string | undefined): TraceHeader {
  const out: TraceHeader = { extra: [] };
  if (!value) return out;
  for (const field of value.split(';')) {
    const eq = field.indexOf('=');
    if (eq <= 0) continue;
    const key = field.slice(0, eq).trim();
    const val = field.slice(eq + 1).trim();
    switch (key.toLowerCase()) {
      case 'root':
        if (TRACE_ID.test(val)) out.root = val;
        break;
      case 'parent':
        if (SEGMENT_ID.test(val)) out.parent = val;
        break;
      case 'sampled':
        out.sampled = val;
        break;
      default:
        out.extra.push([key, val]);
    }
  }
  return out;
}

/** `1-{8 hex epoch seconds}-{24 hex}`. */
export function newTraceId(clock: Clock, ids: IdGenerator): string {
  const epoch = Math.floor(clock.now() / 1000).toString(16).padStart(8, '0');
  return `1-${epoch}-${ids.hex(24)}`;
}

/** `sampled: undefined` = nobody decided (PassThrough without an upstream decision): `Root=…` only. */
export function formatTraceHeader(h: { root: string; parent?: string; sampled: boolean | undefined; extra: [string, string][] }): string {
  const parts = [`Root=${h.root}`];
  if (h.parent) parts.push(`Parent=${h.parent}`);
  if (h.sampled !== undefined) parts.push(`Sampled=${h.sampled ? '1' : '0'}`);
  for (const [k, v] of h.extra) parts.push(`${k}=${v}`);
  return parts.join(';');
}

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
  extra: [string, string][];
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
