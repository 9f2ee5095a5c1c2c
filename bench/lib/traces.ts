/**
 * Lab-shaped trace documents for the X-Ray store benchmark, from a seeded generator so every run and
 * both emulators get the same data: API Gateway stage segment (with its Lambda subsegment), AWS::Lambda
 * and AWS::Lambda::Function segments, and the handler's user_processing and DynamoDB subsegments sent
 * on their own, as the function's SDK does — five documents per request.
 */

import { seededRandom } from '../../src/local/xray/synthetic.js';

function hex(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ((rnd() * 16) | 0).toString(16);
  return s;
}

export interface LabTrace {
  traceId: string;
  docs: string[];
}

const FN = 'user-service';
const ARN = `arn:aws:lambda:us-east-1:000000000000:function:${FN}`;
const API = 'benchapi01';

/** One request at `startS` (epoch seconds). Mix: 80 % found (200), 15 % missing (404), 3 % 502, 2 % 429. */
export function labTrace(rnd: () => number, startS: number): LabTrace {
  const roll = rnd();
  const status = roll < 0.8 ? 200 : roll < 0.95 ? 404 : roll < 0.98 ? 502 : 429;
  const found = status === 200;
  const user = found ? `user${100 + ((rnd() * 900) | 0)}` : 'nonexistent';
  const traceId = `1-${Math.floor(startS).toString(16)}-${hex(rnd, 24)}`;
  const [gw, gwLambda, lam, fn, inv, proc, ddb] = Array.from({ length: 7 }, () => hex(rnd, 16));
  // Slow tail: 5 % of requests take 0.5–1.5 s in the handler, so `responsetime > 0.5` selects a few.
  const work = rnd() < 0.05 ? 0.5 + rnd() : 0.005 + rnd() * 0.03;
  const t = { gw: startS, lam: startS + 0.002, fn: startS + 0.004, proc: startS + 0.005 };
  const ddbEnd = t.proc + work + 0.008;
  const procEnd = ddbEnd + 0.001;
  const fnEnd = procEnd + 0.002;
  const gwEnd = fnEnd + 0.004;
  const flags = status === 429 ? { error: true, throttle: true } : status >= 500 ? { fault: true } : status >= 400 ? { error: true } : {};
  const docs = [
    { type: 'subsegment', trace_id: traceId, parent_id: proc, id: ddb, name: 'DynamoDB', namespace: 'aws', start_time: t.proc + work, end_time: ddbEnd,
      http: { response: { status: 200 } }, aws: { operation: 'GetItem', region: 'us-east-1', table_name: 'UserProfiles', resource_names: ['UserProfiles'], retries: 0 } },
    { type: 'subsegment', trace_id: traceId, parent_id: inv, id: proc, name: 'user_processing', start_time: t.proc, end_time: procEnd,
      annotations: { service: FN, operation: 'GET', user_found: found }, metadata: { default: { request_info: { path: `/users/${user}` } } },
      ...(status === 502 ? { fault: true } : {}) },
    { trace_id: traceId, id: fn, parent_id: lam, name: FN, origin: 'AWS::Lambda::Function', start_time: t.fn, end_time: fnEnd,
      aws: { function_arn: ARN, resource_names: [FN] },
      subsegments: [{ id: inv, name: 'Invocation', start_time: t.fn + 0.0005, end_time: procEnd + 0.0005 }, { id: hex(rnd, 16), name: 'Overhead', start_time: procEnd + 0.0005, end_time: fnEnd }] },
    { trace_id: traceId, id: lam, parent_id: gwLambda, name: FN, origin: 'AWS::Lambda', start_time: t.lam, end_time: fnEnd + 0.001, resource_arn: ARN,
      http: { response: { status: 200 } } },
    { trace_id: traceId, id: gw, name: 'user-api/prod', origin: 'AWS::ApiGateway::Stage', start_time: t.gw, end_time: gwEnd,
      resource_arn: `arn:aws:apigateway:us-east-1::/restapis/${API}/stages/prod`,
      http: { request: { method: 'GET', url: `https://${API}.execute-api.us-east-1.amazonaws.com/prod/users/${user}`, user_agent: 'xray-lab-bench', client_ip: '127.0.0.1' }, response: { status } },
      annotations: { 'aws:api_id': API, 'aws:api_stage': 'prod' }, ...flags,
      subsegments: [{ id: gwLambda, name: 'Lambda', namespace: 'aws', start_time: t.lam - 0.001, end_time: fnEnd + 0.002,
        http: { response: { status: 200 } }, aws: { operation: 'Invoke', function_name: FN, resource_names: [FN] } }] },
  ];
  return { traceId, docs: docs.map((d) => JSON.stringify(d)) };
}

/** `count` traces spread evenly over [fromS, toS), deterministic for a seed. */
export function* labTraces(count: number, fromS: number, toS: number, seed: number): Generator<LabTrace> {
  const rnd = seededRandom(seed);
  const step = (toS - fromS) / Math.max(1, count);
  for (let i = 0; i < count; i++) yield labTrace(rnd, fromS + i * step);
}

/** The five representative filters: the lab's two, a numeric one, an annotation and a compound. */
export const FILTERS: readonly string[] = [
  'service("user-service")',
  'error = true',
  'responsetime > 0.5',
  'annotation.user_found = false',
  'fault OR (http.status = 404 AND service("user-service"))',
];
