/**
 * One TraceSummary (https://docs.aws.amazon.com/xray/latest/api/API_TraceSummary.html) from an assembled
 * trace's model, its index record and root causes. Built once per trace at ingest and persisted
 * (storedSummaryText), so a result page reads stored summaries instead of assembling documents.
 */
import type { AnnotationValue, ServiceId, TraceSummary, ValueWithServiceIds } from '@aws-sdk/client-xray';
import type { AnnotationScalar } from './segments.js';
import { entitiesOf, type ModelNode, type TraceModel } from './model.js';
import { T_THROTTLE, type TraceIndex } from './trace-index.js';
import { computeRootCauses, type RootCauses } from './rootcause.js';

export function serviceId(n: ModelNode | { name: string; type?: string; accountId?: string }): ServiceId {
  // Members assigned in their wire order rather than spread in: conditional spreads take V8's slow
  // generic copy, and summaries build a dozen of these per trace at ingest.
  const id: ServiceId = { Name: n.name, Names: [n.name] };
  if (n.accountId) id.AccountId = n.accountId;
  if (n.type) id.Type = n.type;
  return id;
}

function annotationValue(v: AnnotationScalar): AnnotationValue {
  if (typeof v === 'number') return { NumberValue: v };
  if (typeof v === 'boolean') return { BooleanValue: v };
  return { StringValue: v };
}

const toDate = (seconds: number) => new Date(Math.round(seconds * 1000));

export function buildTraceSummary(model: TraceModel, idx: TraceIndex, rc: RootCauses, matchedEventTime?: number): TraceSummary {
  const root = model.root;
  const annotations = new Map<string, Map<string, { value: AnnotationScalar; nodes: Set<number> }>>();
  const users = new Map<string, Set<number>>();
  model.nodes.forEach((node, ni) => {
    for (const seg of node.segments) {
      if (seg.user) users.set(seg.user, (users.get(seg.user) ?? new Set()).add(ni));
      if (seg.inferred) continue;
      for (const e of entitiesOf(seg)) {
        for (const [k, v] of Object.entries(e.annotations ?? {})) {
          const byValue = annotations.get(k) ?? new Map();
          annotations.set(k, byValue);
          const vk = `${typeof v}:${String(v)}`;
          const entry = byValue.get(vk) ?? { value: v, nodes: new Set<number>() };
          entry.nodes.add(ni);
          byValue.set(vk, entry);
        }
      }
    }
  });
  const ids = (set: Set<number>) => [...set].map((i) => serviceId(model.nodes[i]!));
  const Annotations: Record<string, ValueWithServiceIds[]> = {};
  for (const [k, byValue] of annotations) {
    Annotations[k] = [...byValue.values()].map((e) => ({ AnnotationValue: annotationValue(e.value), ServiceIds: ids(e.nodes) }));
  }
  const req = root?.http?.request;
  const status = root?.http?.response?.status;
  let http: TraceSummary['Http'];
  if (root?.http) {
    http = {};
    if (req?.url) http.HttpURL = req.url;
    if (typeof status === 'number') http.HttpStatus = status;
    if (req?.method) http.HttpMethod = req.method;
    if (req?.user_agent) http.UserAgent = req.user_agent;
    if (req?.client_ip) http.ClientIp = req.client_ip;
  }
  const responseTime = root ? (root.end_time ?? root.start_time) - root.start_time : undefined;
  // Built member by member in the wire order (JSON keeps insertion order; the stored text depends on it).
  const s: TraceSummary = { Id: model.trace.id, StartTime: toDate(model.trace.start), Duration: model.trace.duration };
  if (responseTime !== undefined) s.ResponseTime = responseTime;
  s.HasFault = root?.fault === true;
  s.HasError = root?.error === true;
  s.HasThrottle = (idx.flags & T_THROTTLE) !== 0;
  s.IsPartial = model.partial;
  if (http) s.Http = http;
  s.Annotations = Annotations;
  s.Users = [...users].map(([UserName, nodes]) => ({ UserName, ServiceIds: ids(nodes) }));
  s.ServiceIds = model.nodes.map(serviceId);
  s.ResourceARNs = idx.arns.map((ARN) => ({ ARN }));
  s.InstanceIds = idx.instanceIds.map((Id) => ({ Id }));
  s.AvailabilityZones = idx.zones.map((Name) => ({ Name }));
  if (model.rootNode >= 0) s.EntryPoint = serviceId(model.nodes[model.rootNode]!);
  s.FaultRootCauses = rc.fault;
  s.ErrorRootCauses = rc.error;
  s.ResponseTimeRootCauses = rc.responseTime;
  s.Revision = idx.revision;
  if (matchedEventTime !== undefined) s.MatchedEventTime = toDate(matchedEventTime);
  return s;
}

/**
 * The summary a trace's documents give, as persisted next to its record: its restJson wire form
 * (dates as epoch seconds) without MatchedEventTime, which depends on the query. JSON keeps key order,
 * so a page can splice these texts into its response body exactly as serialising the built object did.
 */
export function storedSummaryText(model: TraceModel, idx: TraceIndex): string {
  const s: Omit<TraceSummary, 'StartTime'> & { StartTime?: Date | number } = buildTraceSummary(model, idx, computeRootCauses(model));
  // Our own fresh object: replacing the Date in place keeps the key's position, without copying the rest.
  s.StartTime = (s.StartTime as Date).getTime() / 1000;
  return JSON.stringify(s);
}

/** A stored summary in its wire form, MatchedEventTime (epoch seconds) appended last, as built. */
export function summaryWireText(stored: string, matchedEventTime?: number): string {
  return matchedEventTime === undefined ? stored : `${stored.slice(0, -1)},"MatchedEventTime":${JSON.stringify(toDate(matchedEventTime).getTime() / 1000)}}`;
}

/** A stored summary → the TraceSummary object the built one was (Dates back, MatchedEventTime last). */
export function decodeStoredSummary(text: string, matchedEventTime?: number): TraceSummary {
  const s = JSON.parse(text) as TraceSummary & { StartTime: number | Date };
  // Stored as ms / 1000: rounding the product undoes the division's last-bit error.
  s.StartTime = new Date(Math.round((s.StartTime as number) * 1000));
  if (matchedEventTime !== undefined) s.MatchedEventTime = toDate(matchedEventTime);
  return s;
}
