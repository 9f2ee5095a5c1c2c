/** Plain one-look descriptions of step 6's query results (steps cannot use the terminal renderers). */
import type { Service, Trace } from '@aws-sdk/client-xray';
import { nodeLabel } from '../src/lab/traces/graph-node.js';
import type { SummariesResult } from '../src/lab/traces/query.js';

const seconds = (s: number | undefined): string => (s === undefined ? '–' : `${s.toFixed(3)} s`);

export function describeSummaries(title: string, r: SummariesResult, show: number): string {
  const n = r.TraceSummaries.length;
  const lines = [`${title}: ${n}${r.NextToken ? '+' : ''} trace${n === 1 ? '' : 's'}`];
  for (const t of r.TraceSummaries.slice(0, show)) {
    const flags = [t.HasFault && 'fault', t.HasError && 'error', t.HasThrottle && 'throttle'].filter(Boolean).join(',') || 'ok';
    const http = t.Http ? `  ${t.Http.HttpMethod ?? ''} ${t.Http.HttpStatus ?? ''} ${t.Http.HttpURL ?? ''}`.trimEnd() : '';
    lines.push(`    ${t.Id}  duration ${seconds(t.Duration)}  response ${seconds(t.ResponseTime)}  ${flags}${http}`);
  }
  return lines.join('\n');
}

export function describeTrace(id: string, trace: Trace | undefined): string {
  if (!trace) return `Full trace ${id}: not assembled yet (try again in a few seconds)`;
  const names = (trace.Segments ?? []).map((s) => {
    try {
      const doc = JSON.parse(s.Document ?? '{}') as { name?: string; origin?: string };
      return doc.origin ? `${doc.name} (${doc.origin})` : (doc.name ?? '?');
    } catch {
      return '?';
    }
  });
  return `Full trace ${id}: ${names.length} segments over ${seconds(trace.Duration)}: ${names.join(', ')}`;
}

export function describeGraph(services: Service[]): string {
  const byRef = new Map(services.map((s) => [s.ReferenceId, s]));
  const edges = services.flatMap((s) => (s.Edges ?? []).map((e) => `${nodeLabel(s)} → ${nodeLabel(byRef.get(e.ReferenceId))}`));
  return [`Service graph: ${services.length} nodes, ${edges.length} edges`, ...edges.map((e) => `    ${e}`)].join('\n');
}
