/** One GET over a keep-alive agent: status + the X-Ray trace it got, body drained so the socket is reused. */
import http from 'node:http';
import https from 'node:https';

export interface SendResult {
  status: number;
  sampled: boolean;
  /** `Root` of the response's `X-Amzn-Trace-Id`, when it has one. */
  traceId?: string;
}

/** The two fields of an `X-Amzn-Trace-Id` value the load generator reads, in one pass (keys are case-insensitive). */
function readTraceHeader(value: string | string[] | undefined): { root?: string; sampled: boolean } {
  const out: { root?: string; sampled: boolean } = { sampled: false };
  const v = Array.isArray(value) ? value.join(';') : value;
  for (const field of v?.split(';') ?? []) {
    const [k, val] = field.split('=', 2).map((p) => p.trim());
    const key = k?.toLowerCase();
    if (key === 'sampled' && val === '1') out.sampled = true;
    else if (key === 'root' && val && out.root === undefined) out.root = val;
  }
  return out;
}

/** `Sampled=1` in an `X-Amzn-Trace-Id` value. */
export function isSampledHeader(value: string | string[] | undefined): boolean {
  return readTraceHeader(value).sampled;
}

/** The `Root` field of an `X-Amzn-Trace-Id` value. */
export function traceRootOf(value: string | string[] | undefined): string | undefined {
  return readTraceHeader(value).root;
}

export function createAgent(url: string, maxSockets: number): http.Agent {
  const opts = { keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxSockets, 1024), scheduling: 'lifo' as const };
  return url.startsWith('https:') ? new https.Agent(opts) : new http.Agent(opts);
}

export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export function sendGet(url: string, agent: http.Agent, signal: AbortSignal, timeoutMs: number): Promise<SendResult> {
  const lib = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: 'GET', agent, signal, headers: { 'user-agent': 'xray-lab-load/0.1' } }, (res) => {
      const status = res.statusCode ?? 0;
      const { sampled, root } = readTraceHeader(res.headers['x-amzn-trace-id']);
      res.on('error', (e: NodeJS.ErrnoException) => reject(new TransportError(e.code ?? e.name, e.message)));
      res.on('end', () => resolve({ status, sampled, ...(root ? { traceId: root } : {}) }));
      res.resume();
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new TransportError(e.code ?? e.name, e.message)));
    req.end();
  });
}
