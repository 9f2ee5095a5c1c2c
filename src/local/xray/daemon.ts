/**
 * The X-Ray daemon's UDP intake (aws-xray-daemon, pkg/tracesegment): each datagram is a header line
 * `{"format":"json","version":1}` and one segment document. Bad datagrams are counted and dropped,
 * never fatal. Documents are handed on in batches (like the daemon's 50-per-call uploads) so the store
 * commits many per transaction. The same port also takes OTLP datagrams in the format of ADOT's UDP
 * span exporter (aws-otel-js-instrumentation, `otlp-udp-exporter`): the same header line, then `T1S`
 * (sampled) or `T1U` (unsampled) and a base64 protobuf ExportTraceServiceRequest. The TCP side of the
 * port (the sampling proxy) is daemon-tcp.ts.
 */
import { createSocket, type Socket } from 'node:dgram';
import { MAX_DOCUMENT_BYTES } from './segments.js';

export interface DaemonOptions {
  host?: string;
  port: number;
  onDocuments: (docs: string[]) => void;
  /** An OTLP datagram's decoded payload; returns false when the payload is not a valid request. */
  onOtlp?: (payload: Buffer, sampled: boolean) => boolean;
  /** Longest a document waits before being handed on. */
  flushMs?: number;
  batchSize?: number;
  onError?: (err: unknown) => void;
}

export interface DaemonStats {
  received: number;
  accepted: number;
  dropped: number;
  /** OTLP datagrams stored (T1S) and counted but not stored (T1U: X-Ray keeps only sampled traces). */
  otlpSampled: number;
  otlpUnsampled: number;
}

export interface Daemon {
  address: string;
  port: number;
  stats: DaemonStats;
  /** Hand on whatever is buffered now. */
  flush(): void;
  close(): Promise<void>;
}

/** The document of a datagram, or undefined when the datagram must be dropped. */
export function parseDatagram(msg: Buffer): string | undefined {
  const nl = msg.indexOf(0x0a);
  if (nl < 0) return undefined; // missing header or segment
  if (parseHeader(msg.subarray(0, nl)) === undefined) return undefined;
  const bodyBytes = msg.length - nl - 1;
  if (bodyBytes === 0 || bodyBytes > MAX_DOCUMENT_BYTES) return undefined;
  const body = msg.subarray(nl + 1).toString('utf8').trim();
  // Full validation happens in the store (and is reported there); here only obvious garbage goes.
  if (!body.startsWith('{') || !body.endsWith('}')) return undefined;
  return body;
}

const OTLP_PREFIX = /^T1[SU]/;

/** An ADOT UDP datagram (header line, `T1S`/`T1U`, base64 protobuf), or undefined when it is not one. */
export function parseOtlpDatagram(msg: Buffer): { sampled: boolean; payload: Buffer } | undefined {
  const nl = msg.indexOf(0x0a);
  if (nl < 0 || msg.length < nl + 4) return undefined;
  const prefix = msg.subarray(nl + 1, nl + 4).toString('latin1');
  if (!OTLP_PREFIX.test(prefix)) return undefined;
  if (parseHeader(msg.subarray(0, nl)) === undefined) return undefined;
  const b64 = msg.subarray(nl + 4).toString('latin1').trim();
  if (b64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  return { sampled: prefix === 'T1S', payload: Buffer.from(b64, 'base64') };
}

function parseHeader(line: Buffer): true | undefined {
  let header: unknown;
  try {
    header = JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
  const h = header as { format?: unknown; version?: unknown } | null;
  if (typeof h !== 'object' || h === null || typeof h.format !== 'string' || h.format.toLowerCase() !== 'json' || h.version !== 1) return undefined;
  return true;
}

export function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const host = opts.host ?? '127.0.0.1';
  const flushMs = opts.flushMs ?? 5;
  const batchSize = opts.batchSize ?? 50;
  const stats: DaemonStats = { received: 0, accepted: 0, dropped: 0, otlpSampled: 0, otlpUnsampled: 0 };
  const socket: Socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      opts.onDocuments(batch);
    } catch (err) {
      opts.onError?.(err);
    }
  };

  socket.on('message', (msg) => {
    stats.received++;
    const otlp = opts.onOtlp ? parseOtlpDatagram(msg) : undefined;
    if (otlp) {
      if (!otlp.sampled) {
        stats.otlpUnsampled++;
        return;
      }
      let stored = false;
      try {
        stored = opts.onOtlp!(otlp.payload, true);
      } catch (err) {
        // A datagram must never take the intake down: count it and report, as for segment batches.
        opts.onError?.(err);
      }
      if (stored) stats.otlpSampled++;
      else stats.dropped++;
      return;
    }
    const doc = parseDatagram(msg);
    if (doc === undefined) {
      stats.dropped++;
      return;
    }
    stats.accepted++;
    pending.push(doc);
    if (pending.length >= batchSize) flush();
    else if (!timer) timer = setTimeout(flush, flushMs);
  });

  return new Promise((resolve, reject) => {
    const onBindError = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', onBindError);
    socket.bind(opts.port, host, () => {
      socket.off('error', onBindError);
      socket.on('error', (err) => opts.onError?.(err));
      try {
        socket.setRecvBufferSize(4 * 1024 * 1024); // bursts of load-test segments
      } catch {
        // best effort: some systems cap the buffer size
      }
      const addr = socket.address();
      resolve({
        address: addr.address,
        port: addr.port,
        stats,
        flush,
        close: () =>
          new Promise<void>((done) => {
            flush();
            socket.close(() => done());
          }),
      });
    });
  });
}
