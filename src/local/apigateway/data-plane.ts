/**
 * The API Gateway data plane: serves `http://{apiId}.execute-api.localhost:{port}/{stage}/{path}`
 * and `http://127.0.0.1:{port}/_aws/execute-api/{apiId}/{stage}/{path}` from the stage's deployed
 * snapshot, through the Lambda proxy integration, with stage tracing. Spec: ./SPEC.md.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpResponse } from '../core/types.js';
import type { LocalCloudEnv } from '../env.js';
import type { StoredApi, StoredDeployment, StoredStage } from '../services/apigateway/model.js';
import { LAMBDA_URI } from '../services/apigateway/resources.js';
import type { ApiGatewayStore } from '../services/apigateway/store.js';
import { buildProxyEvent, readProxyResponse } from './proxy.js';
import { RouteIndex, splitPath } from './routes.js';
import { formatTraceHeader, newTraceId, parseTraceHeader } from '../xray/trace-header.js';
import { stageSegment, type LambdaCall } from './trace.js';
import type { DataPlaneDeps, InvokeResult } from './types.js';

export interface DataPlaneTarget {
  apiId: string;
  /** '' when the URL names no stage. */
  stage: string;
  /** Raw path below the stage, starting with `/` (`/` for the stage root). */
  path: string;
  domainName: string;
}

export interface DataPlaneRequest {
  method: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Node's rawHeaders; falls back to `headers` (lower-cased names) when absent. */
  rawHeaders?: string[];
  body: Buffer;
  sourceIp?: string;
  /** Aborted when the client disconnects before its answer: work not started for it is dropped. */
  signal?: AbortSignal;
}

const HOST = /^([a-z0-9]{10})\.execute-api\./;
const PATH_PREFIX = '/_aws/execute-api/';

function splitStage(rest: string): { stage: string; path: string } {
  const slash = rest.indexOf('/');
  return slash < 0 ? { stage: rest, path: '/' } : { stage: rest.slice(0, slash), path: rest.slice(slash) };
}

