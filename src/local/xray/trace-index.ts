/**
 * The compact in-memory record kept per stored trace, so time-window scans, filter expressions and
 * the service graph run without re-parsing segment documents. Sized for ~100k traces in well under
 * 300 MB: per-entity numbers live in shared typed-array columns, node identities and repeated lists
 * (annotations, users, ARNs) are shared between traces, and a trace keeps only small integer layouts.
 * Built from the trace model whenever a trace receives documents; rebuilt from SQLite on open.
 */
import type { AnnotationScalar, EntityDoc } from './segments.js';
import { traceIdEpoch } from './segments.js';
import { entitiesOf, identityKey, type TraceModel } from './model.js';

export const ERROR = 1;
export const FAULT = 2;
export const THROTTLE = 4;
export const IN_PROGRESS = 8;
export const INFERRED = 16;

/** Trace-level flags. */
export const T_PARTIAL = 1;
export const T_INFERRED = 2;
export const T_THROTTLE = 4;

export interface EntityStat {
  start: number;
  end: number;
  flags: number;
  /** HTTP response status, 0 when absent. */
  status: number;
}

/** A service node identity (name, type, account), shared by every trace that touches it. */
export interface NodeIdentity {
  id: number;
  key: string;
  name: string;
  type?: string;
  accountId?: string;
  inferred: boolean;
}

/**
 * Numbers for all traces in shared typed arrays: a trace owns the entity block
 * [entOff, entOff + entCount) and the layout block [layOff, layOff + 3 × nodeCount + 4 × edgeCount).
 * Blocks of dropped or re-indexed traces become garbage until the next compaction.
 */
export class EntityColumns {
  start = new Float64Array(1024);
  end = new Float64Array(1024);
  /** flags in the low 8 bits, HTTP status above. */
  meta = new Uint32Array(1024);
  length = 0;
  dead = 0;
  /** Per node: identity id, first segment (relative to entOff), segment count; then per edge: caller
   * node, callee node (indexes into the trace's nodes), first call (relative), call count. */
  layout = new Int32Array(1024);
  layoutLength = 0;
  layoutDead = 0;

  reserve(n: number): number {
    if (this.length + n > this.start.length) this.resize(Math.max(this.start.length * 2, this.length + n));
    const off = this.length;
    this.length += n;
    return off;
  }

  reserveLayout(n: number): number {
    if (this.layoutLength + n > this.layout.length) {
      const next = new Int32Array(Math.max(this.layout.length * 2, this.layoutLength + n));
      next.set(this.layout.subarray(0, this.layoutLength));
      this.layout = next;
    }
    const off = this.layoutLength;
    this.layoutLength += n;
    return off;
  }

  release(t: TraceIndex): void {
    this.dead += t.entCount;
    this.layoutDead += layoutSize(t);
  }

  set(i: number, s: EntityStat): void {
    this.start[i] = s.start;
    this.end[i] = s.end;
    this.meta[i] = (s.flags & 0xff) | (Math.max(0, Math.min(s.status, 0xffffff)) << 8);
  }

  flags(i: number): number {
    return this.meta[i] & 0xff;
  }

  status(i: number): number {
    return this.meta[i] >>> 8;
  }

  stat(i: number): EntityStat {
    return { start: this.start[i], end: this.end[i], flags: this.flags(i), status: this.status(i) };
  }

  /** Move live blocks together once more than half the columns are garbage. */
  maybeCompact(traces: Iterable<TraceIndex>, minDead = 65_536): void {
    const ents = this.dead >= minDead && this.dead * 2 >= this.length;
    const lay = this.layoutDead >= minDead && this.layoutDead * 2 >= this.layoutLength;
    if (!ents && !lay) return;
    const next = new EntityColumns();
    next.resize(Math.max(1024, Math.ceil((this.length - this.dead) * 1.5)));
    next.layout = new Int32Array(Math.max(1024, Math.ceil((this.layoutLength - this.layoutDead) * 1.5)));
    for (const t of traces) {
      const off = next.reserve(t.entCount);
      next.start.set(this.start.subarray(t.entOff, t.entOff + t.entCount), off);
      next.end.set(this.end.subarray(t.entOff, t.entOff + t.entCount), off);
      next.meta.set(this.meta.subarray(t.entOff, t.entOff + t.entCount), off);
      t.entOff = off;
      const n = layoutSize(t);
      const lo = next.reserveLayout(n);
      next.layout.set(this.layout.subarray(t.layOff, t.layOff + n), lo);
      t.layOff = lo;
    }
    Object.assign(this, { start: next.start, end: next.end, meta: next.meta, length: next.length, dead: 0 });
    Object.assign(this, { layout: next.layout, layoutLength: next.layoutLength, layoutDead: 0 });
  }

