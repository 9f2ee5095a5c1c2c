/**
 * The Lambda proxy integration, payload format 1.0 (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format): the event API Gateway sends
 * to the function and the reading of the function's answer. A response that is not an object with
 * an integer `statusCode` and (if present) a string `body` is "malformed" → the caller answers 502.
 */
import type { StoredApi, StoredStage } from '../services/apigateway/model.js';
import type { RouteMatch } from './routes.js';

export interface ProxyRequest {
  accountId: string;
  api: StoredApi;
  stage: StoredStage;
  match: RouteMatch;
  httpMethod: string;
  /** Raw request path below the stage, with its leading `/`. */
  path: string;
  query: URLSearchParams;
  /** Node's rawHeaders (name, value, name, value…): keeps the client's header casing and repeats. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  requestId: string;
  extendedRequestId: string;
  nowMs: number;
  domainName: string;
  /** What goes into the event's X-Amzn-Trace-Id header (API Gateway always sets one). */
  traceHeader: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `10/Mar/2020:05:16:23 +0000`, the CLF-style time API Gateway puts in requestContext. */
export function requestTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function multiMap(pairs: [string, string][]): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  if (pairs.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi };
}

function isBinary(api: StoredApi, contentType: string | undefined): boolean {
  if (api.binaryMediaTypes.length === 0 || !contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return api.binaryMediaTypes.some((t) => t === '*/*' || t.toLowerCase() === type || (t.endsWith('/*') && type.startsWith(t.slice(0, -1).toLowerCase())));
}

export function buildProxyEvent(r: ProxyRequest): Record<string, unknown> {
  const headerPairs: [string, string][] = [];
  let userAgent: string | null = null;
  let contentType: string | undefined;
  let forwardedFor: string | undefined;
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) {
    const name = r.rawHeaders[i]!;
    const lower = name.toLowerCase();
    const value = r.rawHeaders[i + 1]!;
    if (lower === 'x-amzn-trace-id' || lower === 'x-forwarded-for' || lower === 'x-forwarded-proto' || lower === 'x-forwarded-port') {
      if (lower === 'x-forwarded-for') forwardedFor = value;
      continue;
    }
    if (lower === 'user-agent') userAgent = value;
    if (lower === 'content-type') contentType = value;
    headerPairs.push([name, value]);
  }
  headerPairs.push(['X-Amzn-Trace-Id', r.traceHeader], ['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${r.sourceIp}` : r.sourceIp], ['X-Forwarded-Proto', 'http']);
  const headers = multiMap(headerPairs);
  const query = multiMap([...r.query.entries()]);
  const binary = isBinary(r.api, contentType);
  const stagePath = `/${r.stage.stageName}${r.path}`;
  return {
    resource: r.match.resource.path,
    path: r.path,
    httpMethod: r.httpMethod,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: r.match.pathParameters,
    stageVariables: Object.keys(r.stage.variables).length ? r.stage.variables : null,
    requestContext: {
      resourceId: r.match.resource.id,
      resourcePath: r.match.resource.path,
      httpMethod: r.httpMethod,
      extendedRequestId: r.extendedRequestId,
      requestTime: requestTime(r.nowMs),
      path: stagePath,
      accountId: r.accountId,
      protocol: 'HTTP/1.1',
      stage: r.stage.stageName,
      domainPrefix: r.domainName.split('.')[0],
      requestTimeEpoch: r.nowMs,
      requestId: r.requestId,
      identity: {
        cognitoIdentityPoolId: null, accountId: null, cognitoIdentityId: null, caller: null, sourceIp: r.sourceIp,
        principalOrgId: null, accessKey: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null,
        userArn: null, userAgent, user: null, apiKey: null, apiKeyId: null, clientCert: null,
      },
      domainName: r.domainName,
      deploymentId: r.stage.deploymentId,
      apiId: r.api.id,
    },
    body: r.body.length === 0 ? null : binary ? r.body.toString('base64') : r.body.toString('utf8'),
    isBase64Encoded: binary && r.body.length > 0,
  };
}

export interface ProxyResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

const scalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The function's payload → HTTP response, or `undefined` when API Gateway would call it malformed. */
export function readProxyResponse(payload: Buffer): ProxyResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const statusCode = typeof v.statusCode === 'string' && /^\d+$/.test(v.statusCode) ? Number(v.statusCode) : v.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (v.body !== undefined && v.body !== null && typeof v.body !== 'string') return undefined;
  if (v.isBase64Encoded !== undefined && v.isBase64Encoded !== null && typeof v.isBase64Encoded !== 'boolean') return undefined;
  const headers: Record<string, string> = {};
  if (v.headers !== undefined && v.headers !== null) {
    if (typeof v.headers !== 'object' || Array.isArray(v.headers)) return undefined;
    for (const [k, h] of Object.entries(v.headers)) {
      if (!scalar(h)) return undefined;
      headers[k.toLowerCase()] = String(h);
    }
  }
  if (v.multiValueHeaders !== undefined && v.multiValueHeaders !== null) {
    if (typeof v.multiValueHeaders !== 'object' || Array.isArray(v.multiValueHeaders)) return undefined;
    for (const [k, list] of Object.entries(v.multiValueHeaders)) {
      if (!Array.isArray(list) || !list.every(scalar)) return undefined;
      // One HttpResponse header holds one string, so repeats are comma-joined (wrong only for Set-Cookie).
      headers[k.toLowerCase()] = list.map(String).join(', ');
    }
  }
  const text = (v.body as string | undefined | null) ?? '';
  const body = v.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode, headers, body };
}
