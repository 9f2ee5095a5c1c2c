/**
 * The local cloud's tracing intakes besides the API port: the X-Ray daemon address (UDP segments and
 * ADOT OTLP datagrams, TCP sampling proxy, on one host:port as the real daemon has them) and the
 * standard OTLP/HTTP and OTLP/gRPC receivers. Started and closed together; server.ts only calls this.
 */
import type { HttpResponse } from './core/types.js';
import { storeProtobufPayload, type OtlpSink } from './otlp/ingest.js';
import { startOtlpReceiver, type OtlpReceiver } from './otlp/receiver.js';
import type { OtlpGrpcReceiver } from './otlp/grpc-receiver.js';
import { startDaemon, type Daemon } from './xray/daemon.js';
import { startSamplingProxy, type SamplingProxy } from './xray/daemon-tcp.js';

export class ListenerStartError extends Error {}

export interface ListenerInfo {
  name: 'api' | 'xray-daemon-udp' | 'xray-daemon-tcp' | 'otlp-http' | 'otlp-grpc';
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  /** What it serves, for `local status`. */
  serves: string;
}

export interface TracingListeners {
  daemon: Daemon;
  info(): ListenerInfo[];
  close(): Promise<void>;
}

export interface TracingListenerOptions {
  host: string;
  /** 0 picks a free port for UDP and TCP together. */
  daemonPort: number;
  /** false turns the receiver off. */
  otlpPort: number | false;
  /** false turns the gRPC receiver off. */
  otlpGrpcPort: number | false;
  onDocuments(docs: string[]): void;
  otlpSink: OtlpSink;
  forwardSampling(path: string, body: Buffer): Promise<HttpResponse>;
  /** Host names to answer besides the loopback ones (the API port's list). */
  allowedHosts?: readonly string[];
}

/** What the composition root hands the listeners: where documents, spans and sampling calls go. */
export type TracingIntake = Pick<TracingListenerOptions, 'onDocuments' | 'otlpSink' | 'forwardSampling'>;

const inUse = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EADDRINUSE';

/** UDP first, then TCP on the port UDP got; with an ephemeral port a TCP clash means trying another. */
async function startDaemonPair(opts: TracingListenerOptions): Promise<{ daemon: Daemon; proxy: SamplingProxy }> {
  for (let attempt = 0; ; attempt++) {
    const daemon = await startDaemon({
      host: opts.host,
      port: opts.daemonPort,
      onDocuments: opts.onDocuments,
      onOtlp: (payload) => storeProtobufPayload(opts.otlpSink, payload),
    }).catch((err: unknown) => {
      if (inUse(err)) throw new ListenerStartError(`UDP port ${opts.daemonPort} on ${opts.host} (the X-Ray daemon port) is already in use: stop the other X-Ray daemon or local cloud, or choose another port with --daemon-port.`);
      throw err;
    });
    try {
      const proxy = await startSamplingProxy({ host: opts.host, port: daemon.port, forward: opts.forwardSampling, allowedHosts: opts.allowedHosts });
      return { daemon, proxy };
    } catch (err) {
      await daemon.close();
      if (!inUse(err)) throw err;
      if (opts.daemonPort !== 0 || attempt >= 20) {
        throw new ListenerStartError(`TCP port ${daemon.port} on ${opts.host} (the X-Ray daemon's sampling port) is already in use: stop the other X-Ray daemon or local cloud, or choose another port with --daemon-port.`);
      }
    }
  }
}

export async function startTracingListeners(opts: TracingListenerOptions): Promise<TracingListeners> {
  const { daemon, proxy } = await startDaemonPair(opts);
  let otlp: OtlpReceiver | undefined;
  let otlpGrpc: OtlpGrpcReceiver | undefined;
  try {
    if (opts.otlpPort !== false) {
      const port = opts.otlpPort;
      otlp = await startOtlpReceiver(opts.otlpSink, opts.host, port, opts.allowedHosts).catch((err: unknown) => {
        if (inUse(err)) throw new ListenerStartError(`TCP port ${port} on ${opts.host} (the OTLP/HTTP receiver) is already in use, perhaps by an OpenTelemetry Collector: stop it, or choose another port with --otlp-port or XRAY_LAB_OTLP_PORT ("off" turns the receiver off).`);
        throw err;
      });
    }
    if (opts.otlpGrpcPort !== false) {
      const port = opts.otlpGrpcPort;
      // Loaded only when on: grpc-js takes ~0.1 s to import.
      const { startOtlpGrpcReceiver } = await import('./otlp/grpc-receiver.js');
      otlpGrpc = await startOtlpGrpcReceiver(opts.otlpSink, opts.host, port, opts.allowedHosts).catch((err: unknown) => {
        if (inUse(err)) throw new ListenerStartError(`TCP port ${port} on ${opts.host} (the OTLP/gRPC receiver) is already in use, perhaps by an OpenTelemetry Collector: stop it, or choose another port with --otlp-grpc-port or XRAY_LAB_OTLP_GRPC_PORT ("off" turns the receiver off).`);
        throw err;
      });
    }
  } catch (err) {
    await otlp?.close();
    await proxy.close();
    await daemon.close();
    throw err;
  }
  return {
    daemon,
    info: () => [
      { name: 'xray-daemon-udp', protocol: 'udp', address: daemon.address, port: daemon.port, serves: 'X-Ray segment documents and ADOT OTLP datagrams (T1S/T1U)' },
      { name: 'xray-daemon-tcp', protocol: 'tcp', address: daemon.address, port: proxy.port, serves: 'X-Ray daemon sampling proxy: POST /GetSamplingRules, /SamplingTargets' },
      ...(otlp ? [{ name: 'otlp-http' as const, protocol: 'tcp' as const, address: otlp.address, port: otlp.port, serves: 'OTLP/HTTP traces, unsigned: POST /v1/traces' }] : []),
      ...(otlpGrpc ? [{ name: 'otlp-grpc' as const, protocol: 'tcp' as const, address: otlpGrpc.address, port: otlpGrpc.port, serves: 'OTLP/gRPC traces, unsigned: TraceService/Export' }] : []),
    ],
    async close() {
      await Promise.all([otlp?.close(), otlpGrpc?.close()]);
      await proxy.close();
      // Last, so the final datagrams of stopping functions still land.
      await daemon.close();
    },
  };
}
