/**
 * restJson1 (X-Ray, Lambda, API Gateway): operations are bound to HTTP method + path template;
 * input members come from path labels, query string, headers and the JSON body; errors are the
 * status of the exception, an `x-amzn-ErrorType` header and a JSON body with the message.
 */
import { ServiceError, isServiceError, notImplemented, withoutServerPaths } from '../core/errors.js';
import type { HttpRequest, HttpResponse, LocalService, RequestContext } from '../core/types.js';

export interface RestRequest {
  /** Path labels, percent-decoded. `{FunctionName}` → params.FunctionName; greedy `{proxy+}` → params.proxy. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: HttpRequest['headers'];
  body: Buffer;
  /**
   * The body parsed as JSON (`{}` when empty); throws SerializationException when it is not a JSON object.
   * The type parameter is the operation's input shape: operations still validate what they read.
   */
  json<T = Record<string, unknown>>(): T;
}

/** What an operation returns: a JSON object (status = route's success status), or a full response. */
export type RestResult = object | HttpResponse | void;

export interface RestRoute {
  method: string;
  /** e.g. `/2015-03-31/functions/{FunctionName}/invocations` */
  path: string;
  operation: string;
  status?: number;
  /** Query parameters that select this operation on a shared path (ImportRestApi is `POST /restapis?mode=import`). */
  query?: Record<string, string>;
  handler: (req: RestRequest, ctx: RequestContext) => RestResult | Promise<RestResult>;
}

interface CompiledRoute extends RestRoute {
  regex: RegExp;
  labels: string[];
}

function compile(route: RestRoute): CompiledRoute {
  const labels: string[] = [];
  const pattern = route.path
    .split('/')
    .map((part) => {
      const m = /^\{(\w+)(\+?)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labels.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, labels, regex: new RegExp(`^${pattern}/?$`) };
}

export function isFullResponse(r: RestResult): r is HttpResponse {
  return typeof r === 'object' && r !== null && typeof (r as HttpResponse).status === 'number' && ('body' in r || 'headers' in r);
}

export function jsonResponse(status: number, body: unknown, requestId: string, extraHeaders: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...extraHeaders },
    body: body === undefined ? '' : JSON.stringify(body, epochSeconds),
  };
}

/** restJson1's default timestamp format is epoch seconds; `Date`s in operation output are written so. */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}

export function restJsonError(err: ServiceError, requestId: string, messageKey: 'message' | 'Message' = 'message'): HttpResponse {
  const body: Record<string, unknown> = { [messageKey]: err.message, ...err.extra };
  // Both casings are read by clients; AWS services differ per exception, so send the conventional one and `message`.
  if (messageKey === 'Message') body.message = err.message;
  return jsonResponse(err.status, body, requestId, { 'x-amzn-errortype': err.code });
}

export interface RestJsonServiceOptions {
  name: string;
  /** Human name for NotImplemented messages, e.g. "X-Ray". */
  title: string;
  routes: RestRoute[];
  /** X-Ray's error shapes use `Message`; most others `message`. */
  messageKey?: 'message' | 'Message';
  /** Known paths of operations left out on purpose, answered with a NotImplemented error naming them. */
  unimplemented?: Record<string, string>;
  /** Operations left out on purpose that share a path template with implemented ones (method, path, query select them). */
  unimplementedRoutes?: Omit<RestRoute, 'handler' | 'status'>[];
  close?: () => Promise<void>;
}

export function restJsonService(opts: RestJsonServiceOptions): LocalService {
  const declined: RestRoute[] = (opts.unimplementedRoutes ?? []).map((r) => ({ ...r, handler: () => { throw notImplemented(opts.title, r.operation); } }));
  // Query-selected operations first, so `POST /restapis?mode=import` is never taken for `POST /restapis`.
  const routes = [...declined, ...opts.routes].map(compile).sort((a, b) => Number(Boolean(b.query)) - Number(Boolean(a.query)));
  return {
    name: opts.name,
    close: opts.close,
    protocol: 'restJson',
    errorResponse: (err, requestId) => restJsonError(err, requestId, opts.messageKey),
    async handle(req: HttpRequest, ctx: RequestContext): Promise<HttpResponse> {
      try {
        let pathMatched = false;
        for (const route of routes) {
          const m = route.regex.exec(req.path);
          if (!m) continue;
          pathMatched = true;
          if (route.method !== req.method) continue;
          if (route.query && Object.entries(route.query).some(([k, v]) => req.query.get(k) !== v)) continue;
          const params: Record<string, string> = {};
          route.labels.forEach((label, i) => (params[label] = decodeLabel(m[i + 1]!)));
          let parsed: Record<string, unknown> | undefined;
          const restReq: RestRequest = {
            params,
            query: req.query,
            headers: req.headers,
            body: req.body,
            json: <T>() => (parsed ??= parseJsonBody(req.body)) as T,
          };
          const result = await route.handler(restReq, ctx);
          if (isFullResponse(result)) {
            return { ...result, headers: { 'x-amzn-requestid': ctx.requestId, ...result.headers } };
          }
          return jsonResponse(route.status ?? 200, result ?? {}, ctx.requestId);
        }
        const unimpl = opts.unimplemented?.[`${req.method} ${req.path}`] ?? opts.unimplemented?.[req.path];
        if (unimpl) throw notImplemented(opts.title, unimpl);
        // An unknown method on a known path is an operation we do not have, not a 405 that looks like another one's answer.
        throw notImplemented(opts.title, `${req.method.slice(0, 16)} ${req.path.slice(0, 200)}${pathMatched ? ' (no such operation on this path)' : ''}`);
      } catch (e) {
        return restJsonError(toServiceError(e), ctx.requestId, opts.messageKey);
      }
    },
  };
}

/** A malformed percent-escape in the path is the caller's fault (400), not an internal failure. */
function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ServiceError('ValidationException', `The request path contains an invalid percent-encoding: ${raw.slice(0, 100)}`, 400);
  }
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON.', 400);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceError('SerializationException', 'The request body must be a JSON object.', 400);
  }
  return value as Record<string, unknown>;
}

/** Anything that is not a ServiceError is our bug: answer 500 InternalFailure, never crash the server. */
export function toServiceError(e: unknown): ServiceError {
  if (isServiceError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ServiceError('InternalFailure', `Internal error in the local cloud: ${withoutServerPaths(message)}`, 500, {}, false);
}
