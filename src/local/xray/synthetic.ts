/**
 * Synthetic lab traces: the documents one request to the lab's API produces (API Gateway stage
 * segment with its `Lambda` subsegment, the AWS::Lambda and AWS::Lambda::Function segments, and the
 * handler's independently-sent subsegments). Used by the tests and the benchmarks.
 */
import type { SegmentDoc } from './segments.js';

export interface LabTraceOptions {
  traceId?: string;
  /** Request start, epoch milliseconds. */
  startMs: number;
  /** Status API Gateway answers with (200, 404, 429, 500, 502 …). */
  status?: number;
  userFound?: boolean;
  userId?: string;
  coldStart?: boolean;
  /** Status of the DynamoDB call (400 = handled client error, 429 = throttled). */
  dynamoStatus?: number;
  /** Deterministic randomness for ids and jitter; defaults to a generator seeded from startMs. */
  random?: () => number;
  region?: string;
  accountId?: string;
  apiId?: string;
  functionName?: string;
  tableName?: string;
  apiName?: string;
  stage?: string;
  /** The user recorded on the function segment (`user` field), when set. */
  user?: string;
  /** When false the handler's subsegments are embedded in Invocation instead of sent independently. */
  independent?: boolean;
}

/** mulberry32: tiny, seedable, good enough for ids and jitter in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomHex(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

export function makeTraceId(epochSeconds: number, random: () => number): string {
  return `1-${Math.floor(epochSeconds).toString(16).padStart(8, '0')}-${randomHex(random, 24)}`;
}

/** The documents of one lab request, as JSON texts in the order they would reach X-Ray. */
export function makeLabTrace(opts: LabTraceOptions): string[] {
  return makeLabTraceDocs(opts).map((d) => JSON.stringify(d));
}

