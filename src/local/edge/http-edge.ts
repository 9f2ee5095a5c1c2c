/**
 * The AWS API port's HTTP edge: turns a node:http request into a routed call of a wired service.
 * In order: the request guard (before the body is read), DynamoDB (dynalite reads its own body),
 * the body limit, the health probe, the API Gateway data plane, then the service the signing scope,
 * X-Amz-Target, path or form body names. Knows nothing about how the services were built.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiGatewayDataPlane } from '../apigateway/index.js';
import { matchDataPlane } from '../apigateway/index.js';
import type { HttpRequest, LocalService, RequestContext } from '../core/types.js';
import { withoutServerPaths } from '../core/errors.js';
import { readBody, send } from './http-io.js';
import type { LocalCloudEnv } from '../env.js';
import { routeByFormBody, routeRequest } from '../router.js';
import { refuseApiRequest, refusalResponse, unknownServiceResponse } from './api-edge.js';
import { firstHeader, type GuardOptions } from './request-guard.js';
import { xrayOtlpEndpoint, type OtlpSink } from '../otlp/ingest.js';

export interface ApiEdgeDeps {
  env: LocalCloudEnv;
  /** Mounted services by signing name (DynamoDB apart). */
  services: ReadonlyMap<string, LocalService>;
  dynamodb: { handle(req: IncomingMessage, res: ServerResponse): unknown };
  dataPlane: ApiGatewayDataPlane;
  guard: GuardOptions;
  maxBodyBytes: number;
  /** The health probe's document (`/_xray-lab/health`). */
  health(): unknown;
  /** X-Ray's OTLP endpoint (`POST /v1/traces`, signed for xray) stores spans here. */
  otlp?: OtlpSink;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The request listener of the API port; an unexpected failure is a 500 naming it, never a crash. */
export function createApiEdge(deps: ApiEdgeDeps): RequestListener {
  const { env, services } = deps;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A client that hangs up before its answer abandons the request: work not started for it is
    // dropped (apigateway/SPEC.md). Watched from the start: on a busy machine it may be gone before we read it.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    if (req.socket.destroyed) gone.abort();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const route = routeRequest(method, url.pathname, url.searchParams, req.headers);
    const invokeTarget = route.service === 'dynamodb' ? undefined : matchDataPlane(url.pathname, req.headers);
    // Before reading the body or routing anything: Host allowlist, cross-site browsers, missing signatures.
    const refusal = refuseApiRequest({ method, url, headers: req.headers, dataPlane: invokeTarget !== undefined }, deps.guard);
    if (refusal) {
      req.resume();
      const service = route.service ? services.get(route.service) : undefined;
      return send(res, refusalResponse(refusal, { serviceName: route.service, service, method, path: url.pathname, query: url.searchParams, headers: req.headers }, env.ids.uuid()));
    }
    if (route.service === 'dynamodb') {
      await deps.dynamodb.handle(req, res);
      return;
    }
    const body = await readBody(req, deps.maxBodyBytes);
    if (body === 'too-large') {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ message: `Request body is larger than the local cloud accepts (${Math.round(deps.maxBodyBytes / 1048576)} MB).` }));
      return;
    }
    if (method === 'GET' && url.pathname === '/_xray-lab/health') {
      return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(deps.health()) });
    }
    if (method === 'POST' && url.pathname === '/v1/traces' && deps.otlp) return send(res, xrayOtlpEndpoint(deps.otlp, route.service, req.headers, body));
    if (invokeTarget) {
      const dpReq = { method, query: url.searchParams, headers: req.headers, rawHeaders: req.rawHeaders, body, sourceIp: req.socket.remoteAddress, signal: gone.signal };
      return send(res, await deps.dataPlane.handle(invokeTarget, dpReq));
    }
    const serviceName = route.service ?? (method === 'POST' ? routeByFormBody(body) : undefined);
    const ctx: RequestContext = {
      requestId: env.ids.uuid(),
      accountId: env.accountId,
      region: route.region ?? env.defaultRegion,
      accessKeyId: route.accessKeyId,
      traceHeader: firstHeader(req.headers['x-amzn-trace-id']),
    };
    const service = serviceName ? services.get(serviceName) : undefined;
    if (!service) {
      return send(res, unknownServiceResponse({ serviceName, method, path: url.pathname, query: url.searchParams, headers: req.headers, body }, ctx.requestId));
    }
    const httpReq: HttpRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body };
    send(res, await service.handle(httpReq, ctx));
  }

  return (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Internal error in the local cloud: ${withoutServerPaths(err instanceof Error ? err.message : String(err))}` }));
    });
  };
}
