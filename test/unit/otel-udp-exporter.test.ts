/**
 * The OTel handler's span exporter writes ADOT's datagrams: the header line, `T1S` for sampled spans and
 * `T1U` for unsampled ones, then base64 protobuf — read here by the local daemon's own parser and decoder,
 * from a real UDP socket. And it finds the daemon in every form AWS_XRAY_DAEMON_ADDRESS takes.
 */
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceFlags } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { udpEndpoint, XrayUdpSpanExporter } from '../../handlers/user-service-otel/udp-exporter.js';
import { parseOtlpDatagram } from '../../src/local/xray/daemon.js';
import { decodeRequest } from '../../src/local/otlp/proto.js';

const saved = process.env.AWS_XRAY_DAEMON_ADDRESS;
afterEach(() => {
  if (saved === undefined) delete process.env.AWS_XRAY_DAEMON_ADDRESS;
  else process.env.AWS_XRAY_DAEMON_ADDRESS = saved;
});

describe('udpEndpoint', () => {
  it.each([
    ['169.254.79.129:2000', { host: '169.254.79.129', port: 2000 }],
    ['tcp:127.0.0.1:2001 udp:127.0.0.2:2002', { host: '127.0.0.2', port: 2002 }],
    [undefined, { host: '127.0.0.1', port: 2000 }],
    ['not an address', { host: '127.0.0.1', port: 2000 }],
  ])('%s → %o', (address, want) => {
    expect(udpEndpoint(address)).toEqual(want);
  });
});

describe('XrayUdpSpanExporter', () => {
  it('sends sampled spans as T1S and unsampled ones as T1U, each a protobuf export request', { timeout: 15_000 }, async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    const received: Buffer[] = [];
    const two = new Promise<void>((resolve) => socket.on('message', (m) => received.push(m) === 2 && resolve()));
    process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
    const exporter = new XrayUdpSpanExporter();
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('test');
    try {
      tracer.startSpan('user_processing', { attributes: { user_found: true, 'aws.xray.annotations': ['user_found'] } }).end();
      tracer.startSpan('unsampled').end();
      const [sampled, other] = memory.getFinishedSpans();
      // Processors drop unsampled spans before an exporter sees them; ADOT's exporter still marks them T1U.
      const unsampled: ReadableSpan = Object.assign(Object.create(Object.getPrototypeOf(other)) as object, other, {
        spanContext: () => ({ ...other!.spanContext(), traceFlags: TraceFlags.NONE }),
      }) as ReadableSpan;
      const result = await new Promise<{ code: number }>((r) => exporter.export([sampled!, unsampled], r));
      expect(result.code).toBe(0);
      await two;

      const parsed = received.map((m) => parseOtlpDatagram(m)!);
      expect(received.every((m) => m.toString('latin1').startsWith('{"format":"json","version":1}\n'))).toBe(true);
      expect(parsed.map((p) => p.sampled).sort()).toEqual([false, true]);
      const names = parsed.map((p) => JSON.stringify(decodeRequest(p.payload)));
      expect(names.find((n) => n.includes('user_processing'))).toContain('aws.xray.annotations');
    } finally {
      await provider.shutdown();
      await exporter.shutdown();
      socket.close();
    }
  });
});
