/**
 * Stage tracing (https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html): the segment API Gateway writes for a sampled
 * request — `{api}/{stage}` with an embedded `Lambda` subsegment
 * whose id is the `Parent` the function receives, so Lambda's segments chain under it.
 */

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
  /** Lambda throttled the call (429). */
  throttle?: boolean;
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
    ...(l.throttle && { throttle: true }),
    ...(l.fault && { fault: true }),
    aws: { function_name: name, region, operation: 'Invoke', resource_names: [name] },
  };
}
