/**
 * The embedded local cloud: one HTTP server on loopback that routes each request to its service
 * (router.ts), each service speaking its real wire protocol. Started in-process by tests (port 0)
 * and by `xray-lab local start` as a background process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { mkdirSync } from 'node:fs';
import { openDatabase } from './core/db.js';
import { randomIds, systemClock } from './core/defaults.js';
import type { Clock, HttpRequest, HttpResponse, IdGenerator, LocalService, RequestContext } from './core/types.js';
import type { LocalCloudEnv, LocalFaults } from './env.js';
import { createApiGateway, matchDataPlane, type DataPlaneDeps } from './apigateway/index.js';
import { routeByFormBody, routeRequest } from './router.js';
import { createDynamoDb } from './services/dynamodb.js';
import { createIamService } from './services/iam/index.js';
import { createLambdaService, type LambdaApi, type LambdaRunner, type ZipExtractor } from './services/lambda/index.js';
import { createLogsService, type LogsApi } from './services/logs/index.js';
import { isAbandoned, isThrottle, LambdaEngine } from './lambda/index.js';
// The one zip extractor of the project lives with packaging; src/local takes only this leaf module (yauzl, no esbuild).
import { safeExtractZip } from './core/safe-zip.js';
import { createStsService } from './services/sts.js';
import { createXrayService } from './services/xray/index.js';
import { createTaggingService } from './services/tagging.js';
import { localTagSources } from './services/tagging-sources.js';
import { SamplingRules } from './services/xray/rules.js';
import { createXrayEngine } from './services/xray/engine.js';
import { startDaemon, type Daemon, type DaemonStats } from './xray/index.js';

export const DEFAULT_PORT = 4566;
/** The X-Ray daemon's well-known UDP port, which the X-Ray SDKs send to by default. */
export const DEFAULT_DAEMON_PORT = 2000;
export const DEFAULT_ACCOUNT = '000000000000';
/** Lambda accepts 50 MB zips, which base64 in a JSON body grow to ~67 MB. */
export const MAX_BODY_BYTES = 70 * 1024 * 1024;
export const VERSION = '0.1.0';

export interface LocalCloudOptions {
  /** Default 4566; 0 picks a free port. */
  port?: number;
  /** Must be a loopback address: the local cloud accepts any credentials, so it never listens beyond this machine. */
  host?: string;
  /** Where state persists; omitted = in memory (tests). */
  dataDir?: string;
  accountId?: string;
  region?: string;
  clock?: Clock;
  ids?: IdGenerator;
  faults?: LocalFaults;
  maxBodyBytes?: number;
  /** Unpacks uploaded function zips; defaults to the packaging module's safe extractor. */
  extractZip?: ZipExtractor;
  /** Builds the Lambda execution engine once the endpoint is known; default: the real LambdaEngine. */
  createLambdaRunner?: (hooks: LambdaRunnerHooks) => LambdaRunner;
  /** UDP port of the X-Ray daemon intake on the same host (default 2000; 0 picks a free one; default 0 when `port` is 0, so tests never collide). */
  daemonPort?: number;
  /** Randomness of sampling decisions (tests pass a seeded one). */
  random?: () => number;
  /** What API Gateway invokes, samples with and writes segments to (Lambda engine, X-Ray engine). */
  apigateway?: DataPlaneDeps;
  /** Local Lambda limits: account concurrency (default 20) and how long an idle environment lives (default 5 min). */
  lambda?: { concurrencyLimit?: number; idleTimeoutMs?: number };
}

/** What the server hands the execution engine: where functions reach the cloud, and where their logs go. */
export interface LambdaRunnerHooks {
  endpoint: string;
  env: LocalCloudEnv;
  onLogEvents(group: string, stream: string, events: { timestamp: number; message: string }[]): void;
}

