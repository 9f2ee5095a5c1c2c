/**
 * The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) for one function process, on a loopback port of its own
 * — as in Lambda, where every sandbox has its own AWS_LAMBDA_RUNTIME_API. The server only parses
 * and answers HTTP; what an event means is decided by the owner through the handlers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseUnsignedEndpoint } from '../edge/request-guard.js';

export interface NextInvocation {
  requestId: string;
  deadlineMs: number;
  functionArn: string;
  traceHeader: string;
  /** JSON text (already decoded from the Invoke API's base64). */
  clientContext?: string;
  payload: Buffer;
}

export interface RuntimeResult {
  kind: 'response' | 'error';
  body: Buffer;
  /** Lambda-Runtime-Function-Error-Type header of an error post. */
  errorType?: string;
}

export interface RuntimeApiHandlers {
  /** The runtime asks for work; call `deliver` (now or later: long-poll) to hand it an invocation. */
  onNext(deliver: (inv: NextInvocation) => void): void;
  /** Returns false when the id is not the invocation in flight (answered 400 InvalidRequestID). */
  onResult(requestId: string, result: RuntimeResult): boolean;
  onInitError(errorType: string, body: Buffer): void;
}

const PREFIX = '/2018-06-01/runtime/';
const RESULT_PATH = /^invocation\/([^/]+)\/(response|error)$/;
/** Lambda's synchronous response limit; larger results are a function error on AWS too. */
const MAX_BODY = 6 * 1024 * 1024;

export class RuntimeApiServer {
  private constructor(
    private readonly server: Server,
    /** `127.0.0.1:<port>`, the value of AWS_LAMBDA_RUNTIME_API. */
    readonly address: string,
  ) {}

  static async start(handlers: RuntimeApiHandlers): Promise<RuntimeApiServer> {
    const server = createServer({ keepAlive: true }, (req, res) => route(handlers, req, res));
    // The next call is a long poll without a client timeout: never cut it on our side either.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new RuntimeApiServer(server, `127.0.0.1:${port}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function route(handlers: RuntimeApiHandlers, req: IncomingMessage, res: ServerResponse): void {
  // Only the function's own runtime calls this port: a rebinding page or a cross-site post could forge its results.
  const refusal = refuseUnsignedEndpoint(req.headers);
  if (refusal) {
    req.resume();
    return reply(res, 403, { errorType: 'AccessDenied', errorMessage: refusal.message });
  }
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(PREFIX)) return reply(res, 404, { errorType: 'NotFound', errorMessage: 'unknown path' });
  const rest = path.slice(PREFIX.length);
  if (req.method === 'GET' && rest === 'invocation/next') {
    handlers.onNext((inv) => deliver(res, inv));
    return;
  }
  if (req.method !== 'POST') return reply(res, 405, { errorType: 'MethodNotAllowed', errorMessage: req.method ?? '' });
  readBody(req, (body, tooLarge) => {
    if (tooLarge) return reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: 'payload too large' });
    const errorType = header(req, 'lambda-runtime-function-error-type') ?? 'Runtime.Unknown';
    if (rest === 'init/error') {
      handlers.onInitError(errorType, body);
      return reply(res, 202, { status: 'OK' });
    }
    const m = RESULT_PATH.exec(rest);
    if (!m) return reply(res, 404, { errorType: 'NotFound', errorMessage: 'unknown path' });
    const kind = m[2] === 'response' ? 'response' : 'error';
    const accepted = handlers.onResult(decodeURIComponent(m[1] ?? ''), { kind, body, errorType: kind === 'error' ? errorType : undefined });
    if (!accepted) return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
    reply(res, 202, { status: 'OK' });
  });
}

function deliver(res: ServerResponse, inv: NextInvocation): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'lambda-runtime-aws-request-id': inv.requestId,
    'lambda-runtime-deadline-ms': String(inv.deadlineMs),
    'lambda-runtime-invoked-function-arn': inv.functionArn,
    'lambda-runtime-trace-id': inv.traceHeader,
  };
  if (inv.clientContext !== undefined) headers['lambda-runtime-client-context'] = inv.clientContext;
  res.writeHead(200, headers).end(inv.payload);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage, done: (body: Buffer, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  req.on('end', () => done(Buffer.concat(chunks), size > MAX_BODY));
}
