/**
 * Lays out GetServiceGraph's nodes and edges with dagre (left to right, like the X-Ray console's map),
 * and works out each node's and edge's health, latency and rate from the API's statistics.
 */
import { graphlib, layout } from '@dagrejs/dagre';
import type { GraphService } from './api.js';
import { healthOf, quote, type HealthCounts } from './format.js';

export const NODE_W = 190;
export const NODE_H = 96;

export interface MapNode {
  ref: number;
  /** The graph's synthetic entry node has no Name; the console calls it "client", as X-Ray's does. */
  name: string;
  type: string;
  client: boolean;
  inferred: boolean;
  health: HealthCounts;
  x: number;
  y: number;
  filter: string;
}

export interface MapEdge {
  from: MapNode;
  to: MapNode;
  health: HealthCounts;
  points: { x: number; y: number }[];
  filter: string;
}

export interface MapLayout {
  nodes: MapNode[];
  edges: MapEdge[];
  width: number;
  height: number;
}

const isClient = (s: GraphService): boolean => (s.Type ?? '').toLowerCase() === 'client';

/** X-Ray's own expression for "traces through this node": name and type, since user-service is two nodes. */
function nodeRef(s: GraphService): string {
  return `id(name: ${quote(s.Name ?? '')}, type: ${quote(s.Type ?? '')})`;
}

function nodeFilter(s: GraphService): string {
  return isClient(s) ? '' : `service(${nodeRef(s)})`;
}

function edgeFilter(from: GraphService, to: GraphService): string {
  // Calls from the client are the entry node's own traces.
  return isClient(from) ? nodeFilter(to) : `edge(${nodeRef(from)}, ${nodeRef(to)})`;
}

/** Left to right like X-Ray's map; top to bottom on a phone, where five nodes in a row would be unreadable. */
export function layoutGraph(services: GraphService[], direction: 'LR' | 'TB' = 'LR'): MapLayout {
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: 36, ranksep: direction === 'LR' ? 90 : 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const byRef = new Map<number, GraphService>();
  for (const s of services) {
    if (s.ReferenceId === undefined) continue;
    byRef.set(s.ReferenceId, s);
    g.setNode(String(s.ReferenceId), { width: NODE_W, height: NODE_H });
  }
  for (const s of byRef.values()) {
    for (const e of s.Edges ?? []) {
      if (e.ReferenceId !== undefined && byRef.has(e.ReferenceId)) g.setEdge(String(s.ReferenceId), String(e.ReferenceId), { width: 90, height: 30, labelpos: 'c' });
    }
  }
  layout(g);
  const nodes = new Map<number, MapNode>();
  for (const [ref, s] of byRef) {
    const pos = g.node(String(ref));
    // A client node has no statistics of its own: what it sent is its outgoing edges.
    const stats = isClient(s) ? s.Edges?.[0]?.SummaryStatistics : s.SummaryStatistics;
    nodes.set(ref, {
      ref,
      name: isClient(s) ? 'client' : (s.Name ?? '(unnamed)'),
      type: s.Type ?? 'unknown',
      client: isClient(s),
      // X-Ray marks nodes it inferred from a caller's subsegments (no segments of their own) with State "unknown".
      inferred: !isClient(s) && s.State === 'unknown',
      health: healthOf(stats),
      x: pos.x,
      y: pos.y,
      filter: nodeFilter(s),
    });
  }
  const edges: MapEdge[] = [];
  for (const s of byRef.values()) {
    for (const e of s.Edges ?? []) {
      const to = e.ReferenceId !== undefined ? byRef.get(e.ReferenceId) : undefined;
      if (!to) continue;
      const laid = g.edge(String(s.ReferenceId), String(to.ReferenceId));
      edges.push({
        from: nodes.get(s.ReferenceId!)!,
        to: nodes.get(to.ReferenceId!)!,
        health: healthOf(e.SummaryStatistics),
        points: laid?.points ?? [],
        filter: edgeFilter(s, to),
      });
    }
  }
  const graph = g.graph();
  return { nodes: [...nodes.values()], edges, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** Short labels for the AWS types, as the X-Ray console's icons say. */
export function typeLabel(type: string): string {
  const known: Record<string, string> = {
    client: 'Client',
    'AWS::ApiGateway::Stage': 'API Gateway stage',
    'AWS::Lambda': 'Lambda service',
    'AWS::Lambda::Function': 'Lambda function',
    'AWS::DynamoDB::Table': 'DynamoDB table',
    'AWS::DynamoDB': 'DynamoDB',
  };
  return known[type] ?? type.replace(/^AWS::/, '').replace(/::/g, ' ');
}

/** Two or three letters in the node's badge: the "icon". */
export function typeBadge(type: string): string {
  const known: Record<string, string> = {
    client: 'CL', 'AWS::ApiGateway::Stage': 'API', 'AWS::Lambda': 'λ', 'AWS::Lambda::Function': 'ƒλ', 'AWS::DynamoDB::Table': 'DDB',
  };
  return known[type] ?? type.split('::').pop()!.slice(0, 3).toUpperCase();
}
