/**
 * Stage tracing (reference §3.8, §4.1 rows 1 and 1a): the X-Amzn-Trace-Id header, and the segment
 * API Gateway writes for a sampled request — `{api}/{stage}` with an embedded `Lambda` subsegment
 * whose id is the `Parent` the function receives, so Lambda's segments chain under it.
 */
import type { IdGenerator } from '../core/types.js';

export interface TraceHeader {
  root?: string;
  parent?: string;
  sampled?: string;
  /** Other fields (e.g. `Lineage=…`, `Self=…`) carried on unchanged, in order. */
  extra: string[];
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

export function parseTraceHeader(value: string | undefined): TraceHeader {
  const out: TraceHeader = { extra: [] };
  if (!value) return out;
  for (const field of value.split(';')) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq).trim().toLowerCase();
    const v = field.slice(eq + 1).trim();
    if (key === 'root') out.root = TRACE_ID.test(v) ? v : undefined;
    else if (key === 'parent') out.parent = /^[0-9a-f]{16}$/.test(v) ? v : undefined;
    else if (key === 'sampled') out.sampled = v;
    else out.extra.push(field.trim());
  }
  return out;
}

export function formatTraceHeader(root: string, parent: string | undefined, sampled: '0' | '1' | undefined, extra: string[] = []): string {
  let h = `Root=${root}`;
  if (parent) h += `;Parent=${parent}`;
  if (sampled) h += `;Sampled=${sampled}`;
  for (const e of extra) h += `;${e}`;
  return h;
}

/** `1-{epoch seconds, 8 hex}-{96 random bits}` */
export function newTraceId(nowMs: number, ids: IdGenerator): string {
  return `1-${Math.floor(nowMs / 1000).toString(16).padStart(8, '0')}-${ids.hex(24)}`;
}

/** `arn:aws:lambda:{region}:{acct}:function:{name}[:{qualifier}]` → name; a bare name stays as is. */
export function functionNameOf(functionArn: string): string {
  const m = /:function:([^:]+)/.exec(functionArn);
  return m ? m[1]! : functionArn;
}

export interface LambdaCall {
  subsegmentId: string;
  functionArn: string;
  startMs: number;
  endMs: number;
  /** The integration's outcome: the proxy statusCode, or what went wrong. */
  status?: number;
  contentLength?: number;
  error?: boolean;
  fault?: boolean;
}

export interface StageSegmentInput {
  traceId: string;
  segmentId: string;
  parentId?: string;
  apiId: string;
  apiName: string;
  stage: string;
  region: string;
  accountId: string;
  url: string;
  method: string;
  userAgent?: string;
  clientIp: string;
  requestId: string;
  extendedRequestId: string;
  startMs: number;
  endMs: number;
  status: number;
  contentLength: number;
  lambda?: LambdaCall;
}

const seconds = (ms: number) => ms / 1000;

function statusFlags(status: number | undefined): Record<string, boolean> {
  if (status === undefined) return {};
  return {
    ...(status >= 400 && status < 500 && { error: true }),
    ...(status === 429 && { throttle: true }),
    ...(status >= 500 && { fault: true }),
  };
}

export function stageSegment(s: StageSegmentInput): Record<string, unknown> {
  return {
    id: s.segmentId,
    trace_id: s.traceId,
    ...(s.parentId && { parent_id: s.parentId }),
    name: `${s.apiName}/${s.stage}`,
    origin: 'AWS::ApiGateway::Stage',
    resource_arn: `arn:aws:apigateway:${s.region}::/restapis/${s.apiId}/stages/${s.stage}`,
    start_time: seconds(s.startMs),
    end_time: seconds(s.endMs),
    http: {
      request: { url: s.url, method: s.method, ...(s.userAgent !== undefined && { user_agent: s.userAgent }), client_ip: s.clientIp, x_forwarded_for: true },
      response: { status: s.status, content_length: s.contentLength },
    },
    ...statusFlags(s.status),
    aws: { api_gateway: { account_id: s.accountId, rest_api_id: s.apiId, stage: s.stage, request_id: s.requestId } },
    annotations: { 'aws:api_id': s.apiId, 'aws:api_stage': s.stage },
    metadata: { default: { extended_request_id: s.extendedRequestId, request_id: s.requestId } },
    ...(s.lambda && { subsegments: [lambdaSubsegment(s.lambda, s.region)] }),
  };
}

function lambdaSubsegment(l: LambdaCall, region: string): Record<string, unknown> {
  const name = functionNameOf(l.functionArn);
  return {
    id: l.subsegmentId,
    name: 'Lambda',
    namespace: 'aws',
    start_time: seconds(l.startMs),
    end_time: seconds(l.endMs),
    http: {
      request: { url: `https://lambda.${region}.amazonaws.com/2015-03-31/functions/${l.functionArn}/invocations`, method: 'POST' },
      ...(l.status !== undefined && { response: { status: l.status, ...(l.contentLength !== undefined && { content_length: l.contentLength }) } }),
    },
    ...(l.error && { error: true }),
    ...(l.fault && { fault: true }),
    aws: { function_name: name, region, operation: 'Invoke', resource_names: [name] },
  };
}
