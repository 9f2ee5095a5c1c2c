/**
 * Evaluation of a parsed filter against one stored trace (semantics: https://docs.aws.amazon.com/xray/latest/devguide/xray-console-filters.html). Top-level
 * keywords read the compact trace index; `ok/error/fault/responsetime/http.*` describe the entry
 * segment only. Service and edge blocks use the index too, unless they name a keyword only the
 * documents hold (then the trace is assembled once, lazily). Root-cause blocks always need documents.
 */
import { ServiceError } from '../../core/errors.js';
import type { AnnotationScalar, EntityDoc, SegmentDoc } from '../segments.js';
import {
  edgeCallCount, edgeCallee, edgeCaller, edgeFirstCall, entityStat, nodeEntityCount, nodeFirstEntity, nodeIdentityAt, ERROR, FAULT, INFERRED, IN_PROGRESS, THROTTLE, T_INFERRED, T_PARTIAL, T_THROTTLE,
  type EntityStat, type IndexContext, type TraceIndex,
} from '../trace-index.js';
import type { TraceModel } from '../model.js';
import type { RootCauses } from '../rootcause.js';
import type { CompareOp, Expr, Literal, Target } from './ast.js';

export interface EvalTrace {
  idx: TraceIndex;
  ctx: IndexContext;
  /** The assembled trace; called only when a block needs documents. */
  full(): { model: TraceModel; rootCauses: RootCauses };
}

type Value = string | number | boolean | undefined;

interface NodeLike {
  name: string;
  type?: string;
  accountId?: string;
  root: boolean;
  inferred: boolean;
}

/** One thing a block filter is tested against: a node's segment, an edge's call, or a root-cause item. */
type Ctx =
  | { scope: 'entity'; stat: EntityStat; node: NodeLike; doc?: EntityDoc }
  | { scope: 'rootcause'; item: Record<string, Value> };

function matchesTarget(n: Omit<NodeLike, 'root'>, t: Target | undefined): boolean {
  if (!t) return true;
  return (t.name === undefined || n.name === t.name) && (t.type === undefined || n.type === t.type) && (t.accountId === undefined || n.accountId === t.accountId);
}

function compare(v: Value, op: CompareOp | undefined, lit: Literal | undefined): boolean {
  if (v === undefined) return false;
  if (!op || !lit) return typeof v === 'boolean' ? v : true;
  if (typeof v !== typeof lit.value) return false;
  const a = v as never;
  const b = lit.value as never;
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case 'contains': return (v as string).includes(lit.value as string);
    case 'beginswith': return (v as string).startsWith(lit.value as string);
    case 'endswith': return (v as string).endsWith(lit.value as string);
  }
}

function anyOf(values: readonly Value[], op: CompareOp | undefined, lit: Literal | undefined): boolean {
  return values.some((v) => compare(v, op, lit));
}

const isOk = (flags: number) => (flags & (ERROR | FAULT | THROTTLE)) === 0;
const status = (s: number) => (s === 0 ? undefined : s);