  /**
   * Gives back the slack that doubling left (up to half of each column) once a bulk load is done: at a
   * million traces that is over 100 MB. Keeps 1/8 headroom for the traces that follow.
   */
  trim(): void {
    const cap = Math.max(1024, Math.ceil(this.length * 1.125));
    if (cap < this.start.length) this.resize(cap);
    const layCap = Math.max(1024, Math.ceil(this.layoutLength * 1.125));
    if (layCap < this.layout.length) this.layout = this.layout.slice(0, layCap);
  }

  private resize(cap: number): void {
    const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.start = grow(this.start, (n) => new Float64Array(n));
    this.end = grow(this.end, (n) => new Float64Array(n));
    this.meta = grow(this.meta, (n) => new Uint32Array(n));
  }
}

export interface TraceIndex {
  id: string;
  /** Trace-id timestamp, epoch seconds. */
  idEpoch: number;
  start: number;
  end: number;
  revision: number;
  bytes: number;
  entOff: number;
  entCount: number;
  /** Start of this trace's node and edge layout in the shared layout column. */
  layOff: number;
  nodeCount: number;
  edgeCount: number;
  /** Index of the entry node in the trace's nodes, or -1. */
  rootNode: number;
  /** The entry segment's entity (relative to entOff), or -1. */
  rootEnt: number;
  rootUrl?: string;
  rootMethod?: string;
  rootUserAgent?: string;
  rootClientIp?: string;
  flags: number;
  users: readonly string[];
  /** Flat key, value, key, value … of every distinct annotation pair. */
  annotations: readonly (string | AnnotationScalar)[];
  arns: readonly string[];
  instanceIds: readonly string[];
  zones: readonly string[];
}

/** Shared state of all trace indexes of one store: string pool, node identities, entity columns. */
export class IndexContext {
  readonly cols = new EntityColumns();
  readonly identities: NodeIdentity[] = [];
  private readonly identityByKey = new Map<string, NodeIdentity>();
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, readonly unknown[]>();

  str(s: string): string;
  str(s: string | undefined): string | undefined;
  str(s: string | undefined): string | undefined {
    if (s === undefined) return undefined;
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }

  identity(name: string, type: string | undefined, accountId: string | undefined, inferred: boolean): NodeIdentity {
    const key = identityKey({ name, type, accountId });
    let id = this.identityByKey.get(key);
    if (!id) {
      id = { id: this.identities.length, key, name: this.str(name), type: this.str(type), accountId: this.str(accountId), inferred };
      this.identities.push(id);
      this.identityByKey.set(key, id);
      this.unsaved.push(id);
    }
    return id;
  }

  /** Identities created since the owner last persisted them (records refer to identities by id). */
  readonly unsaved: NodeIdentity[] = [];

  /** Re-registers a persisted identity under its stored id, on open; ids arrive in order 0, 1, 2 … */
  restoreIdentity(id: number, name: string, type: string | undefined, accountId: string | undefined, inferred: boolean): void {
    if (id !== this.identities.length) throw new Error(`xray_nodes is not contiguous at id ${id}`);
    const key = identityKey({ name, type, accountId });
    const ident = { id, key, name: this.str(name), type: this.str(type), accountId: this.str(accountId), inferred };
    this.identities.push(ident);
    this.identityByKey.set(key, ident);
  }

