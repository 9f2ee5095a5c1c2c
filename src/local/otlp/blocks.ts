/**
 * The `http`, `aws` and `cause` blocks of a translated span, and its error/fault/throttle flags,
 * following opentelemetry-collector-contrib `exporter/awsxrayexporter/internal/translator`
 * (`http.go`, `aws.go`, `cause.go`; rules and their sources in src/local/xray/SPEC.md, "OTLP spans").
 * Each builder returns the attribute names it consumed, so they do not reappear in metadata.
 */
import { randomBytes } from 'node:crypto';
import type { CauseException, CauseObject, HttpInfo } from '../xray/segments.js';
import { SPAN_KIND, type Attributes, type AttrValue, type OtlpSpan } from './spans.js';

const str = (v: AttrValue | undefined): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const int = (v: AttrValue | undefined): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) ? n : undefined;
};

/** Semantic-convention names, old (≤ v1.19) then stable (v1.20+), read by the translator. */
const HTTP_METHOD = ['http.method', 'http.request.method'];
const HTTP_STATUS = ['http.status_code', 'http.response.status_code'];
const HTTP_URL = ['http.url', 'url.full'];
const HTTP_USER_AGENT = ['http.user_agent', 'user_agent.original'];
const HTTP_CLIENT_IP = ['http.client_ip', 'client.address'];
const URL_PARTS = ['http.scheme', 'url.scheme', 'http.host', 'http.target', 'url.path', 'url.query', 'http.server_name', 'net.host.port', 'net.host.name', 'host.name', 'net.peer.name', 'net.peer.port', 'net.peer.ip', 'server.address', 'server.port'];

function first(attrs: Attributes, names: string[]): AttrValue | undefined {
  for (const n of names) if (attrs.has(n)) return attrs.get(n);
  return undefined;
}

export function httpStatusOf(attrs: Attributes): number | undefined {
  return int(first(attrs, HTTP_STATUS));
}

/** http.go: the request/response block, or undefined when the span has no HTTP attributes. */
export function makeHttp(span: OtlpSpan, used: Set<string>): HttpInfo | undefined {
  const a = span.attributes;
  const method = str(first(a, HTTP_METHOD));
  const status = httpStatusOf(a);
  const fullUrl = str(first(a, HTTP_URL));
  const hasUrlParts = URL_PARTS.some((n) => a.has(n));
  if (method === undefined && status === undefined && fullUrl === undefined && !a.has('http.target') && !a.has('url.path')) return undefined;
  for (const n of [...HTTP_METHOD, ...HTTP_STATUS, ...HTTP_URL, ...HTTP_USER_AGENT, ...HTTP_CLIENT_IP, ...URL_PARTS]) if (a.has(n)) used.add(n);
  const request: NonNullable<HttpInfo['request']> = {};
  if (method) request.method = method;
  const forwarded = str(first(a, HTTP_CLIENT_IP));
  const clientIp = forwarded ?? str(a.get('net.peer.ip'));
  if (clientIp) request.client_ip = clientIp;
  if (forwarded) request.x_forwarded_for = true;
  const ua = str(first(a, HTTP_USER_AGENT));
  if (ua) request.user_agent = ua;
  if (fullUrl || hasUrlParts) request.url = fullUrl ?? buildUrl(a, span.kind === SPAN_KIND.SERVER);
  const info: HttpInfo = { request };
  if (status !== undefined) info.response = { status };
  return info;
}

/** constructServerURL / constructClientURL: scheme://host[:port]target from the parts present. */
function buildUrl(a: Attributes, server: boolean): string {
  const scheme = str(a.get('http.scheme')) ?? str(a.get('url.scheme')) ?? 'http';
  let host = str(a.get('http.host'));
  let port = '';
  if (!host) {
    host = server
      ? (str(a.get('http.server_name')) ?? str(a.get('net.host.name')) ?? str(a.get('host.name')) ?? str(a.get('server.address')))
      : (str(a.get('net.peer.name')) ?? str(a.get('net.peer.ip')) ?? str(a.get('server.address')));
    port = (server ? str(a.get('net.host.port')) : str(a.get('net.peer.port'))) ?? str(a.get('server.port')) ?? '';
  }
  let url = `${scheme}://${host ?? ''}`;
  if (port && !(scheme === 'http' && port === '80') && !(scheme === 'https' && port === '443')) url += `:${port}`;
  const target = str(a.get('http.target')) ?? (a.has('url.path') ? `${str(a.get('url.path'))}${a.has('url.query') ? `?${str(a.get('url.query'))}` : ''}` : undefined);
  return url + (target ?? '/');
}

