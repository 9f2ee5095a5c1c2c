/**
 * The compact in-memory index of the stored traces, so time-window scans, filter expressions and the
 * service graph run without re-parsing segment documents, and the one home of its accessors. Per trace:
 * a slot of typed columns (trace-slots.ts: times, counts, offsets, packed id, interned texts), its
 * entities' numbers and node/edge layout in shared columns (entity-columns.ts); node identities and
 * repeated lists are shared between traces. A TraceIndex is a short-lived view of one slot.
 * Built from the trace model whenever a trace receives documents; reloaded from SQLite on open.
 */
import type { AnnotationScalar, EntityDoc } from './segments.js';
import { entitiesOf, identityKey, type TraceModel } from './model.js';
import { EntityColumns, NODE_WORDS, EDGE_WORDS } from './entity-columns.js';
import { F, INTS, TraceSlots, type TraceTexts } from './trace-slots.js';
import { ID_WORDS } from './trace-ids.js';

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
 * One stored trace, read from its slot's columns. Cheap to make (two fields); valid while the trace is
 * current: a view must not outlive the call that obtained it (its slot is reused once retired).
 */
export class TraceIndex {
  /** `id`: the trace id when the caller has it already (else unpacked on first use). */
  constructor(readonly slots: TraceSlots, readonly slot: number, private cachedId?: string) {}

  private int(f: number): number { return this.slots.ints[this.slot * INTS + f]; }
  private get texts(): TraceTexts { return this.slots.texts[this.int(F.texts)]; }
  get id(): string { return (this.cachedId ??= this.slots.idOf(this.slot)); }
  /** Trace-id timestamp, epoch seconds. */
  get idEpoch(): number { return this.slots.ids[this.slot * ID_WORDS]; }
  get start(): number { return this.slots.times[this.slot * 2]; }
  get end(): number { return this.slots.times[this.slot * 2 + 1]; }
  get revision(): number { return this.int(F.revision); }
  get bytes(): number { return this.int(F.bytes); }
  /** First entity of this trace in the shared entity columns (moved by compaction). */
  get entOff(): number { return this.int(F.entOff); }
  set entOff(v: number) { this.slots.ints[this.slot * INTS + F.entOff] = v; }
  get entCount(): number { return this.int(F.entCount); }
  /** Start of this trace's node and edge layout in the shared layout column. */
  get layOff(): number { return this.int(F.layOff); }
  set layOff(v: number) { this.slots.ints[this.slot * INTS + F.layOff] = v; }
  get nodeCount(): number { return this.int(F.nodeCount); }
  get edgeCount(): number { return this.int(F.edgeCount); }
  /** Index of the entry node in the trace's nodes, or -1. */
  get rootNode(): number { return this.int(F.rootNode); }
  /** The entry segment's entity (relative to entOff), or -1. */
  get rootEnt(): number { return this.int(F.rootEnt); }
  get flags(): number { return this.int(F.flags); }
  get rootUrl(): string | undefined { return this.texts.rootUrl; }
  get rootMethod(): string | undefined { return this.texts.rootMethod; }
  get rootUserAgent(): string | undefined { return this.texts.rootUserAgent; }
  get rootClientIp(): string | undefined { return this.texts.rootClientIp; }
  get users(): readonly string[] { return this.texts.users; }
  /** Flat key, value, key, value … of every distinct annotation pair. */
  get annotations(): readonly (string | AnnotationScalar)[] { return this.texts.annotations; }
  get arns(): readonly string[] { return this.texts.arns; }
  get instanceIds(): readonly string[] { return this.texts.instanceIds; }
  get zones(): readonly string[] { return this.texts.zones; }
  /** The persisted form of the texts (index-codec.ts), as UTF-8. */
  get textsBytes(): Buffer { return this.texts.jsonBytes; }
}

/** The numbers a slot holds besides its times, id and texts, as written by buildIndex and the codecs. */
export interface SlotFields {
  revision: number;
  bytes: number;
  entOff: number;
  entCount: number;
  layOff: number;
  nodeCount: number;
  edgeCount: number;
  rootNode: number;
  rootEnt: number;
  flags: number;
  texts: number;
}

