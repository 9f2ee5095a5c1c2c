/**
 * Raw HTTP to a local listener, for requests no SDK would send (foreign Hosts, browser headers, made-up
 * signatures): the edge tests need the exact headers on the wire, which fetch() would rewrite.
 */
import { request } from 'node:http';

export interface RawReply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One request to 127.0.0.1:port; Host defaults to that address and can be overridden in `headers`. */
export function rawCall(port: number, method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A well-formed SigV4 Authorization header whose signature is made up: the local cloud checks the shape only. */
export const fakeSigV4 = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKIDEDGE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
