/**
 * Which local service a request is for. One port serves every service, as LocalStack does:
 * the SigV4 credential scope names the service; unsigned requests fall back to the
 * X-Amz-Target prefix, the path, then the query protocol's Version.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface RouteInfo {
  service?: string;
  region?: string;
  accessKeyId?: string;
}

const TARGET_PREFIXES: Record<string, string> = {
  DynamoDB_20120810: 'dynamodb',
  Logs_20140328: 'logs',
  ResourceGroupsTaggingAPI_20170126: 'tagging',
};

const XRAY_PATHS = new Set([
  '/TraceSegments', '/TraceSummaries', '/Traces', '/ServiceGraph', '/TraceGraph', '/CreateSamplingRule', '/GetSamplingRules',
  '/UpdateSamplingRule', '/DeleteSamplingRule', '/SamplingTargets', '/SamplingStatisticSummaries', '/TelemetryRecords',
  '/TagResource', '/UntagResource', '/ListTagsForResource', '/CreateGroup', '/GetGroup', '/Groups', '/UpdateGroup',
  '/DeleteGroup', '/EncryptionConfig', '/PutEncryptionConfig', '/TimeSeriesServiceStatistics',
]);

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/xray/aws4_request, …` → scope parts. */
export function parseCredentialScope(header: string | undefined): RouteInfo {
  if (!header) return {};
  const m = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(header);
  if (!m) return {};
  return { accessKeyId: m[1], region: m[3], service: m[4] };
}

export function routeRequest(method: string, path: string, query: URLSearchParams, headers: IncomingHttpHeaders): RouteInfo {
  const auth = Array.isArray(headers.authorization) ? headers.authorization[0] : headers.authorization;
  const scoped = parseCredentialScope(auth ?? query.get('X-Amz-Credential')?.replace(/^/, 'Credential=') ?? undefined);
  if (scoped.service) {
    // Tagging API signs as "tagging"; everything else uses its own signing name.
    return scoped;
  }
  const target = String(headers['x-amz-target'] ?? '').split('.')[0] ?? '';
  if (TARGET_PREFIXES[target]) return { ...scoped, service: TARGET_PREFIXES[target] };
  if (path.startsWith('/2015-03-31/') || path.startsWith('/2017-03-31/tags')) return { ...scoped, service: 'lambda' };
  if (path.startsWith('/restapis') || path.startsWith('/tags/')) return { ...scoped, service: 'apigateway' };
  if (method === 'POST' && XRAY_PATHS.has(path)) return { ...scoped, service: 'xray' };
  const version = query.get('Version');
  if (version === '2010-05-08') return { ...scoped, service: 'iam' };
  if (version === '2011-06-15') return { ...scoped, service: 'sts' };
  return scoped;
}

/** Form-encoded query-protocol bodies carry Version in the body; used when nothing else decided. */
export function routeByFormBody(body: Buffer): string | undefined {
  const version = new URLSearchParams(body.toString('utf8')).get('Version');
  if (version === '2010-05-08') return 'iam';
  if (version === '2011-06-15') return 'sts';
  return undefined;
}
