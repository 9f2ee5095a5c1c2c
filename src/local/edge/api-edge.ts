/**
 * The AWS API port's edge: which requests reach routing at all (issue 13), and how a refusal or a
 * request for a service the cloud does not speak is answered in the caller's own protocol.
 *
 * - Every request: the Host allowlist, first (DNS rebinding).
 * - The API Gateway data plane: nothing more. It is the lab's public API, browser-callable with
 *   the function's own CORS headers, and can only invoke what is already deployed.
 * - Everything else: no cross-site browser context, and a SigV4 signature, except the X-Ray SDKs'
 *   unsigned sampling calls and the health probe, which local tools send without signing.
 */
import { ServiceError } from '../core/errors.js';
import type { HttpResponse, LocalService } from '../core/types.js';
import { awsJsonError } from '../protocols/aws-json.js';
import { awsQueryError } from '../protocols/aws-query.js';
import { restJsonError } from '../protocols/rest-json.js';
import { firstHeader, refuseControlPlane, refuseHost, refuseUnsignedEndpoint, type GuardHeaders, type GuardOptions, type GuardRefusal } from './request-guard.js';

/** Paths local tools call unsigned: the X-Ray SDKs' sampling calls (the real daemon proxies them) and our health probe. */
const UNSIGNED_CALLS = new Set(['POST /GetSamplingRules', 'POST /SamplingTargets', 'GET /_xray-lab/health']);

export interface EdgeRequest {
  method: string;
  url: URL;
  headers: GuardHeaders;
  /** Whether the request is for the API Gateway data plane (invoke URLs). */
  dataPlane: boolean;
}

/** The refusal for a request on the API port, or undefined when it may be routed. */
export function refuseApiRequest(req: EdgeRequest, options: GuardOptions = {}): GuardRefusal | undefined {
  if (req.dataPlane) return refuseHost(req.headers, options);
  if (UNSIGNED_CALLS.has(`${req.method} ${req.url.pathname}`)) return refuseUnsignedEndpoint(req.headers, options);
  return refuseControlPlane(req.headers, req.url, options);
}

type Protocol = LocalService['protocol'];

/** Services the edge answers for without a LocalService object (DynamoDB is dynalite's). */
const DYNAMODB = { contentType: 'application/x-amz-json-1.0', namespace: 'com.amazonaws.dynamodb.v20120810' };

/**
 * A refusal in the protocol of the service the request was for: `AccessDenied` / `MissingAuthenticationToken`
 * / `IncompleteSignature` in query XML; the same names with "Exception" for JSON and REST services.
 */
export function refusalResponse(refusal: GuardRefusal, target: EdgeTarget, requestId: string): HttpResponse {
  const protocol = target.service ? target.service.protocol : target.serviceName === 'dynamodb' ? 'awsJson' : guessProtocol(target);
  const code = protocol === 'awsQuery' ? refusal.awsCode : `${refusal.awsCode}Exception`;
  const res = errorIn(new ServiceError(code, refusal.message, refusal.status), protocol, target, requestId);
  // The body was not read; closing spares draining a large upload nobody will use.
  return { ...res, headers: { ...res.headers, connection: 'close' } };
}

export interface EdgeTarget {
  /** The signing name or routed name, when one was found. */
  serviceName?: string;
  /** The mounted service, when the cloud speaks it. */
  service?: LocalService;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: GuardHeaders;
  /** The form body, when it was read (query-protocol Action). */
  body?: Buffer;
}

/** A service the cloud does not emulate, answered in its caller's protocol with a NotImplemented naming the operation. */
export function unknownServiceResponse(target: EdgeTarget, requestId: string): HttpResponse {
  const protocol = guessProtocol(target);
  const err = target.serviceName
    ? new ServiceError('NotImplemented', `The xray-lab local cloud does not emulate the ${target.serviceName.slice(0, 50)} service, so it cannot answer ${operationOf(target, protocol)}; it serves STS, IAM, DynamoDB, Lambda, API Gateway, X-Ray, CloudWatch Logs and tagging.`, 501, {}, false)
    : new ServiceError('UnknownService', 'Could not tell which AWS service this request is for (no SigV4 credential scope, X-Amz-Target or known path).', 400);
  return errorIn(err, protocol, target, requestId);
}

function errorIn(err: ServiceError, protocol: Protocol, target: EdgeTarget, requestId: string): HttpResponse {
  if (target.service) return target.service.errorResponse(err, requestId);
  if (target.serviceName === 'dynamodb') return awsJsonError(err, requestId, DYNAMODB.contentType, DYNAMODB.namespace);
  if (protocol === 'awsQuery') return awsQueryError(err, requestId);
  if (protocol === 'awsJson') return awsJsonError(err, requestId, 'application/x-amz-json-1.1');
  return restJsonError(err, requestId);
}

/** How an unknown caller speaks: X-Amz-Target → awsJson; a form body or `Action=` → awsQuery; else restJson. */
function guessProtocol(t: EdgeTarget): Protocol {
  if (firstHeader(t.headers['x-amz-target'])) return 'awsJson';
  const type = firstHeader(t.headers['content-type'])?.toLowerCase() ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || t.query.has('Action')) return 'awsQuery';
  return 'restJson';
}

function operationOf(t: EdgeTarget, protocol: Protocol): string {
  if (protocol === 'awsJson') return (firstHeader(t.headers['x-amz-target']) ?? '').split('.').pop()!.slice(0, 100) || 'an unnamed operation';
  if (protocol === 'awsQuery') {
    const action = t.query.get('Action') ?? (t.body ? new URLSearchParams(t.body.toString('utf8')).get('Action') : null);
    return action ? action.slice(0, 100) : 'an unnamed action';
  }
  return `${t.method.slice(0, 16)} ${t.path.slice(0, 200)}`;
}
