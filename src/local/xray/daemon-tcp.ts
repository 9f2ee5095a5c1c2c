/**
 * The X-Ray daemon's TCP side: the sampling proxy the X-Ray SDKs call on the daemon address
 * (aws/aws-xray-daemon `pkg/proxy/server.go`: an HTTP server on the same host and port as the UDP
 * intake that signs and forwards each request to X-Ray). The SDKs send two unsigned calls,
 * `POST /GetSamplingRules` and `POST /SamplingTargets`; here they go to the local cloud's own X-Ray
 * operations (`forward`), so rules, quotas and statistics are the same ones the API serves.
 * Other paths answer 404 with a sentence naming the two the local daemon serves. Loopback only, behind
 * the shared request guard (Host allowlist, browser refusals; no signature, as the SDKs send none).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpResponse } from '../core/types.js';
import { readBody, send } from '../edge/http-io.js';
import { refuseUnsignedEndpoint, resolveAllowedHosts } from '../edge/request-guard.js';

export const SAMPLING_PATHS = new Set(['/GetSamplingRules', '/SamplingTargets']);
/** The sampling documents are small; the daemon's own proxy has no larger use. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface SamplingProxy {
  port: number;
  close(): Promise<void>;
}

export interface SamplingProxyOptions {
  host: string;
  port: number;
  /** Serves one sampling call (path, JSON body) through the X-Ray API's operations. */
  forward: (path: string, body: Buffer) => Promise<HttpResponse>;
  /** Host names besides the loopback ones; default: XRAY_LAB_ALLOWED_HOSTS. */
  allowedHosts?: readonly string[];
}

function refuse(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type }, body: JSON.stringify({ __type: type, message }) });
}

export function startSamplingProxy(opts: SamplingProxyOptions): Promise<SamplingProxy> {
  const allowedHosts = opts.allowedHosts ?? resolveAllowedHosts();
  const server: Server = createServer((req, res) => {
    const refusal = refuseUnsignedEndpoint(req.headers, { allowedHosts });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (refusal) {
      req.resume();
      return refuse(res, refusal.status, `${refusal.awsCode}Exception`, refusal.message);
    }
    if (req.method !== 'POST' || !SAMPLING_PATHS.has(path)) {
      req.resume();
      return refuse(res, 404, 'NotFoundException', `The X-Ray daemon's TCP port serves the sampling proxy only: POST /GetSamplingRules and POST /SamplingTargets (got ${req.method} ${path}).`);
    }
    readBody(req, MAX_BODY_BYTES).then(async (body) => {
      if (body === 'too-large') return refuse(res, 413, 'InvalidRequestException', 'Sampling requests are at most 1 MB.');
      send(res, await opts.forward(path, body));
    }).catch((err: unknown) => {
      refuse(res, 500, 'InternalFailure', `Internal error in the local cloud: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
