/**
 * OTLP over UDP to the X-Ray daemon address, the way ADOT JS exports in Lambda
 * (aws-otel-js-instrumentation, `aws-distro-opentelemetry-node-autoinstrumentation/src/otlp-udp-exporter.ts`):
 * one datagram per export, `{"format":"json","version":1}\n` then `T1S` (sampled) or `T1U` (unsampled)
 * then base64 of the protobuf ExportTraceServiceRequest. Lambda runs an X-Ray daemon in every sandbox at
 * AWS_XRAY_DAEMON_ADDRESS that forwards these to X-Ray; the local cloud's daemon reads the same format.
 */
import { createSocket, type Socket } from 'node:dgram';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const HEADER = '{"format":"json","version":1}\n';
const DEFAULT_ADDRESS = '127.0.0.1:2000';
/** ADOT's limit: a datagram must fit in 64 KiB. */
const MAX_DATAGRAM = 65_000;
const SUCCESS = 0;
const FAILED = 1;

/** `host:port`, or the SDKs' `tcp:host:port udp:host:port` form, to the UDP host and port. */
export function udpEndpoint(address: string | undefined): { host: string; port: number } {
  const raw = (address ?? '').trim() || DEFAULT_ADDRESS;
  const udp = raw.split(/\s+/).find((p) => p.startsWith('udp:'))?.slice(4) ?? raw.split(/\s+/)[0];
  const at = udp.lastIndexOf(':');
  const port = Number(udp.slice(at + 1));
  return at > 0 && Number.isInteger(port) && port > 0 ? { host: udp.slice(0, at), port } : udpEndpoint(DEFAULT_ADDRESS);
}

export class XrayUdpSpanExporter implements SpanExporter {
  private socket: Socket | undefined;
  private readonly endpoint = udpEndpoint(process.env.AWS_XRAY_DAEMON_ADDRESS);

  export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void {
    const sampled = spans.filter((s) => (s.spanContext().traceFlags & 1) === 1);
    const unsampled = spans.filter((s) => (s.spanContext().traceFlags & 1) !== 1);
    const datagrams: Buffer[] = [];
    for (const [group, prefix] of [[sampled, 'T1S'], [unsampled, 'T1U']] as const) {
      if (!group.length) continue;
      const body = ProtobufTraceSerializer.serializeRequest(group);
      if (!body) continue;
      const datagram = Buffer.from(`${HEADER}${prefix}${Buffer.from(body).toString('base64')}`);
      if (datagram.length <= MAX_DATAGRAM) datagrams.push(datagram);
    }
    if (!datagrams.length) return done({ code: SUCCESS });
    this.socket ??= createSocket('udp4').unref();
    let pending = datagrams.length;
    let failure: Error | undefined;
    for (const d of datagrams) {
      this.socket.send(d, this.endpoint.port, this.endpoint.host, (err) => {
        failure ??= err ?? undefined;
        if (--pending === 0) done(failure ? { code: FAILED, error: failure } : { code: SUCCESS });
      });
    }
  }

  shutdown(): Promise<void> {
    this.socket?.close();
    this.socket = undefined;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