export function makeLabTraceDocs(opts: LabTraceOptions): SegmentDoc[] {
  const rnd = opts.random ?? seededRandom(Math.floor(opts.startMs));
  const region = opts.region ?? 'us-east-1';
  const account = opts.accountId ?? '000000000000';
  const apiId = opts.apiId ?? 'a1b2c3d4e5';
  const fn = opts.functionName ?? 'user-service';
  const table = opts.tableName ?? 'UserProfiles';
  const stage = opts.stage ?? 'prod';
  const apiName = opts.apiName ?? 'user-api';
  const userFound = opts.userFound ?? true;
  const status = opts.status ?? (userFound ? 200 : 404);
  const dynamoStatus = opts.dynamoStatus ?? 200;
  const userId = opts.userId ?? (userFound ? 'user123' : 'nonexistent');
  const t0 = opts.startMs / 1000;
  const traceId = opts.traceId ?? makeTraceId(t0, rnd);
  const id = () => randomHex(rnd, 16);
  const fnArn = `arn:aws:lambda:${region}:${account}:function:${fn}`;
  const jitter = () => Math.round(rnd() * 20) / 1000;

  const [apigwId, lambdaSubId, lambdaSegId, fnSegId, invId, procId, ddbId] = [id(), id(), id(), id(), id(), id(), id()];
  const cold = opts.coldStart ?? false;
  const init = cold ? 0.25 + jitter() : 0;
  const lStart = t0 + 0.002;
  const fStart = lStart + 0.003;
  const invStart = fStart + init;
  const ddbStart = invStart + 0.101;
  const ddbEnd = ddbStart + 0.01 + jitter();
  const invEnd = ddbEnd + 0.002;
  const fEnd = invEnd + 0.001;
  const lEnd = fEnd + 0.001;
  const end = lEnd + 0.003;
  const flags = (s: number) => ({
    ...(s >= 400 && s < 500 ? { error: true } : {}),
    ...(s === 429 ? { throttle: true } : {}),
    ...(s >= 500 ? { fault: true } : {}),
  });
  const functionFailed = status === 502;

  const apigw: SegmentDoc = {
    id: apigwId, trace_id: traceId, name: `${apiName}/${stage}`, origin: 'AWS::ApiGateway::Stage',
    start_time: t0, end_time: end,
    resource_arn: `arn:aws:apigateway:${region}::/restapis/${apiId}/stages/${stage}`,
    http: {
      request: { url: `https://${apiId}.execute-api.${region}.amazonaws.com/${stage}/users/${userId}`, method: 'GET', user_agent: 'xray-lab-load/1.0', client_ip: '127.0.0.1', x_forwarded_for: true },
      response: { status, content_length: 64 },
    },
    aws: { api_gateway: { account_id: account, rest_api_id: apiId, stage, request_id: randomHex(rnd, 32) } },
    annotations: { 'aws:api_id': apiId, 'aws:api_stage': stage },
    ...flags(status),
    subsegments: [{
      id: lambdaSubId, name: 'Lambda', namespace: 'aws', start_time: lStart - 0.001, end_time: lEnd + 0.001,
      http: { request: { url: `https://lambda.${region}.amazonaws.com/2015-03-31/functions/${fnArn}/invocations`, method: 'POST' }, response: { status: 200, content_length: 64 } },
      aws: { function_name: fn, region, operation: 'Invoke', resource_names: [fn] },
    }],
  };
  const lambdaSeg: SegmentDoc = {
    id: lambdaSegId, trace_id: traceId, parent_id: lambdaSubId, name: fn, origin: 'AWS::Lambda',
    start_time: lStart, end_time: lEnd, resource_arn: fnArn,
    http: { response: { status: 200 } }, aws: { request_id: randomHex(rnd, 32) },
  };
  const lifecycle = (name: string, sid: string, s: number, e: number) => ({ id: sid, name, start_time: s, end_time: e, aws: { function_arn: fnArn } });
  const fnSeg: SegmentDoc = {
    id: fnSegId, trace_id: traceId, parent_id: lambdaSegId, name: fn, origin: 'AWS::Lambda::Function',
    start_time: fStart, end_time: fEnd, aws: { account_id: account, function_arn: fnArn, resource_names: [fn] },
    ...(opts.user ? { user: opts.user } : {}),
    ...(functionFailed ? { fault: true, cause: { exceptions: [{ id: id(), type: 'Error', message: 'handler crashed' }] } } : {}),
    subsegments: [
      ...(cold ? [lifecycle('Initialization', id(), fStart, fStart + init)] : []),
      { ...lifecycle('Invocation', invId, invStart, invEnd), ...(functionFailed ? { fault: true } : {}) },
      lifecycle('Overhead', id(), invEnd, fEnd),
    ],
  };
  const ddb = {
    id: ddbId, name: 'DynamoDB', namespace: 'aws', start_time: ddbStart, end_time: ddbEnd,
    http: { response: { status: dynamoStatus, content_length: 120 } },
    aws: { operation: 'GetItem', region, request_id: randomHex(rnd, 32), retries: 1, table_name: table, resource_names: [table] },
    ...flags(dynamoStatus),
    ...(dynamoStatus >= 400 ? { cause: { exceptions: [{ id: id(), type: dynamoStatus === 429 ? 'ThrottlingException' : 'ValidationException', message: 'DynamoDB call failed', remote: true }] } } : {}),
  };
  const proc = {
    id: procId, name: 'user_processing', start_time: invStart + 0.0005, end_time: invEnd - 0.0005,
    annotations: { service: fn, operation: 'GET', user_found: userFound, user_id: userId },
    metadata: { default: { request_info: { path: `/users/${userId}` } } },
    ...(status >= 500 ? { fault: true } : {}),
  };
  if (opts.independent === false) {
    fnSeg.subsegments!.find((s) => s.name === 'Invocation')!.subsegments = [{ ...proc, subsegments: [ddb] }];
    return [apigw, lambdaSeg, fnSeg];
  }
  const indep = (doc: object, parent: string): SegmentDoc => ({ ...(doc as SegmentDoc), type: 'subsegment', trace_id: traceId, parent_id: parent });
  // Lambda streams each closed subsegment at once: the DynamoDB call closes first.
  return [indep(ddb, procId), indep(proc, invId), fnSeg, lambdaSeg, apigw];
}
