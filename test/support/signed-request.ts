/**
 * Raw HTTP requests to the local cloud, SigV4-signed like an SDK's, for inputs the SDK clients refuse
 * to serialise (a non-string FilterExpression, malformed query lists, a bad Client-Context header).
 * Signed because the API port answers only signed requests: an unsigned probe would test the
 * signature check instead of the input it was written for.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS } from './local-cloud.js';

export interface RawRequest {
  /** Signing name: `dynamodb`, `iam`, `lambda`, `logs`, `xray`, … */
  service: string;
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  region?: string;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON when it is JSON, else undefined. */
  json?: Record<string, unknown>;
}

/** The SDK's Checksum interface over node:crypto (SHA-256, keyed → HMAC), as the signer needs. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

export class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.h.digest());
  }
  reset(): void {}
}

export async function signedFetch(endpoint: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  const region = r.region ?? 'us-east-1';
  const request = {
    method: r.method ?? 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: r.path,
    query: r.query ?? {},
    headers: { host: url.host, ...(r.headers ?? {}) },
    body: r.body,
  };
  const signer = new SignatureV4({ service: r.service, region, credentials: TEST_CREDENTIALS, sha256: NodeSha256 });
  const signed = await signer.sign(request);
  const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
  const headers = { ...signed.headers };
  delete headers.host;
  const res = await fetch(`${url.origin}${signed.path}${qs ? `?${qs}` : ''}`, { method: signed.method, headers, body: r.body });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** An AWS JSON 1.0/1.1 call (DynamoDB, Logs) with a hand-written body. */
export function jsonTarget(endpoint: string, service: string, target: string, body: string, version = '1.0'): Promise<RawResponse> {
  return signedFetch(endpoint, { service, path: '/', headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body });
}

/** A query-protocol call (IAM, STS) with hand-written form parameters. */
export function queryAction(endpoint: string, service: string, params: string): Promise<RawResponse> {
  return signedFetch(endpoint, { service, path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: params });
}