function traceValues(t: TraceIndex, ctx: IndexContext, kw: string): readonly Value[] {
  const cols = ctx.cols;
  const r = t.rootEnt >= 0 ? t.entOff + t.rootEnt : -1;
  const rootFlags = r >= 0 ? cols.flags(r) : 0;
  switch (kw) {
    case 'ok': return [r >= 0 ? isOk(rootFlags) : undefined];
    case 'error': return [r >= 0 ? (rootFlags & ERROR) !== 0 : undefined];
    case 'fault': return [r >= 0 ? (rootFlags & FAULT) !== 0 : undefined];
    case 'throttle': return [(t.flags & T_THROTTLE) !== 0];
    case 'partial': return [(t.flags & T_PARTIAL) !== 0];
    case 'inferred': return [(t.flags & T_INFERRED) !== 0];
    case 'responsetime': return [r >= 0 ? cols.end[r] - cols.start[r] : undefined];
    case 'duration': return [t.end - t.start];
    case 'http.status': return [r >= 0 ? status(cols.status(r)) : undefined];
    case 'http.url': return [t.rootUrl];
    case 'http.method': return [t.rootMethod];
    case 'http.useragent': return [t.rootUserAgent];
    case 'http.clientip': return [t.rootClientIp];
    case 'user': return t.users;
    case 'resource.arn': return t.arns;
    case 'instance.id': return t.instanceIds;
    case 'availabilityzone': return t.zones;
    default: return [];
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function entityValues(c: Extract<Ctx, { scope: 'entity' }>, kw: string): Value[] {
  const { stat, node, doc } = c;
  const req = doc?.http?.request;
  const seg = doc as SegmentDoc | undefined;
  const ec2 = (seg?.aws?.ec2 ?? undefined) as Record<string, unknown> | undefined;
  switch (kw) {
    case 'ok': return [isOk(stat.flags)];
    case 'error': return [(stat.flags & ERROR) !== 0];
    case 'fault': return [(stat.flags & FAULT) !== 0];
    case 'throttle': return [(stat.flags & THROTTLE) !== 0];
    case 'partial': return [(stat.flags & IN_PROGRESS) !== 0];
    case 'inferred': return [(stat.flags & INFERRED) !== 0 || node.inferred];
    case 'root': return [node.root];
    case 'responsetime':
    case 'duration': return [stat.end - stat.start];
    case 'http.status': return [status(stat.status)];
    case 'name': return [node.name];
    case 'type': return [node.type];
    case 'remote': return [doc?.namespace === 'aws' || doc?.namespace === 'remote'];
    case 'http.url': return [str(req?.url)];
    case 'http.method': return [str(req?.method)];
    case 'http.useragent': return [str(req?.user_agent)];
    case 'http.clientip': return [str(req?.client_ip)];
    case 'user': return [seg?.user];
    case 'resource.arn': return [seg?.resource_arn];
    case 'instance.id': return [str(ec2?.instance_id)];
    case 'availabilityzone': return [str(ec2?.availability_zone)];
    default: return [];
  }
}

function annotationValues(t: TraceIndex, key: string): AnnotationScalar[] {
  const out: AnnotationScalar[] = [];
  const a = t.annotations;
  for (let i = 0; i < a.length; i += 2) if (a[i] === key) out.push(a[i + 1]);
  return out;
}

/** Partial structural match: listed fields must match, omitted fields are wildcards. */
function templateMatches(tpl: unknown, actual: unknown): boolean {
  if (Array.isArray(tpl)) return Array.isArray(actual) && actual.length === tpl.length && tpl.every((x, i) => templateMatches(x, actual[i]));
  if (tpl !== null && typeof tpl === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(tpl).every(([k, v]) => templateMatches(v, (actual as Record<string, unknown>)[k]));
  }
  return tpl === actual;
}

function rootCauseItems(rc: RootCauses, cause: 'fault' | 'error' | 'responsetime', level: string): Record<string, Value>[] {
  const list = cause === 'responsetime' ? rc.responseTime : rc[cause];
  const items: Record<string, Value>[] = [];
  const pos = (i: number, n: number) => ({ index: i, first: i === 0, last: i === n - 1 });
  for (const c of list) {
    const services = c.Services ?? [];
    services.forEach((s, si) => {
      const entities = s.EntityPath ?? [];
      const remote = entities.some((e) => e.Remote === true);
      if (level === 'service') items.push({ name: s.Name, type: s.Type, inferred: s.Inferred ?? false, remote, ...pos(si, services.length) });
      entities.forEach((e, ei) => {
        if (level === 'entity') {
          items.push({ name: e.Name, type: s.Type, inferred: s.Inferred ?? false, remote: e.Remote ?? false, coverage: 'Coverage' in e ? (e.Coverage as number) : undefined, ...pos(ei, entities.length) });
        }
        if (level === 'exception' && 'Exceptions' in e) {
          const xs = e.Exceptions ?? [];
          xs.forEach((x, xi) => items.push({ name: x.Name, message: x.Message, remote: e.Remote ?? false, type: s.Type, inferred: s.Inferred ?? false, ...pos(xi, xs.length) }));
        }
      });
    });
  }
  return items;
}

export function evaluate(e: Expr, t: EvalTrace): boolean {
  return evalTrace(e, t);
}

function evalTrace(e: Expr, t: EvalTrace): boolean {
  switch (e.k) {
    case 'and': return evalTrace(e.l, t) && evalTrace(e.r, t);
    case 'or': return evalTrace(e.l, t) || evalTrace(e.r, t);
    case 'not': return !evalTrace(e.e, t);
    case 'true': return true;
    case 'cmp':
      if (e.field.kind === 'annotation') {
        const values = annotationValues(t.idx, e.field.key);
        // A bare annotation means "is set", whatever its value (false included).
        return e.op ? anyOf(values, e.op, e.value) : values.length > 0;
      }
      return anyOf(traceValues(t.idx, t.ctx, e.field.name), e.op, e.value);
    case 'service': return evalService(e, t);
    case 'edge': return evalEdge(e, t);
    case 'rootcause': return rootCauseItems(t.full().rootCauses, e.cause, e.level).some((item) => evalBlock(e.block, { scope: 'rootcause', item }));
    case 'json': {
      const rc = t.full().rootCauses;
      return [rc.fault, rc.error, rc.responseTime].some((list) => list.length > 0 && templateMatches(e.template, list));
    }
    case 'group':
      throw new ServiceError('InvalidRequestException', `Group ${e.attr === 'name' ? 'name' : 'ARN'} "${e.value}" not found: the local X-Ray has no groups`, 400);
  }
}

/** A node of the compact index as the block evaluator sees it. */
function compactNode(t: EvalTrace, n: number): NodeLike {
  const ident = nodeIdentityAt(t.ctx, t.idx, n);
  return { name: ident.name, type: ident.type, accountId: ident.accountId, inferred: ident.inferred, root: n === t.idx.rootNode };
}

function anyEntity(t: EvalTrace, off: number, count: number, block: Expr, node: NodeLike): boolean {
  for (let k = 0; k < count; k++) if (evalBlock(block, { scope: 'entity', stat: t.ctx.cols.stat(off + k), node })) return true;
  return false;
}

function evalService(e: Extract<Expr, { k: 'service' }>, t: EvalTrace): boolean {
  if (!e.full) {
    const cols = t.ctx.cols;
    for (let n = 0; n < t.idx.nodeCount; n++) {
      if (!matchesTarget(nodeIdentityAt(t.ctx, t.idx, n), e.target)) continue;
      if (!e.block || anyEntity(t, nodeFirstEntity(cols, t.idx, n), nodeEntityCount(cols, t.idx, n), e.block, compactNode(t, n))) return true;
    }
    return false;
  }
  return t.full().model.nodes.some((n) => matchesTarget(n, e.target) && n.segments.some((doc) => evalBlock(e.block!, { scope: 'entity', stat: entityStat(doc), node: n, doc })));
}

function evalEdge(e: Extract<Expr, { k: 'edge' }>, t: EvalTrace): boolean {
  if (!e.full) {
    const cols = t.ctx.cols;
    for (let j = 0; j < t.idx.edgeCount; j++) {
      const callee = edgeCallee(cols, t.idx, j);
      if (!matchesTarget(nodeIdentityAt(t.ctx, t.idx, edgeCaller(cols, t.idx, j)), e.from) || !matchesTarget(nodeIdentityAt(t.ctx, t.idx, callee), e.to)) continue;
      if (!e.block || anyEntity(t, edgeFirstCall(cols, t.idx, j), edgeCallCount(cols, t.idx, j), e.block, compactNode(t, callee))) return true;
    }
    return false;
  }
  const m = t.full().model;
  return m.edges.some((ed) => matchesTarget(m.nodes[ed.from], e.from) && matchesTarget(m.nodes[ed.to], e.to) &&
    ed.calls.some((doc) => evalBlock(e.block!, { scope: 'entity', stat: entityStat(doc), node: m.nodes[ed.to], doc })));
}

function evalBlock(e: Expr, c: Ctx): boolean {
  switch (e.k) {
    case 'and': return evalBlock(e.l, c) && evalBlock(e.r, c);
    case 'or': return evalBlock(e.l, c) || evalBlock(e.r, c);
    case 'not': return !evalBlock(e.e, c);
    case 'true': return true;
    case 'cmp': {
      if (e.field.kind !== 'keyword') return false; // the parser rejects annotations in blocks
      const values = c.scope === 'entity' ? entityValues(c, e.field.name) : [c.item[e.field.name]];
      return anyOf(values, e.op, e.value);
    }
    default:
      return false; // the parser allows only comparisons inside blocks
  }
}
