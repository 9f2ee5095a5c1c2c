/**
 * GetServiceGraph and GetTraceGraph (https://docs.aws.amazon.com/xray/latest/api/API_GetServiceGraph.html).
 * Nodes are (name, type, account); a node's statistics come from its own segments (inferred ones for
 * DynamoDB), an edge's from the caller's subsegments for that call; each entry point gets a synthetic
 * `client` node, which, as in AWS's documented output (xray-api-tutorial.html), has Type "client", State
 * "unknown", times and edges, but no Name, Names or statistics of its own. Computed from the compact
 * trace index only. Left out: groups, ReceivedEventAgeHistogram.
 */
import type { Edge, GetServiceGraphRequest, GetServiceGraphResult, GetTraceGraphRequest, GetTraceGraphResult, HistogramEntry, Service, ServiceStatistics } from '@aws-sdk/client-xray';
import { epochSeconds, invalidRequest } from './request.js';
import type { TraceStore } from './store.js';
import type { EntityColumns } from './entity-columns.js';
import {
  edgeCallCount, edgeCallee, edgeCaller, edgeFirstCall, nodeEntityCount, nodeFirstEntity, nodeIdentityId,
  ERROR, FAULT, THROTTLE, type IndexContext, type NodeIdentity, type TraceIndex,
} from './trace-index.js';

interface Stats {
  ok: number;
  throttle: number;
  errorOther: number;
  fault: number;
  total: number;
  responseTime: number;
  start: number;
  end: number;
  histogram: Map<number, number>;
}

interface GraphNode {
  ref: number;
  node: Pick<NodeIdentity, 'name' | 'type' | 'accountId' | 'inferred'>;
  client: boolean;
  root: boolean;
  stats: Stats;
  edges: Map<number, { to: GraphNode; stats: Stats }>;
}

const newStats = (): Stats => ({ ok: 0, throttle: 0, errorOther: 0, fault: 0, total: 0, responseTime: 0, start: Infinity, end: -Infinity, histogram: new Map() });

function add(s: Stats, cols: EntityColumns, i: number): void {
  const start = cols.start[i];
  const end = cols.end[i];
  const flags = cols.flags(i);
  const d = Math.max(0, end - start);
  s.total++;
  s.responseTime += d;
  if (flags & FAULT) s.fault++;
  else if (flags & THROTTLE) s.throttle++;
  else if (flags & ERROR) s.errorOther++;
  else s.ok++;
  if (start < s.start) s.start = start;
  if (end > s.end) s.end = end;
  // Millisecond buckets keep the histogram short for large windows.
  const bucket = Math.round(d * 1000) / 1000;
  s.histogram.set(bucket, (s.histogram.get(bucket) ?? 0) + 1);
}

function statistics(s: Stats): ServiceStatistics {
  return {
    OkCount: s.ok,
    ErrorStatistics: { ThrottleCount: s.throttle, OtherCount: s.errorOther, TotalCount: s.throttle + s.errorOther },
    FaultStatistics: { OtherCount: s.fault, TotalCount: s.fault },
    TotalCount: s.total,
    TotalResponseTime: s.responseTime,
  };
}

function histogram(s: Stats): HistogramEntry[] {
  return [...s.histogram].sort((a, b) => a[0] - b[0]).map(([Value, Count]) => ({ Value, Count }));
}

const toDate = (seconds: number) => new Date(Math.round(seconds * 1000));

class GraphBuilder {
  /** Keyed by node identity id; a root's client node by -1 - its identity id. */
  private readonly nodes = new Map<number, GraphNode>();

  constructor(private readonly ctx: IndexContext) {}

  private get(key: number, node: GraphNode['node'], client: boolean): GraphNode {
    let g = this.nodes.get(key);
    if (!g) {
      g = { ref: -1, node, client, root: false, stats: newStats(), edges: new Map() };
      this.nodes.set(key, g);
    }
    return g;
  }

  private edge(from: GraphNode, toKey: number, to: GraphNode, at: number): void {
    let e = from.edges.get(toKey);
    if (!e) from.edges.set(toKey, (e = { to, stats: newStats() }));
    add(e.stats, this.ctx.cols, at);
  }

