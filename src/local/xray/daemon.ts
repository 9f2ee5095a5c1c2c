/**
 * The X-Ray daemon's UDP intake (aws-xray-daemon, pkg/tracesegment): each datagram is a header line
 * `{"format":"json","version":1}` and one segment document. Bad datagrams are counted and dropped,
 * never fatal. Documents are handed on in batches (like the daemon's 50-per-call uploads) so the store
 * commits many per transaction. Left out: the TCP sampling proxy (the lead serves those paths over HTTP).
 */
import { createSocket, type Socket } from 'node:dgram';
import { MAX_DOCUMENT_BYTES } from './segments.js';

export interface DaemonOptions {
  host?: string;
  port: number;
  onDocuments: (docs: string[]) => void;
  /** Longest a document waits before being handed on. */
  flushMs?: number;
  batchSize?: number;
  onError?: (err: unknown) => void;
}

export interface DaemonStats {
  received: number;
  accepted: number;
  dropped: number;
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
  let header: unknown;
  try {
    header = JSON.parse(msg.subarray(0, nl).toString('utf8'));
  } catch {
    return undefined;
  }
  const h = header as { format?: unknown; version?: unknown } | null;
  if (typeof h !== 'object' || h === null || typeof h.format !== 'string' || h.format.toLowerCase() !== 'json' || h.version !== 1) return undefined;
  const bodyBytes = msg.length - nl - 1;
  if (bodyBytes === 0 || bodyBytes > MAX_DOCUMENT_BYTES) return undefined;
  const body = msg.subarray(nl + 1).toString('utf8').trim();
  // Full validation happens in the store (and is reported there); here only obvious garbage goes.
  if (!body.startsWith('{') || !body.endsWith('}')) return undefined;
  return body;
}

export function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const host = opts.host ?? '127.0.0.1';
  const flushMs = opts.flushMs ?? 5;
  const batchSize = opts.batchSize ?? 50;
  const stats: DaemonStats = { received: 0, accepted: 0, dropped: 0 };
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
