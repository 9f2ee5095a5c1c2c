/** Shared shapes of the local cloud: requests as the router sees them, services, and injected clock/ids. */
import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceError } from './errors.js';

export interface HttpRequest {
  method: string;
  /** Path without the query string, percent-decoding NOT applied. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Per-request facts a service operation may use. Operations never see the HTTP request itself. */
export interface RequestContext {
  requestId: string;
  accountId: string;
  region: string;
  /** Access key id from the SigV4 credential scope (never the secret); used only for STS identity. */
  accessKeyId?: string;
  /** Incoming X-Amzn-Trace-Id header, when present. */
  traceHeader?: string;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface IdGenerator {
  /** n lowercase hex characters. */
  hex(n: number): string;
  /** n lowercase alphanumeric characters (API Gateway ids). */
  alnum(n: number): string;
  uuid(): string;
}

/** A service mounted on the single local endpoint. `name` is its SigV4 signing name. */
export interface LocalService {
  readonly name: string;
  /** Its wire protocol, which decides how errors (and the edge's refusals) are written. */
  readonly protocol: 'awsQuery' | 'awsJson' | 'restJson';
  handle(req: HttpRequest, ctx: RequestContext): Promise<HttpResponse>;
  /** An error in this service's own wire format (the edge's refusals use it before `handle`). */
  errorResponse(err: ServiceError, requestId: string): HttpResponse;
  close?(): Promise<void>;
}
