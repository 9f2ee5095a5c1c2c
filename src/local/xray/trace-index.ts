/**
 * The compact in-memory record kept per stored trace, so time-window scans, filter expressions and
 * the service graph run over small objects instead of re-parsing segment documents. Built from the
 * trace model whenever a trace receives documents, and rebuilt from SQLite when a store opens.
 */
import type { AnnotationScalar, EntityDoc } from './segments.js';
import { traceIdEpoch } from './segments.js';
import { entitiesOf, identityKey, type TraceModel } from './model.js';

export const ERROR = 1;
export const FAULT = 2;
export const THROTTLE = 4;
export const IN_PROGRESS = 8;
export const INFERRED = 16;

/** One segment of a node, or one call on an edge: just what statistics and simple filters need. */
export interface EntityStat {
  start: number;
  end: number;
  flags: number;
  /** HTTP response status, 0 when absent. */
  status: number;
}

export interface NodeStat {
  /** Interned identity key (name, type, account): equal nodes of different traces share one string. */
  key: string;
  name: string;
  type?: string;
  accountId?: string;
  inferred: boolean;
  root: boolean;
  segs: EntityStat[];
}

export interface EdgeStat {
  from: number;
  to: number;
  calls: EntityStat[];
}

export interface RootInfo extends EntityStat {
  url?: string;
  method?: string;
  userAgent?: string;
  clientIp?: string;
}

export interface TraceIndex {
  id: string;
  /** Trace-id timestamp, epoch seconds. */
  idEpoch: number;
  start: number;
  end: number;
  /** Clock time (ms) of the last accepted document for this trace. */
  updated: number;
  revision: number;
  bytes: number;
  rootNode: number;
  root?: RootInfo;
  partial: boolean;
  inferred: boolean;
  throttle: boolean;
  nodes: NodeStat[];
  edges: EdgeStat[];
  users: string[];
  annotations: [string, AnnotationScalar][];
  arns: string[];
  instanceIds: string[];
  zones: string[];
}

/** Shares repeated strings (names, urls, user agents) between traces to keep the index small. */
export class Interner {
  private readonly pool = new Map<string, string>();
  get(s: string): string;
  get(s: string | undefined): string | undefined;
  get(s: string | undefined): string | undefined {
    if (s === undefined) return undefined;
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    this.pool.set(s, s);
    return s;
  }
}

const EMPTY: never[] = [];

export function entityFlags(e: EntityDoc): number {
  return (e.error ? ERROR : 0) | (e.fault ? FAULT : 0) | (e.throttle ? THROTTLE : 0) | (e.in_progress ? IN_PROGRESS : 0) | (e.inferred ? INFERRED : 0);
}

export function entityStat(e: EntityDoc): EntityStat {
  const end = typeof e.end_time === 'number' ? e.end_time : e.start_time;
  const status = e.http?.response?.status;
  return { start: e.start_time, end, flags: entityFlags(e), status: typeof status === 'number' ? status : 0 };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function uniq(xs: string[], intern: Interner): string[] {
  return xs.length === 0 ? EMPTY : [...new Set(xs)].map((x) => intern.get(x));
}

export function buildIndex(model: TraceModel, meta: { updated: number; revision: number; bytes: number }, intern: Interner): TraceIndex {
  const t = model.trace;
  const users: string[] = [];
  const arns: string[] = [];
  const instanceIds: string[] = [];
  const zones: string[] = [];
  const annotations = new Map<string, [string, AnnotationScalar]>();
  let throttle = false;
  for (const seg of t.segments) {
    if (seg.user) users.push(seg.user);
    if (seg.resource_arn) arns.push(seg.resource_arn);
    const ec2 = (seg.aws?.ec2 ?? undefined) as Record<string, unknown> | undefined;
    if (str(ec2?.instance_id)) instanceIds.push(ec2!.instance_id as string);
    if (str(ec2?.availability_zone)) zones.push(ec2!.availability_zone as string);
    for (const e of entitiesOf(seg)) {
      if (e.throttle) throttle = true;
      if (seg.inferred || !e.annotations) continue;
      for (const [k, v] of Object.entries(e.annotations)) {
        const key = `${k}\u0000${typeof v}\u0000${String(v)}`;
        if (!annotations.has(key)) annotations.set(key, [intern.get(k), typeof v === 'string' ? intern.get(v) : v]);
      }
    }
  }
  const nodes: NodeStat[] = model.nodes.map((n) => ({
    key: intern.get(identityKey(n)),
    name: intern.get(n.name), type: intern.get(n.type), accountId: intern.get(n.accountId),
    inferred: n.inferred, root: n.root, segs: n.segments.map(entityStat),
  }));
  const edges: EdgeStat[] = model.edges.map((e) => ({ from: e.from, to: e.to, calls: e.calls.map(entityStat) }));
  let root: RootInfo | undefined;
  if (model.root) {
    const req = model.root.http?.request;
    root = {
      ...entityStat(model.root), url: intern.get(str(req?.url)), method: intern.get(str(req?.method)),
      userAgent: intern.get(str(req?.user_agent)), clientIp: intern.get(str(req?.client_ip)),
    };
  }
  return {
    id: t.id, idEpoch: traceIdEpoch(t.id), start: t.start, end: t.end, ...meta,
    rootNode: model.rootNode, root, partial: model.partial, inferred: model.hasInferred, throttle, nodes, edges,
    users: uniq(users, intern), annotations: annotations.size ? [...annotations.values()] : EMPTY,
    arns: uniq(arns, intern), instanceIds: uniq(instanceIds, intern), zones: uniq(zones, intern),
  };
}