  addTrace(t: TraceIndex): void {
    const { cols, identities } = this.ctx;
    const graphNodes: GraphNode[] = [];
    for (let n = 0; n < t.nodeCount; n++) {
      const ident = identities[nodeIdentityId(cols, t, n)];
      const g = this.get(ident.id, ident, false);
      const off = nodeFirstEntity(cols, t, n);
      const count = nodeEntityCount(cols, t, n);
      for (let k = 0; k < count; k++) add(g.stats, cols, off + k);
      graphNodes.push(g);
    }
    for (let e = 0; e < t.edgeCount; e++) {
      const off = edgeFirstCall(cols, t, e);
      const count = edgeCallCount(cols, t, e);
      const callee = edgeCallee(cols, t, e);
      const toKey = nodeIdentityId(cols, t, callee);
      for (let k = 0; k < count; k++) this.edge(graphNodes[edgeCaller(cols, t, e)], toKey, graphNodes[callee], off + k);
    }
    if (t.rootNode >= 0 && t.rootEnt >= 0) {
      const ident = identities[nodeIdentityId(cols, t, t.rootNode)];
      const root = graphNodes[t.rootNode];
      root.root = true;
      // Keyed by the root it calls, so each entry point keeps its own client node; it carries no name on the wire.
      const client = this.get(-1 - ident.id, { name: '', type: 'client', inferred: false }, true);
      this.edge(client, ident.id, root, t.entOff + t.rootEnt);
    }
  }

  services(): Service[] {
    const ordered = [...this.nodes.values()].sort((a, b) => Number(b.client) - Number(a.client));
    ordered.forEach((g, i) => (g.ref = i));
    return ordered.map((g) => {
      const edges: Edge[] = [...g.edges.values()].map((e) => ({
        ReferenceId: e.to.ref, StartTime: toDate(e.stats.start), EndTime: toDate(e.stats.end),
        SummaryStatistics: statistics(e.stats), ResponseTimeHistogram: histogram(e.stats), Aliases: [],
      }));
      const n = g.node;
      if (g.client) {
        const times = [...g.edges.values()].map((e) => e.stats);
        const start = Math.min(...times.map((t) => t.start));
        const end = Math.max(...times.map((t) => t.end));
        return { ReferenceId: g.ref, Type: 'client', State: 'unknown', StartTime: toDate(start), EndTime: toDate(end), Edges: edges };
      }
      const base: Service = { ReferenceId: g.ref, Name: n.name, Names: [n.name], ...(n.type ? { Type: n.type } : {}) };
      return {
        ...base,
        ...(n.accountId ? { AccountId: n.accountId } : {}),
        State: n.inferred ? 'unknown' : 'active',
        ...(n.inferred ? {} : { Root: g.root }),
        StartTime: toDate(g.stats.start), EndTime: toDate(g.stats.end), Edges: edges,
        SummaryStatistics: statistics(g.stats), DurationHistogram: histogram(g.stats), ResponseTimeHistogram: histogram(g.stats),
      };
    });
  }
}


export function getServiceGraph(store: TraceStore, input: GetServiceGraphRequest): GetServiceGraphResult {
  const from = epochSeconds(input.StartTime, 'StartTime');
  const to = epochSeconds(input.EndTime, 'EndTime');
  if (to <= from) throw invalidRequest('EndTime must be after StartTime');
  if (input.GroupName !== undefined || input.GroupARN !== undefined) throw invalidRequest('Group not found: the local X-Ray has no groups');
  if (input.NextToken !== undefined) throw invalidRequest('Invalid NextToken');
  store.maybeSweep();
  const b = new GraphBuilder(store.ctx);
  // Only the traces whose start can fall in the window are walked, not the whole store.
  for (const t of store.newestFirst(from - store.spread.span, to)) if (t.end >= from) b.addTrace(t);
  return { StartTime: toDate(from), EndTime: toDate(to), Services: b.services(), ContainsOldGroupVersions: false };
}

export function getTraceGraph(store: TraceStore, input: GetTraceGraphRequest): GetTraceGraphResult {
  if (!Array.isArray(input.TraceIds) || input.TraceIds.length === 0) throw invalidRequest('TraceIds is required');
  if (input.NextToken !== undefined) throw invalidRequest('Invalid NextToken');
  const b = new GraphBuilder(store.ctx);
  for (const id of new Set(input.TraceIds)) {
    const t = store.get(id);
    if (t) b.addTrace(t);
  }
  return { Services: b.services() };
}
