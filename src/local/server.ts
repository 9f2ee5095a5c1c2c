/**
 * The embedded local cloud's lifecycle: compose every service (compose.ts), then open the AWS API
 * port with its HTTP edge (edge/http-edge.ts), and stop in the reverse order (lifecycle.ts).
 * Started in-process by tests (port 0) and by `xray-lab local start` as a background process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { databaseDiskBytes } from './core/db-files.js';
import type { LocalCloudEnv } from './env.js';
import { composeLocalCloud, type CompositionOptions } from './compose.js';
import { createApiEdge } from './edge/http-edge.js';
import { isLoopbackName, resolveAllowedHosts } from './edge/request-guard.js';
import { Lifecycle } from './lifecycle.js';
import type { LambdaApi } from './services/lambda/index.js';
import type { LogsApi } from './services/logs/index.js';
import type { DaemonStats } from './xray/index.js';
import { DEFAULT_OTLP_GRPC_PORT, DEFAULT_OTLP_PORT } from './otlp/ports.js';
import { ListenerStartError, startTracingListeners, type ListenerInfo } from './tracing-listeners.js';

export { DEFAULT_ACCOUNT, type LambdaRunnerHooks } from './compose.js';

export const DEFAULT_PORT = 4566;
/** The X-Ray daemon's well-known UDP port, which the X-Ray SDKs send to by default. */
export const DEFAULT_DAEMON_PORT = 2000;
/** Lambda accepts 50 MB zips, which base64 in a JSON body grow to ~67 MB. */
export const MAX_BODY_BYTES = 70 * 1024 * 1024;
export const VERSION = '0.1.0';

/** What the composition takes (compose.ts), plus the listeners' own settings. */
export interface LocalCloudOptions extends CompositionOptions {
  /** Default 4566; 0 picks a free port. */
  port?: number;
  /** Must be a loopback address: the local cloud accepts any credentials, so it never listens beyond this machine. */
  host?: string;
  maxBodyBytes?: number;
  /** UDP port of the X-Ray daemon intake on the same host (default 2000; 0 picks a free one; default 0 when `port` is 0, so tests never collide). */
  daemonPort?: number;
  /** TCP port of the standard OTLP/HTTP receiver (default 4318, 0 when `port` is 0); false turns it off. */
  otlpPort?: number | false;
  /** TCP port of the standard OTLP/gRPC receiver (default 4317, 0 when `port` is 0); false turns it off. */
  otlpGrpcPort?: number | false;
  /**
   * Host names to answer besides the loopback ones (127.0.0.1, [::1], localhost, *.localhost);
   * added to those in XRAY_LAB_ALLOWED_HOSTS. `*.example.test` allows its subdomains.
   */
  allowedHosts?: readonly string[];
}

export interface LocalCloud {
  endpoint: string;
  port: number;
  host: string;
  dataDir?: string;
  /** `host:port` of the UDP intake for X-Ray SDK documents (what AWS_XRAY_DAEMON_ADDRESS names). */
  daemonAddress: string;
  /** Every listener: the API, the daemon's UDP and TCP sides, the OTLP/HTTP and OTLP/gRPC receivers. */
  listeners: ListenerInfo[];
  env: LocalCloudEnv;
  /** In-process APIs other local services (API Gateway's data plane) call. */
  lambda: LambdaApi;
  logs: LogsApi;
  /** The UDP intake's counters (received, accepted, dropped) as of now, after handing on what is buffered. */
  daemonStats(): DaemonStats;
  close(): Promise<void>;
}

export class LocalCloudStartError extends Error {}

/** A loopback address to listen on: the guard's loopback names, less `*.localhost`, which is not an address. */
export function isLoopback(host: string): boolean {
  return isLoopbackName(host) && !host.endsWith('.localhost');
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new LocalCloudStartError(`The local cloud only listens on loopback (127.0.0.1 or ::1), not ${host}: it accepts any credentials, so it must not be reachable from other machines.`);
  }
  const daemonPort = options.daemonPort ?? (options.port === 0 ? 0 : DEFAULT_DAEMON_PORT);
  const lifecycle = new Lifecycle();
  // Read once: every listener of this cloud answers the same Host names.
  const allowedHosts = resolveAllowedHosts(options.allowedHosts);
  let endpoint: string | undefined;
  try {
    const parts = await composeLocalCloud(options, lifecycle, {
      endpoint: () => {
        if (endpoint === undefined) throw new Error('The local cloud endpoint was read before its port was open.');
        return endpoint;
      },
      startDaemon: (intake) => startTracingListeners({
        ...intake, host, daemonPort, allowedHosts,
        otlpPort: options.otlpPort ?? (options.port === 0 ? 0 : DEFAULT_OTLP_PORT),
        otlpGrpcPort: options.otlpGrpcPort ?? (options.port === 0 ? 0 : DEFAULT_OTLP_GRPC_PORT),
      }).catch((err: unknown) => {
        throw err instanceof ListenerStartError ? new LocalCloudStartError(err.message) : err;
      }),
    });
    const { daemonAddress, services } = parts;
    const daemon = parts.tracing.daemon;
    const health = () => ({
      status: 'running', version: VERSION, pid: process.pid, endpoint, daemonAddress, dataDir: options.dataDir ?? null, services: [...services.keys(), 'dynamodb'],
      xray: { traces: parts.traces.size, diskBytes: databaseDiskBytes(options.dataDir) },
    });
    const server = createServer(createApiEdge({
      env: parts.env,
      services,
      dynamodb: parts.dynamodb,
      dataPlane: parts.apigateway.dataPlane,
      // Read once: every listener of this cloud answers the same Host names.
      guard: { allowedHosts },
      otlp: parts.otlpSink,
      maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
      health,
    }));
    server.keepAliveTimeout = 65_000;
    await listen(server, options.port ?? DEFAULT_PORT, host);
    lifecycle.add('API port', async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const port = (server.address() as AddressInfo).port;
    endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

    let stopped: Promise<void> | undefined;
    return {
      endpoint,
      port,
      host,
      dataDir: options.dataDir,
      daemonAddress,
      listeners: [
        { name: 'api', protocol: 'tcp', address: host, port, serves: 'AWS APIs (SigV4), API Gateway data plane, X-Ray OTLP /v1/traces (SigV4, service xray)' },
        ...parts.tracing.info(),
      ],
      env: parts.env,
      lambda: parts.lambda,
      logs: parts.logs,
      daemonStats() {
        daemon.flush();
        return { ...daemon.stats };
      },
      close: () => (stopped ??= lifecycle.stop()),
    };
  } catch (err) {
    await lifecycle.stop().catch(() => undefined);
    throw err;
  }
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
