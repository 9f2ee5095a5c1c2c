/**
 * Reading a request body with a size cap and writing an HttpResponse: shared by the API edge, the
 * OTLP/HTTP receiver and the X-Ray daemon's sampling proxy. A leaf module (like request-guard.ts), so
 * the receivers do not import the API edge and its router.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpResponse } from '../core/types.js';

/** Reads at most `max` bytes; 'too-large' when the body is larger (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
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

export function send(res: ServerResponse, r: HttpResponse): void {
  const body = r.body ?? '';
  res.writeHead(r.status, { ...r.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