/** Fills a slot (the one writer of a slot's row, besides the snapshot codec's bulk copy). */
export function writeSlot(slots: TraceSlots, slot: number, start: number, end: number, f: SlotFields): void {
  slots.times[slot * 2] = start;
  slots.times[slot * 2 + 1] = end;
  const o = slot * INTS;
  const ints = slots.ints;
  ints[o + F.revision] = f.revision;
  ints[o + F.bytes] = f.bytes;
  ints[o + F.entOff] = f.entOff;
  ints[o + F.entCount] = f.entCount;
  ints[o + F.layOff] = f.layOff;
  ints[o + F.nodeCount] = f.nodeCount;
  ints[o + F.edgeCount] = f.edgeCount;
  ints[o + F.rootNode] = f.rootNode;
  ints[o + F.rootEnt] = f.rootEnt;
  ints[o + F.flags] = f.flags;
  ints[o + F.texts] = f.texts;
}

/** The texts tuple as persisted: [rootUrl, rootMethod, rootUserAgent, rootClientIp, users, annotations, arns, instanceIds, zones]. */
export type TextsTuple = [string | null, string | null, string | null, string | null, string[], (string | AnnotationScalar)[], string[], string[], string[]];

/** Interns a persisted texts tuple (its strings and lists shared through the context); returns its index. */
export function internTexts(ctx: IndexContext, json: string, parsed?: TextsTuple): number {
  return ctx.slots.internTexts(json, () => {
    const raw = parsed ?? (JSON.parse(json) as TextsTuple);
    return {
      rootUrl: ctx.str(raw[0] ?? undefined), rootMethod: ctx.str(raw[1] ?? undefined),
      rootUserAgent: ctx.str(raw[2] ?? undefined), rootClientIp: ctx.str(raw[3] ?? undefined),
      users: ctx.list(raw[4]), annotations: ctx.list(raw[5]), arns: ctx.list(raw[6]), instanceIds: ctx.list(raw[7]), zones: ctx.list(raw[8]),
    };
  });
}

/** Shared state of all trace indexes of one store: trace slots, string pool, node identities, entity columns. */
export class IndexContext {
  readonly cols = new EntityColumns();
  readonly slots = new TraceSlots();
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

/** Builds a trace's index into a new slot (published by TraceSlots.put), its entity numbers into the shared columns. */
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
  const texts: TextsTuple = [str(req?.url) ?? null, str(req?.method) ?? null, str(req?.user_agent) ?? null, str(req?.client_ip) ?? null,
    lists.users as string[], lists.annotations as (string | AnnotationScalar)[], lists.arns as string[], lists.instanceIds as string[], lists.zones as string[]];
  const slot = ctx.slots.alloc(t.id);
  writeSlot(ctx.slots, slot, t.start, t.end, {
    revision: meta.revision, bytes: meta.bytes, entOff, entCount: stats.length, layOff, nodeCount: model.nodes.length,
    edgeCount: model.edges.length, rootNode: model.rootNode, rootEnt,
    flags: (model.partial ? T_PARTIAL : 0) | (model.hasInferred ? T_INFERRED : 0) | (lists.throttle ? T_THROTTLE : 0),
    texts: internTexts(ctx, JSON.stringify(texts), texts),
  });
  return new TraceIndex(ctx.slots, slot, t.id);
}

/**
 * The one reader of the packed layout (see EntityColumns.layout): per node [identity, first entity,
 * entity count], then per edge [caller node, callee node, first call, call count]. Entity positions
 * returned here are absolute indexes into the entity columns. Adding a field touches this file only.
 */
/** Writes a trace's node and edge layout (the inverse of the readers below), shared with traces of its shape. */
function writeLayout(cols: EntityColumns, nodes: readonly number[], edges: readonly number[]): number {
  return cols.internLayout(nodes.length === 0 ? edges : edges.length === 0 ? nodes : nodes.concat(edges));
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
