/**
 * OTLP span → X-Ray segment document, the way the OpenTelemetry Collector's awsxray exporter does it
 * (opentelemetry-collector-contrib `exporter/awsxrayexporter/internal/translator/segment.go`,
 * MakeSegment). Every rule, with its source, is in src/local/xray/SPEC.md ("OTLP spans").
 * Each span becomes its own document: a segment, or an independent subsegment (`type: "subsegment"`
 * with `parent_id`) that the trace store embeds under its parent, as PutTraceSegments does.
 */
import type { AnnotationScalar, SegmentDoc } from '../xray/segments.js';
import { makeAws, makeHttp, makeOutcome } from './blocks.js';
import { SPAN_KIND, type Attributes, type AttrValue, type OtlpSpan } from './spans.js';

/** Characters X-Ray allows in a name (segment.go reInvalidSpanCharacters). */
const INVALID_NAME_CHARS = /[^ 0-9\p{L}N_.:/%&#=+,\-@]/gu;
const MAX_NAME = 200;
const ANNOTATIONS_ATTRIBUTE = 'aws.xray.annotations';

/** `4bf92f3577b34da6a3ce929d0e0e4736` → `1-4bf92f35-77b34da6a3ce929d0e0e4736` (convertToAmazonTraceID). */
export function toXrayTraceId(hex: string): string {
  return `1-${hex.slice(0, 8)}-${hex.slice(8)}`;
}

function fixSegmentName(name: string): string {
  const clean = name.replace(INVALID_NAME_CHARS, '').slice(0, MAX_NAME);
  return clean.length ? clean : 'span';
}

/** Annotation keys keep only [A-Za-z0-9]; everything else becomes `_` (fixAnnotationKey). */
function fixAnnotationKey(key: string): string {
  return key.replace(/[^A-Za-z0-9]/g, '_');
}

const str = (v: AttrValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function hostOf(connection: string | undefined): string | undefined {
  if (!connection) return undefined;
  try {
    return new URL(connection).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** The name priority of MakeSegment: a segment name is a service name, not the span's method name. */
function nameAndNamespace(span: OtlpSpan, resource: Attributes): { name: string; namespace?: string } {
  const a = span.attributes;
  let namespace: string | undefined = a.get('rpc.system') === 'aws-api' ? 'aws' : undefined;
  let name = str(a.get('peer.service'));
  if (!name) {
    name = str(a.get('aws.service'));
    if (name) namespace ??= 'aws';
  }
  if (!name) {
    const db = str(a.get('db.name'));
    if (db) {
      const host = hostOf(str(a.get('db.connection_string')));
      name = host ? `${db}@${host}` : db;
    }
  }
  if (!name && span.kind === SPAN_KIND.SERVER) name = str(resource.get('service.name'));
  name ??= str(a.get('rpc.service')) ?? str(a.get('http.host')) ?? str(a.get('net.peer.name'));
  if (!namespace && span.kind === SPAN_KIND.CLIENT) namespace = 'remote';
  return { name: fixSegmentName(name ?? span.name), ...(namespace ? { namespace } : {}) };
}

function scalar(v: AttrValue): AnnotationScalar | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

/** makeXRayAttributes: `enduser.id` → user; attributes listed in `aws.xray.annotations` → annotations;
 * the rest → metadata.default, with the resource's under `otel.resource.*` on segments only. */
function attributesOf(span: OtlpSpan, resource: Attributes, used: Set<string>, isSegment: boolean) {
  const a = span.attributes;
  const indexed = new Set<string>();
  const listed = a.get(ANNOTATIONS_ATTRIBUTE);
  if (Array.isArray(listed)) for (const k of listed) if (typeof k === 'string') indexed.add(k);
  const user = str(a.get('enduser.id'));
  const annotations: Record<string, AnnotationScalar> = {};
  const metadata: Record<string, unknown> = {};
  if (isSegment) {
    for (const [key, value] of resource) {
      const full = `otel.resource.${key}`;
      const s = scalar(value);
      if (s !== undefined && indexed.has(full)) annotations[fixAnnotationKey(full)] = s;
      else if (value !== null) metadata[full] = value;
    }
  }
  for (const [key, value] of a) {
    if (key === ANNOTATIONS_ATTRIBUTE || key === 'enduser.id') continue;
    // Consumed by the http/aws blocks, unless the user asked for it as an annotation (addSpecialAttributes).
    if (used.has(key) && !indexed.has(key)) continue;
    const s = scalar(value);
    if (indexed.has(key)) {
      if (s !== undefined) annotations[fixAnnotationKey(key)] = s;
    } else if (value !== null) metadata[key] = value;
  }
  return { user, annotations, metadata };
}

/** The segment document of one span. */
export function spanToSegment(span: OtlpSpan, resource: Attributes): SegmentDoc {
  const isSubsegment = span.kind !== SPAN_KIND.SERVER && span.parentSpanId !== undefined;
  const used = new Set<string>();
  const http = makeHttp(span, used);
  const outcome = makeOutcome(span, resource, used);
  const aws = makeAws(span, resource, used);
  const { name, namespace } = nameAndNamespace(span, resource);
  const { user, annotations, metadata } = attributesOf(span, resource, used, !isSubsegment);
  const doc: SegmentDoc = {
    id: span.spanId,
    trace_id: toXrayTraceId(span.traceId),
    name,
    start_time: span.start,
    end_time: Math.max(span.start, span.end),
  };
  if (span.parentSpanId) doc.parent_id = span.parentSpanId;
  if (isSubsegment) doc.type = 'subsegment';
  if (namespace) doc.namespace = namespace;
  const origin = originOf(resource);
  if (origin && !isSubsegment) doc.origin = origin;
  if (user) doc.user = user;
  if (http) doc.http = http;
  if (aws) doc.aws = aws;
  if (outcome.error) doc.error = true;
  if (outcome.fault) doc.fault = true;
  if (outcome.throttle) doc.throttle = true;
  if (outcome.cause) doc.cause = outcome.cause;
  const version = str(resource.get('service.version'));
  if (version && !isSubsegment) doc.service = { version };
  if (Object.keys(annotations).length) doc.annotations = annotations;
  if (Object.keys(metadata).length) doc.metadata = { default: metadata };
  return doc;
}

/** determineAwsOrigin: the AWS platform in the resource (cloud.platform) → the segment's origin. */
function originOf(resource: Attributes): string | undefined {
  const provider = resource.get('cloud.provider');
  if (provider !== undefined && provider !== 'aws') return undefined;
  switch (resource.get('cloud.platform')) {
    case 'aws_app_runner': return 'AWS::AppRunner::Service';
    case 'aws_eks': return 'AWS::EKS::Container';
    case 'aws_elastic_beanstalk': return 'AWS::ElasticBeanstalk::Environment';
    case 'aws_ec2': return 'AWS::EC2::Instance';
    case 'aws_ecs': {
      const launch = resource.get('aws.ecs.launchtype');
      return launch === 'ec2' ? 'AWS::ECS::EC2' : launch === 'fargate' ? 'AWS::ECS::Fargate' : 'AWS::ECS::Container';
    }
    default: return undefined;
  }
}
