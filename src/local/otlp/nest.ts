/**
 * Spans of one trace that arrive in the same request are stored as one document per local root, the
 * subsegments embedded under their parents, as the X-Ray SDKs send a finished segment. The trace
 * assembled from it is the one the separate documents would give (assembly embeds independent
 * subsegments the same way), and the store parses and indexes one document instead of one per span.
 * A subsegment whose parent is not in the request stays an independent subsegment; so does any chain
 * that loops or nests deeper than the store accepts, and any tree whose document would be too large
 * (flattenTree gives the separate documents back).
 */
import type { EntityDoc, SegmentDoc } from '../xray/segments.js';

/** The store refuses embedded subsegments nested deeper than 32; stay below it. */
const MAX_DEPTH = 30;

export interface NestedDoc {
  doc: SegmentDoc;
  /** How many spans the document carries (itself and everything embedded). */
  spans: number;
}

export function nestSubsegments(docs: SegmentDoc[]): NestedDoc[] {
  const byId = new Map<string, SegmentDoc>();
  for (const d of docs) if (!byId.has(d.id)) byId.set(d.id, d);
  // Parents are read before anything is moved: nesting removes trace_id and parent_id.
  const parentOf = new Map<SegmentDoc, SegmentDoc>();
  for (const d of docs) {
    if (d.type !== 'subsegment' || d.parent_id === undefined) continue;
    const p = byId.get(d.parent_id);
    if (p && p !== d && p.trace_id === d.trace_id) parentOf.set(d, p);
  }
  // Per span: the document it ends up in and its depth there. A chain deeper than the store accepts
  // starts a new document; a loop of parent ids nests nothing.
  const placed = new Map<SegmentDoc, { root: SegmentDoc; depth: number }>();
  for (const d of docs) {
    const chain: SegmentDoc[] = [];
    const inChain = new Set<SegmentDoc>();
    let at: SegmentDoc | undefined = d;
    while (at && !placed.has(at) && !inChain.has(at)) {
      chain.push(at);
      inChain.add(at);
      at = parentOf.get(at);
    }
    const looped = at !== undefined && inChain.has(at);
    let above = at && !looped ? placed.get(at)! : undefined;
    for (const c of chain.reverse()) {
      const here = looped || !above || above.depth >= MAX_DEPTH ? { root: c, depth: 0 } : { root: above.root, depth: above.depth + 1 };
      placed.set(c, here);
      above = here;
    }
  }
  const counts = new Map<SegmentDoc, number>();
  for (const d of docs) {
    const { root } = placed.get(d)!;
    counts.set(root, (counts.get(root) ?? 0) + 1);
    if (root === d) continue;
    const parent = parentOf.get(d)!;
    delete d.type;
    delete (d as Partial<SegmentDoc>).trace_id;
    delete d.parent_id;
    (parent.subsegments ??= []).push(d);
  }
  return docs.filter((d) => placed.get(d)!.root === d).map((doc) => ({ doc, spans: counts.get(doc)! }));
}

/** The separate documents of a nested tree: its root, then each embedded span as an independent subsegment. */
export function flattenTree(root: SegmentDoc): SegmentDoc[] {
  const out: SegmentDoc[] = [];
  const visit = (e: EntityDoc, parentId: string | undefined) => {
    const { subsegments, ...own } = e;
    // Every `subsegments` entry was added by nesting: translated spans have none of their own.
    const doc = (parentId === undefined ? own : { ...own, type: 'subsegment', trace_id: root.trace_id, parent_id: parentId }) as SegmentDoc;
    out.push(doc);
    for (const s of subsegments ?? []) visit(s, e.id);
  };
  visit(root, undefined);
  return out;
}