export interface LocalCloud {
  endpoint: string;
  port: number;
  host: string;
  dataDir?: string;
  /** `host:port` of the UDP intake for X-Ray SDK documents (what AWS_XRAY_DAEMON_ADDRESS names). */
  daemonAddress: string;
  env: LocalCloudEnv;
  /** In-process APIs other local services (API Gateway's data plane) call. */
  lambda: LambdaApi;
  logs: LogsApi;
  /** The UDP intake's counters (received, accepted, dropped) as of now, after handing on what is buffered. */
  daemonStats(): DaemonStats;
  close(): Promise<void>;
}

export class LocalCloudStartError extends Error {}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new LocalCloudStartError(`The local cloud only listens on loopback (127.0.0.1 or ::1), not ${host}: it accepts any credentials, so it must not be reachable from other machines.`);
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const env: LocalCloudEnv = {
    db: openDatabase(options.dataDir),
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
    accountId: options.accountId ?? DEFAULT_ACCOUNT,
    defaultRegion: options.region ?? 'us-east-1',
    dataDir: options.dataDir,
    faults: options.faults ?? {},
  };
  const dynamodb = await createDynamoDb({ dataDir: options.dataDir, region: env.defaultRegion, accountId: env.accountId });
  const iam = createIamService(env);
  const rules = new SamplingRules(env);
  const logs = createLogsService(env);
  const xray = createXrayEngine(env, rules, options.random);
  // Filled in once the endpoint is known (after listen); Invoke reads it per request.
  const engine: { runner?: LambdaRunner } = {};
  const lambda = createLambdaService(env, {
    roleAssumable: (arn) => iam.roleAssumable(arn),
    extractZip: options.extractZip ?? safeExtractZip,
    runner: () => engine.runner,
    concurrencyLimit: options.lambda?.concurrencyLimit,
  });
  const services = new Map<string, LocalService>();
  const apigateway = createApiGateway(env, {
    invoker: {
      async invoke(functionArn, event, opts) {
        const caller = opts.sourceArn ? { principal: 'apigateway.amazonaws.com', sourceArn: opts.sourceArn } : undefined;
        let result;
        try {
          result = await lambda.invokeByArn(functionArn, event, { traceHeader: opts.traceHeader, caller, signal: opts.signal });
        } catch (e) {
          if (isThrottle(e)) return { throttled: true, reason: String(e.extra.Reason) };
          if (isAbandoned(e)) return { abandoned: true };
          throw e;
        }
        if (result === 'not-found') return { notFound: true };
        if (result === 'forbidden') return { forbidden: true };
        return { payload: result.payload, functionError: result.functionError };
      },
    },
    sampler: {
      decide: (q) => xray.decide(regionOfStage(q.resourceArn) ?? env.defaultRegion, q),
    },
    sink: { putSegments: (docs) => xray.putSegments(docs) },
    ...options.apigateway,
  });
  for (const s of [createStsService(env), iam.service, createXrayService(env, rules, xray.routes), lambda.service, logs.service, apigateway.service]) services.set(s.name, s);
  const tagSources = localTagSources({ env, functions: lambda.functions, apis: apigateway.store, logs: logs.store, rules, dynamo: dynamodb.call });
  services.set('tagging', createTaggingService(tagSources));

  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const server = createServer((req, res) => {
    void handleRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Internal error in the local cloud: ${err instanceof Error ? err.message : String(err)}` }));
    });
  });
  server.keepAliveTimeout = 65_000;

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A client that hangs up before its answer abandons the request: work not started for it is
    // dropped. Watched from the start: on a busy machine the client may be gone before we read it.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    if (req.socket.destroyed) gone.abort();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const route = routeRequest(method, url.pathname, url.searchParams, req.headers);
    if (route.service === 'dynamodb') return dynamodb.handle(req, res);
    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ message: `Request body is larger than the local cloud accepts (${Math.round(maxBody / 1048576)} MB).` }));
      return;
    }
    if (method === 'GET' && url.pathname === '/_xray-lab/health') {
      return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(health()) });
    }
    const invokeTarget = matchDataPlane(url.pathname, req.headers);
    if (invokeTarget) {
      const dpReq = { method, query: url.searchParams, headers: req.headers, rawHeaders: req.rawHeaders, body, sourceIp: req.socket.remoteAddress, signal: gone.signal };
      return send(res, await apigateway.dataPlane.handle(invokeTarget, dpReq));
    }
    const serviceName = route.service ?? (method === 'POST' ? routeByFormBody(body) : undefined);
    const ctx: RequestContext = {
      requestId: env.ids.uuid(),
      accountId: env.accountId,
      region: route.region ?? env.defaultRegion,
      accessKeyId: route.accessKeyId,
      traceHeader: headerValue(req.headers['x-amzn-trace-id']),
    };
    const service = serviceName ? services.get(serviceName) : undefined;
    if (!service) {
      return send(res, {
        status: 400,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownService', 'x-amzn-requestid': ctx.requestId },
        body: JSON.stringify({
          message: serviceName
            ? `The xray-lab local cloud does not emulate the ${serviceName} service; it serves STS, IAM, DynamoDB, Lambda, API Gateway, X-Ray, CloudWatch Logs and tagging.`
            : 'Could not tell which AWS service this request is for (no SigV4 credential scope, X-Amz-Target or known path).',
        }),
      });
    }
    const httpReq: HttpRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body };
    send(res, await service.handle(httpReq, ctx));
  }

  const health = () => ({ status: 'running', version: VERSION, pid: process.pid, endpoint, daemonAddress, dataDir: options.dataDir ?? null, services: [...services.keys(), 'dynamodb'] });

  const daemonPort = options.daemonPort ?? (options.port === 0 ? 0 : DEFAULT_DAEMON_PORT);
  let daemon: Daemon | undefined;
  try {
    await listen(server, options.port ?? DEFAULT_PORT, host);
    daemon = await startDaemon({ host, port: daemonPort, onDocuments: (docs) => xray.putSegments(docs) }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        throw new LocalCloudStartError(`UDP port ${daemonPort} on ${host} (the X-Ray daemon port) is already in use: stop the other X-Ray daemon or local cloud, or choose another port with --daemon-port.`);
      }
      throw err;
    });
  } catch (err) {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    await dynamodb.close();
    env.db.close();
    throw err;
  }
  const daemonAddress = `${daemon.address}:${daemon.port}`;
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const hooks: LambdaRunnerHooks = { endpoint, env, onLogEvents: (group, stream, events) => logs.append(group, stream, events) };
  engine.runner = (options.createLambdaRunner ?? defaultRunner)(hooks);

  function defaultRunner(h: LambdaRunnerHooks): LambdaRunner {
    return new LambdaEngine({
      region: env.defaultRegion,
      accountId: env.accountId,
      endpoint: h.endpoint,
      daemonAddress,
      clock: env.clock,
      ids: env.ids,
      onSegments: (docs) => xray.putSegments(docs),
      onLogEvents: h.onLogEvents,
      concurrencyLimit: options.lambda?.concurrencyLimit,
      idleTimeoutMs: options.lambda?.idleTimeoutMs,
      reservedTotal: () => lambda.reservedTotal(),
    });
  }

  let closed = false;
  return {
    endpoint,
    port,
    host,
    dataDir: options.dataDir,
    daemonAddress,
    env,
    lambda,
    logs,
    daemonStats() {
      daemon.flush();
      return { ...daemon.stats };
    },
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of services.values()) await s.close?.();
      // After the functions stopped, so their last datagrams still land.
      await daemon.close();
      await dynamodb.close();
      env.db.close();
    },
  };
}

/** `arn:aws:apigateway:{region}::/restapis/{id}/stages/{stage}` → region. */
function regionOfStage(arn: string | undefined): string | undefined {
  return arn?.split(':')[3] || undefined;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new LocalCloudStartError(`Port ${port} on ${host} is already in use: stop whatever uses it, or choose another port with --port.`));
      else if (err.code === 'EACCES') reject(new LocalCloudStartError(`Not allowed to listen on ${host}:${port}: choose a port above 1023 with --port.`));
      else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: HttpResponse): void {
  const body = r.body ?? '';
  res.writeHead(r.status, { ...r.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