/** Cheap test the server runs before service routing: is this an invoke-URL request? */
export function matchDataPlane(pathname: string, headers: IncomingHttpHeaders): DataPlaneTarget | undefined {
  const host = (headers.host ?? '').toLowerCase();
  const m = HOST.exec(host);
  if (m) return { apiId: m[1]!, ...splitStage(pathname.slice(1)), domainName: host.replace(/:\d+$/, '') };
  if (pathname.startsWith(PATH_PREFIX)) {
    const rest = pathname.slice(PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    const apiId = slash < 0 ? rest : rest.slice(0, slash);
    return { apiId, ...splitStage(slash < 0 ? '' : rest.slice(slash + 1)), domainName: `${apiId}.execute-api.localhost` };
  }
  return undefined;
}

const message = (status: number, text: string, headers: Record<string, string>, errorType?: string): { status: number; headers: Record<string, string>; body: Buffer } => ({
  status,
  headers: { 'content-type': 'application/json', ...(errorType && { 'x-amzn-errortype': errorType }), ...headers },
  body: Buffer.from(JSON.stringify({ message: text })),
});

class IntegrationTimeout extends Error {}

export class ApiGatewayDataPlane {
  /** Built once per deployment; deployments never change, and a deleted one is dropped with its object. */
  private readonly indexes = new WeakMap<StoredDeployment, RouteIndex>();

  constructor(
    private readonly env: LocalCloudEnv,
    private readonly store: ApiGatewayStore,
    private deps: DataPlaneDeps = {},
  ) {}

  /** The server connects the Lambda engine, X-Ray's sampler and the segment store here. */
  wire(deps: DataPlaneDeps): void {
    this.deps = { ...this.deps, ...deps };
  }

  private routes(d: StoredDeployment): RouteIndex {
    let index = this.indexes.get(d);
    if (!index) this.indexes.set(d, (index = RouteIndex.build(d.resources)));
    return index;
  }

  async handle(target: DataPlaneTarget, req: DataPlaneRequest): Promise<HttpResponse> {
    const { env } = this;
    const startMs = env.clock.now();
    const requestId = env.ids.uuid();
    const extendedRequestId = `${env.ids.alnum(15)}=`;
    const baseHeaders: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amz-apigw-id': extendedRequestId };
    const api = this.store.findApi(target.apiId);
    const stage = api?.stages[target.stage];
    const deployment = api && stage ? this.store.findDeployment(api.id, stage.deploymentId) : undefined;
    // A client already gone (a burst's backlog, read after its connection closed) gets no work done:
    // no sampling, no trace, no invocation. The answer goes nowhere.
    if (req.signal?.aborted) return message(500, 'Internal server error', baseHeaders, 'InternalServerErrorException');
    const incomingHeader = Array.isArray(req.headers['x-amzn-trace-id']) ? req.headers['x-amzn-trace-id'][0] : req.headers['x-amzn-trace-id'];
    if (!api || !stage || !deployment) {
      return message(403, 'Missing Authentication Token', baseHeaders, 'MissingAuthenticationTokenException');
    }

    // Trace decision: honour an upstream Sampled=0|1, otherwise ask the sampling rules.
    const incoming = parseTraceHeader(incomingHeader);
    const root = incoming.root ?? newTraceId(startMs, env.ids);
    let sampled = false;
    let downstreamHeader: string;
    let responseTraceHeader: string;
    if (stage.tracingEnabled) {
      if (incoming.sampled === '1' || incoming.sampled === '0') sampled = incoming.sampled === '1';
      else sampled = this.deps.sampler?.decide({
        serviceName: `${api.name}/${stage.stageName}`, serviceType: 'AWS::ApiGateway::Stage', host: req.headers.host,
        httpMethod: req.method, urlPath: target.path, resourceArn: `arn:aws:apigateway:${api.region}::/restapis/${api.id}/stages/${stage.stageName}`,
      }).sampled ?? false;
      responseTraceHeader = formatTraceHeader({ root, sampled: sampled ? '1' : '0' });
      downstreamHeader = formatTraceHeader({ root, sampled: '0', extra: incoming.extra });
    } else {
      // Untraced stage: pass the caller's header on; API Gateway still adds a Root when there is none.
      downstreamHeader = incomingHeader && incoming.root ? incomingHeader : formatTraceHeader({ root, parent: incoming.parent, extra: incoming.extra });
      responseTraceHeader = formatTraceHeader({ root, sampled: incoming.sampled === '1' || incoming.sampled === '0' ? incoming.sampled : undefined });
    }
    const segmentId = sampled ? env.ids.hex(16) : undefined;
    const subsegmentId = sampled ? env.ids.hex(16) : undefined;
    if (subsegmentId) downstreamHeader = formatTraceHeader({ root, parent: subsegmentId, sampled: '1', extra: incoming.extra });
    const headers = { ...baseHeaders, 'x-amzn-trace-id': responseTraceHeader };

    const { response, lambda, abandoned } = await this.integrate(api, stage, deployment, target, req, { requestId, extendedRequestId, startMs, downstreamHeader, subsegmentId }, headers);
    // Nobody waits for an abandoned request and its function never ran: there is nothing to trace.
    if (sampled && this.deps.sink && !abandoned) {
      const doc = stageSegment({
        traceId: root, segmentId: segmentId!, parentId: incoming.parent, apiId: api.id, apiName: api.name, stage: stage.stageName,
        region: api.region, accountId: env.accountId, url: `https://${api.id}.execute-api.${api.region}.amazonaws.com/${stage.stageName}${target.path === '/' ? '' : target.path}`,
        method: req.method, userAgent: headerOf(req.headers['user-agent']), clientIp: req.sourceIp ?? '127.0.0.1', requestId, extendedRequestId,
        startMs, endMs: env.clock.now(), status: response.status, contentLength: response.body.length, lambda,
      });
      // Fire and forget: a failing trace store must not fail the API call, as on AWS.
      void Promise.resolve()
        .then(() => this.deps.sink!.putSegments([JSON.stringify(doc)]))
        .catch(() => undefined);
    }
    return response;
  }

  private async integrate(
    api: StoredApi, stage: StoredStage, deployment: StoredDeployment, target: DataPlaneTarget, req: DataPlaneRequest,
    t: { requestId: string; extendedRequestId: string; startMs: number; downstreamHeader: string; subsegmentId?: string },
    headers: Record<string, string>,
  ): Promise<{ response: { status: number; headers: Record<string, string>; body: Buffer }; lambda?: LambdaCall; abandoned?: boolean }> {
    const match = this.routes(deployment).match(splitPath(target.path), req.method.toUpperCase());
    if (!match) return { response: message(403, 'Missing Authentication Token', headers, 'MissingAuthenticationTokenException') };
    const internalError = () => message(500, 'Internal server error', headers, 'InternalServerErrorException');
    const integration = match.method.methodIntegration;
    const uri = integration?.uri?.replace(/\$\{stageVariables\.(\w+)\}/g, (_, name: string) => stage.variables[name] ?? '');
    const functionArn = uri ? LAMBDA_URI.exec(uri)?.[1] : undefined;
    const invoker = this.deps.invoker;
    if (!integration || integration.type !== 'AWS_PROXY' || !functionArn || !invoker) return { response: internalError() };

    const event = buildProxyEvent({
      accountId: this.env.accountId, api, stage, match, httpMethod: req.method.toUpperCase(), path: target.path, query: req.query,
      rawHeaders: req.rawHeaders ?? Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.flatMap((x) => [k, x]) : v === undefined ? [] : [k, v])),
      body: req.body, sourceIp: req.sourceIp ?? '127.0.0.1', requestId: t.requestId, extendedRequestId: t.extendedRequestId,
      nowMs: t.startMs, domainName: target.domainName, traceHeader: t.downstreamHeader,
    });
    // What the function's resource policy is checked against: the resource's path template, not the request's path.
    const sourceArn = `arn:aws:execute-api:${api.region}:${this.env.accountId}:${api.id}/${stage.stageName}/${req.method.toUpperCase()}/${match.resource.path.slice(1)}`;
    const lambda: LambdaCall = { subsegmentId: t.subsegmentId ?? '', functionArn, startMs: this.env.clock.now(), endMs: 0 };
    let result: InvokeResult | IntegrationTimeout | Error;
    // One signal for "nobody waits any more": the integration timed out, or the client left. (A plain
    // listener, not AbortSignal.any, whose combined signal Node 20 may collect before it fires.)
    const abort = new AbortController();
    const clientLeft = () => abort.abort();
    req.signal?.addEventListener('abort', clientLeft, { once: true });
    if (req.signal?.aborted) abort.abort();
    const signal = abort.signal;
    let timer: NodeJS.Timeout | undefined;
    try {
      result = await Promise.race([
        invoker.invoke(functionArn, Buffer.from(JSON.stringify(event)), { traceHeader: t.downstreamHeader, signal, sourceArn }),
        new Promise<IntegrationTimeout>((resolve) => (timer = setTimeout(() => resolve(new IntegrationTimeout()), integration.timeoutInMillis))),
      ]);
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', clientLeft);
    }
    lambda.endMs = this.env.clock.now();
    if (result instanceof IntegrationTimeout) {
      abort.abort();
      return { response: message(504, 'Endpoint request timed out', headers), lambda: { ...lambda, fault: true } };
    }
    if (result instanceof Error) return { response: internalError(), lambda: { ...lambda, fault: true } };
    if ('abandoned' in result) return { response: internalError(), abandoned: true };
    if ('notFound' in result) return { response: internalError(), lambda: { ...lambda, status: 404, error: true } };
    // AWS: "Execution failed due to configuration error: Invalid permissions on Lambda function" → 500.
    if ('forbidden' in result) return { response: internalError(), lambda: { ...lambda, status: 403, error: true } };
    // A throttled Lambda is an integration failure: the client gets 500, the trace the 429 (SPEC.md).
    if ('throttled' in result) return { response: internalError(), lambda: { ...lambda, status: 429, error: true, throttle: true } };
    const proxied = result.functionError ? undefined : readProxyResponse(result.payload);
    if (!proxied) {
      return {
        response: message(502, 'Internal server error', headers, 'InternalServerErrorException'),
        lambda: { ...lambda, status: 200, contentLength: result.payload.length, fault: true },
      };
    }
    return {
      response: { status: proxied.statusCode, headers: { 'content-type': 'application/json', ...proxied.headers, ...headers }, body: proxied.body },
      lambda: { ...lambda, status: proxied.statusCode, contentLength: proxied.body.length, ...(proxied.statusCode >= 500 ? { fault: true } : proxied.statusCode >= 400 ? { error: true } : {}) },
    };
  }
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