  /** One shared array per distinct list content: most traces repeat the same few lists. */
  list<T extends string | AnnotationScalar>(items: T[]): readonly T[] {
    if (items.length === 0) return EMPTY as readonly T[];
    const key = items.map((x) => `${typeof x}:${String(x)}`).join('\u0001');
    let hit = this.lists.get(key);
    if (!hit) {
      hit = Object.freeze(items.map((x) => (typeof x === 'string' ? this.str(x) : x)));
      this.lists.set(key, hit);
    }
    return hit as readonly T[];
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

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

function traceLists(model: TraceModel, ctx: IndexContext) {
  const users = new Set<string>();
  const arns = new Set<string>();
  const instanceIds = new Set<string>();
  const zones = new Set<string>();
  const seenPairs = new Set<string>();
  const annotations: (string | AnnotationScalar)[] = [];
  let throttle = false;
  for (const seg of model.trace.segments) {
    if (seg.user) users.add(seg.user);
    if (seg.resource_arn) arns.add(seg.resource_arn);
    const ec2 = (seg.aws?.ec2 ?? undefined) as Record<string, unknown> | undefined;
    if (str(ec2?.instance_id)) instanceIds.add(ec2!.instance_id as string);
    if (str(ec2?.availability_zone)) zones.add(ec2!.availability_zone as string);
    for (const e of entitiesOf(seg)) {
      if (e.throttle) throttle = true;
      if (seg.inferred || !e.annotations) continue;
      for (const k in e.annotations) {
        const v = e.annotations[k];
        const pair = `${k}\u0000${typeof v}\u0000${String(v)}`;
        if (seenPairs.has(pair)) continue;
        seenPairs.add(pair);
        annotations.push(k, v);
      }
    }
  }
  return {
    throttle, users: ctx.list([...users]), arns: ctx.list([...arns]), instanceIds: ctx.list([...instanceIds]), zones: ctx.list([...zones]),
    annotations: ctx.list(annotations),
  };
}

/** Build a trace's record, writing its entity numbers into the shared columns. */
export function buildIndex(model: TraceModel, meta: { revision: number; bytes: number }, ctx: IndexContext): TraceIndex {
  const t = model.trace;
  const stats: EntityStat[] = [];
  const nodes: number[] = [];
  let rootEnt = -1;
  model.nodes.forEach((n, ni) => {
    nodes.push(ctx.identity(n.name, n.type, n.accountId, n.inferred).id, stats.length, n.segments.length);
    for (const seg of n.segments) {
      if (ni === model.rootNode && seg === model.root) rootEnt = stats.length;
      stats.push(entityStat(seg));
    }
  });
  const edges: number[] = [];
  for (const e of model.edges) {
    edges.push(e.from, e.to, stats.length, e.calls.length);
    for (const c of e.calls) stats.push(entityStat(c));
  }
  const entOff = ctx.cols.reserve(stats.length);
  stats.forEach((s, i) => ctx.cols.set(entOff + i, s));
  const layOff = writeLayout(ctx.cols, nodes, edges);
  const lists = traceLists(model, ctx);
  const req = model.root?.http?.request;
  // One literal with every field (no spread) keeps all records on one compact hidden class.
  return {
    id: t.id, idEpoch: traceIdEpoch(t.id), start: t.start, end: t.end, revision: meta.revision, bytes: meta.bytes,
    entOff, entCount: stats.length, layOff, nodeCount: model.nodes.length, edgeCount: model.edges.length, rootNode: model.rootNode, rootEnt,
    rootUrl: ctx.str(str(req?.url)), rootMethod: ctx.str(str(req?.method)),
    rootUserAgent: ctx.str(str(req?.user_agent)), rootClientIp: ctx.str(str(req?.client_ip)),
    flags: (model.partial ? T_PARTIAL : 0) | (model.hasInferred ? T_INFERRED : 0) | (lists.throttle ? T_THROTTLE : 0),
    users: lists.users, annotations: lists.annotations, arns: lists.arns, instanceIds: lists.instanceIds, zones: lists.zones,
  };
}

/**
 * The one reader of the packed layout (see EntityColumns.layout): per node [identity, first entity,
 * entity count], then per edge [caller node, callee node, first call, call count]. Entity positions
 * returned here are absolute indexes into the entity columns. Adding a field touches this file only.
 */
const NODE_WORDS = 3;
const EDGE_WORDS = 4;

export function layoutSize(t: Pick<TraceIndex, 'nodeCount' | 'edgeCount'>): number {
  return t.nodeCount * NODE_WORDS + t.edgeCount * EDGE_WORDS;
}

/** Writes a trace's node and edge layout (the inverse of the readers below). */
function writeLayout(cols: EntityColumns, nodes: readonly number[], edges: readonly number[]): number {
  const off = cols.reserveLayout(nodes.length + edges.length);
  cols.layout.set(nodes, off);
  cols.layout.set(edges, off + nodes.length);
  return off;
}

/** Identity id of node `n` of a trace. */
export function nodeIdentityId(cols: EntityColumns, t: TraceIndex, n: number): number {
  return cols.layout[t.layOff + n * NODE_WORDS];
}

/** The identity of node `n` of a trace. */
export function nodeIdentityAt(ctx: IndexContext, t: TraceIndex, n: number): NodeIdentity {
  return ctx.identities[nodeIdentityId(ctx.cols, t, n)];
}

/** Absolute index of node `n`'s first segment in the entity columns. */
export function nodeFirstEntity(cols: EntityColumns, t: TraceIndex, n: number): number {
  return t.entOff + cols.layout[t.layOff + n * NODE_WORDS + 1];
}

export function nodeEntityCount(cols: EntityColumns, t: TraceIndex, n: number): number {
  return cols.layout[t.layOff + n * NODE_WORDS + 2];
}

const edgeAt = (t: TraceIndex, e: number) => t.layOff + t.nodeCount * NODE_WORDS + e * EDGE_WORDS;

/** Caller node (index into the trace's nodes) of edge `e`. */
export function edgeCaller(cols: EntityColumns, t: TraceIndex, e: number): number {
  return cols.layout[edgeAt(t, e)];
}

/** Callee node (index into the trace's nodes) of edge `e`. */
export function edgeCallee(cols: EntityColumns, t: TraceIndex, e: number): number {
  return cols.layout[edgeAt(t, e) + 1];
}

/** Absolute index of edge `e`'s first call in the entity columns. */
export function edgeFirstCall(cols: EntityColumns, t: TraceIndex, e: number): number {
  return t.entOff + cols.layout[edgeAt(t, e) + 2];
}

export function edgeCallCount(cols: EntityColumns, t: TraceIndex, e: number): number {
  return cols.layout[edgeAt(t, e) + 3];
}
