/**
 * Root causes as GetTraceSummaries reports them: starting at the entry segment, follow the failing
 * (or, for response time, the slowest) entity downwards, across service boundaries, to the deepest one.
 * Each service on the way contributes its entity path. Our reading of the AWS docs; AWS's exact
 * choice among several failing branches is not documented (we take the first by start time).
 */
import type { ErrorRootCause, FaultRootCause, ResponseTimeRootCause, RootCauseException } from '@aws-sdk/client-xray';
import type { CauseObject, EntityDoc, SegmentDoc } from './segments.js';
import type { TraceModel } from './model.js';

export interface RootCauses {
  fault: FaultRootCause[];
  error: ErrorRootCause[];
  responseTime: ResponseTimeRootCause[];
}

type Flag = 'fault' | 'error';

const NONE: readonly SegmentDoc[] = [];

interface Hop {
  seg: SegmentDoc;
  path: EntityDoc[];
}

function duration(e: EntityDoc): number {
  return (typeof e.end_time === 'number' ? e.end_time : e.start_time) - e.start_time;
}

function exceptionsOf(e: EntityDoc): RootCauseException[] {
  const c = e.cause;
  if (!c || typeof c === 'string') return [];
  return ((c as CauseObject).exceptions ?? []).map((x) => {
    const out: RootCauseException = {};
    if (x.type) out.Name = x.type;
    if (x.message) out.Message = x.message;
    return out;
  });
}

function isRemote(e: EntityDoc): boolean {
  if (e.namespace === 'aws' || e.namespace === 'remote') return true;
  const c = e.cause;
  return typeof c === 'object' && c !== null && (c.exceptions ?? []).some((x) => x.remote === true);
}

class Walker {
  private readonly callees = new Map<string, SegmentDoc[]>();
  /** hasFlag's answers, per flag: the walk asks about the same entities at every level it descends. */
  private readonly flagged = { fault: new Map<EntityDoc, boolean>(), error: new Map<EntityDoc, boolean>() };
  constructor(private readonly model: TraceModel) {
    for (const s of model.trace.segments) {
      if (!s.parent_id) continue;
      const list = this.callees.get(s.parent_id);
      if (list) list.push(s);
      else this.callees.set(s.parent_id, [s]);
    }
    // A real callee replaces the inferred stand-in (assembly never produces both, but be safe). Stable
    // sort, once per list rather than at every visit.
    for (const list of this.callees.values()) if (list.length > 1) list.sort((a, b) => Number(a.inferred ?? false) - Number(b.inferred ?? false));
  }

  calleesOf(e: EntityDoc): readonly SegmentDoc[] {
    return this.callees.get(e.id) ?? NONE;
  }

  hasFlag(e: EntityDoc, flag: Flag): boolean {
    const memo = this.flagged[flag];
    const known = memo.get(e);
    if (known !== undefined) return known;
    // Provisionally false: a parent_id cycle asks about `e` again below, and must end there.
    memo.set(e, false);
    const has = !!e[flag] || (e.subsegments ?? []).some((s) => this.hasFlag(s, flag)) || this.calleesOf(e).some((s) => this.hasFlag(s, flag));
    memo.set(e, has);
    return has;
  }

  /** Follow `pick` from a segment down; returns one hop per service crossed. */
  follow(seg: SegmentDoc, pick: (children: EntityDoc[]) => EntityDoc | undefined, seen = new Set<SegmentDoc>()): Hop[] {
    // parent_id links come from clients: a cycle must end the walk, not the process.
    seen.add(seg);
    const path: EntityDoc[] = [seg];
    let cur: EntityDoc = seg;
    for (let guard = 0; guard < 64; guard++) {
      const children = [...(cur.subsegments ?? []), ...this.calleesOf(cur)];
      const next = pick(children);
      if (!next) break;
      if (this.model.nodeOfSegment.has(next as SegmentDoc)) {
        if (seen.has(next as SegmentDoc)) break;
        return [{ seg, path }, ...this.follow(next as SegmentDoc, pick, seen)];
      }
      path.push(next);
      cur = next;
    }
    return [{ seg, path }];
  }
}

/**
 * The first of the eligible children that no later one beats: what a stable sort by `beats` would put
 * first, without the filtered copy and the sort at every level of the walk.
 */
function firstBest(children: EntityDoc[], eligible: (c: EntityDoc) => boolean, beats: (c: EntityDoc, best: EntityDoc) => boolean): EntityDoc | undefined {
  let best: EntityDoc | undefined;
  for (const c of children) if (eligible(c) && (best === undefined || beats(c, best))) best = c;
  return best;
}

interface RootCauseService<P> {
  Name: string;
  Names: string[];
  Type?: string;
  AccountId?: string;
  Inferred?: boolean;
  EntityPath?: P;
}

/** A root cause's service with its entity path, members assigned in wire order (not spread: see summary.ts serviceId). */
function serviceOf<P>(model: TraceModel, seg: SegmentDoc, EntityPath: P): RootCauseService<P> {
  const n = model.nodes[model.nodeOfSegment.get(seg)!]!;
  const s: RootCauseService<P> = { Name: n.name, Names: [n.name] };
  if (n.type) s.Type = n.type;
  if (n.accountId) s.AccountId = n.accountId;
  s.Inferred = n.inferred;
  s.EntityPath = EntityPath;
  return s;
}

export function computeRootCauses(model: TraceModel): RootCauses {
  const out: RootCauses = { fault: [], error: [], responseTime: [] };
  const root = model.root;
  if (!root) return out;
  const w = new Walker(model);
  for (const flag of ['fault', 'error'] as const) {
    if (!w.hasFlag(root, flag)) continue;
    const hops = w.follow(root, (children) => firstBest(children, (c) => w.hasFlag(c, flag), (c, best) => c.start_time < best.start_time));
    const Services = hops.map((h) => serviceOf(model, h.seg, h.path.map((e) => ({ Name: e.name, Exceptions: exceptionsOf(e), Remote: isRemote(e) }))));
    out[flag].push({ Services, ClientImpacting: root[flag] === true });
  }
  const total = duration(root);
  const hops = w.follow(root, (children) => firstBest(children, (c) => !c.in_progress, (c, best) => duration(c) > duration(best)));
  out.responseTime.push({
    Services: hops.map((h) => serviceOf(model, h.seg, h.path.map((e) => ({ Name: e.name, Coverage: total > 0 ? Math.min(1, duration(e) / total) : 0, Remote: isRemote(e) })))),
    ClientImpacting: true,
  });
  return out;
}