/** aws.go: account, operation, region, request id, queue and table from span and resource. */
export function makeAws(span: OtlpSpan, resource: Attributes, used: Set<string>): Record<string, unknown> | undefined {
  const a = span.attributes;
  const provider = str(resource.get('cloud.provider'));
  const take = (name: string): string | undefined => {
    if (!a.has(name)) return undefined;
    used.add(name);
    return str(a.get(name));
  };
  const operation = take('aws.operation') ?? take('rpc.method');
  const account = take('aws.account_id') ?? str(resource.get('cloud.account.id'));
  const region = take('aws.region');
  const requestId = take('aws.request_id') ?? take('aws.requestId');
  const queueUrl = take('messaging.url') ?? take('aws.queue_url') ?? take('aws.queue.url');
  let tableName = take('aws.table_name') ?? take('aws.table.name');
  let tableNames: string[] | undefined;
  const semTables = a.get('aws.dynamodb.table_names');
  if (Array.isArray(semTables)) {
    used.add('aws.dynamodb.table_names');
    if (semTables.length === 1) tableName = str(semTables[0]);
    else if (semTables.length > 1) {
      tableName = undefined;
      tableNames = semTables.map((t) => str(t) ?? '');
    }
  }
  if (provider !== undefined && provider !== 'aws') return undefined;
  const sdkName = str(resource.get('telemetry.sdk.name'));
  const sdkLanguage = str(resource.get('telemetry.sdk.language'));
  const out: Record<string, unknown> = {};
  if (account) out.account_id = account;
  if (operation) out.operation = operation;
  if (region) out.region = region;
  if (requestId) out.request_id = requestId;
  if (queueUrl) out.queue_url = queueUrl;
  if (tableName) out.table_name = tableName;
  if (tableNames) out.table_names = tableNames;
  if (sdkName) {
    const sdk = sdkLanguage && !sdkName.toLowerCase().endsWith(` for ${sdkLanguage.toLowerCase()}`) ? `${sdkName} for ${sdkLanguage}` : sdkName;
    out.xray = { sdk, ...(resource.has('telemetry.sdk.version') ? { sdk_version: str(resource.get('telemetry.sdk.version')) } : {}), auto_instrumentation: resource.has('telemetry.auto.version') };
  }
  return Object.keys(out).length ? out : undefined;
}

const newId = (): string => randomBytes(8).toString('hex');

/** fillJavaScriptStacktrace: `    at label (path:line:col)` frames after the message line. */
function javascriptStack(trace: string): CauseException['stack'] {
  const frames: NonNullable<CauseException['stack']> = [];
  for (const line of trace.split('\n').slice(1)) {
    if (!line.startsWith('    at ')) continue;
    const paren = line.indexOf('(');
    let label = '';
    let path = line.slice(7);
    if (paren >= 0 && line.endsWith(')')) {
      label = line.slice(7, paren).trim();
      path = line.slice(paren + 1, -1);
    }
    const m = /^(.*?):(\d+):\d+$/.exec(path);
    frames.push(m ? { path: m[1], line: Number(m[2]), label } : { path, label });
  }
  return frames;
}

export interface Outcome {
  error: boolean;
  fault: boolean;
  throttle: boolean;
  cause?: CauseObject;
}

/** cause.go: exceptions from `exception` events (else the error status message), flags from the HTTP status, else the span status. */
export function makeOutcome(span: OtlpSpan, resource: Attributes, used: Set<string>): Outcome {
  const remote = span.kind === SPAN_KIND.CLIENT || span.kind === SPAN_KIND.PRODUCER;
  const language = str(resource.get('telemetry.sdk.language'));
  const exceptions: CauseException[] = [];
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    const trace = str(e.attributes.get('exception.stacktrace')) ?? '';
    const ex: CauseException = { id: newId(), type: str(e.attributes.get('exception.type')) ?? '', message: str(e.attributes.get('exception.message')) ?? '', remote };
    if (trace && language === 'javascript') ex.stack = javascriptStack(trace);
    exceptions.push(ex);
  }
  let cause: CauseObject | undefined;
  if (exceptions.length) cause = { exceptions };
  else if (span.statusCode === 2) {
    let message = span.statusMessage;
    if (!message && span.attributes.has('http.status_text')) {
      message = str(span.attributes.get('http.status_text')) ?? '';
      used.add('http.status_text');
    }
    if (message) cause = { exceptions: [{ id: newId(), message }] };
  }
  const code = httpStatusOf(span.attributes);
  const out: Outcome = { error: false, fault: false, throttle: false, cause };
  if (code === undefined || code < 400 || code > 599) out.fault = span.statusCode === 2;
  else if (code <= 499) {
    out.error = true;
    out.throttle = code === 429;
  } else out.fault = true;
  return out;
}
