/**
 * awsJson1_0 / awsJson1_1 (CloudWatch Logs, Resource Groups Tagging; DynamoDB is delegated to dynalite):
 * `POST /`, operation in `X-Amz-Target: <Prefix>.<Operation>`, JSON in and out,
 * errors as HTTP 400/500 with `__type` in the body (and `x-amzn-ErrorType`, which SDKs read first).
 */
import { ServiceError, looksLikeOperationName, notImplemented, ownOperation } from '../core/errors.js';
import type { HttpRequest, HttpResponse, LocalService, RequestContext } from '../core/types.js';
import { toServiceError } from './rest-json.js';

export type JsonOperation = (input: Record<string, unknown>, ctx: RequestContext) => unknown | Promise<unknown>;

export interface AwsJsonServiceOptions {
  name: string;
  title: string;
  targetPrefix: string;
  contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  /** Namespace put before `#` in `__type`, e.g. `com.amazonaws.logs`. */
  errorNamespace?: string;
  operations: Record<string, JsonOperation>;
  close?: () => Promise<void>;
}

/** An awsJson error: status, `__type` (namespaced when the service does) and `x-amzn-ErrorType`. */
export function awsJsonError(err: ServiceError, requestId: string, contentType: string, errorNamespace?: string): HttpResponse {
  const type = errorNamespace ? `${errorNamespace}#${err.code}` : err.code;
  return {
    status: err.status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code },
    body: JSON.stringify({ __type: type, message: err.message, ...err.extra }),
  };
}

export function awsJsonService(opts: AwsJsonServiceOptions): LocalService {
  const respond = (status: number, body: unknown, requestId: string): HttpResponse => ({
    status,
    headers: { 'content-type': opts.contentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  });
  const errorResponse = (err: ServiceError, requestId: string) => awsJsonError(err, requestId, opts.contentType, opts.errorNamespace);
  return {
    name: opts.name,
    close: opts.close,
    protocol: 'awsJson',
    errorResponse,
    async handle(req: HttpRequest, ctx: RequestContext): Promise<HttpResponse> {
      try {
        const target = String(req.headers['x-amz-target'] ?? '');
        const [prefix, op] = target.split('.');
        if (req.method !== 'POST' || prefix !== opts.targetPrefix || !op) {
          throw new ServiceError('UnknownOperationException', `Unknown operation: expected an X-Amz-Target of ${opts.targetPrefix}.<Operation>.`, 400);
        }
        const operation = ownOperation(opts.operations, op);
        if (!operation && looksLikeOperationName(op)) throw notImplemented(opts.title, op);
        if (!operation) throw new ServiceError('UnknownOperationException', `${opts.title} has no operation named "${op.slice(0, 100)}".`, 400);
        let input: unknown = {};
        if (req.body.length > 0) {
          try {
            input = JSON.parse(req.body.toString('utf8'));
          } catch {
            throw new ServiceError('SerializationException', 'The request body is not valid JSON.', 400);
          }
        }
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          throw new ServiceError('SerializationException', 'The request body must be a JSON object.', 400);
        }
        const output = await operation(input as Record<string, unknown>, ctx);
        return respond(200, output ?? {}, ctx.requestId);
      } catch (e) {
        return errorResponse(toServiceError(e), ctx.requestId);
      }
    },
  };
}
