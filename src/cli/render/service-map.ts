/**
 * GetServiceGraph in the terminal: a call tree walked from the client node (depth-first, children in
 * edge order), each node with its traffic and health, then the edges with their own statistics
 * (edge numbers come from the caller's subsegments, so they differ from the callee's node numbers).
 * A node reached a second time (a join in a branching graph) is shown as a back-reference.
 */
import type { EdgeStatistics, Service } from '@aws-sdk/client-xray';
import { isClientNode } from '../../lab/traces/graph-node.js';
import { colorStatus, formatMs, truncate, visibleWidth, type RenderOptions, type Status } from './text.js';

interface Stats {
  total: number;
  avgMs: number;
  errors: number;
  faults: number;
  throttles: number;
}

function stats(s: EdgeStatistics | undefined): Stats | null {
  if (!s || !s.TotalCount) return null;
  const total = s.TotalCount;
  return {
    total,
    avgMs: ((s.TotalResponseTime ?? 0) / total) * 1000,
    errors: s.ErrorStatistics?.TotalCount ?? 0,
    throttles: s.ErrorStatistics?.ThrottleCount ?? 0,
    faults: s.FaultStatistics?.TotalCount ?? 0,
  };
}

function health(st: Stats | null): Status | null {
  if (!st) return null;
  if (st.faults > 0) return 'fault';
  if (st.throttles > 0) return 'throttle';
  return st.errors > 0 ? 'error' : 'ok';
}

const pct = (n: number, total: number): string => `${((100 * n) / total).toFixed(1)}%`;

function statsText(st: Stats): string {
  return `${st.total} req · avg ${formatMs(st.avgMs)} · err ${pct(st.errors, st.total)} · fault ${pct(st.faults, st.total)} · throttle ${pct(st.throttles, st.total)}`;
}

/** Start nodes: the client node(s), else roots, else nodes nobody calls; sorted for stable output. */
function startNodes(services: Service[]): Service[] {
  const called = new Set(services.flatMap((s) => (s.Edges ?? []).map((e) => e.ReferenceId)));
  const byName = (a: Service, b: Service): number => (a.Name ?? '').localeCompare(b.Name ?? '') || (a.ReferenceId ?? 0) - (b.ReferenceId ?? 0);
  for (const pick of [isClientNode, (s: Service) => s.Root === true, (s: Service) => !called.has(s.ReferenceId)]) {
    const found = services.filter(pick);
    if (found.length) return found.sort(byName);
  }
  return services.slice(0, 1);
}

export function renderServiceMap(services: Service[], opts: RenderOptions): string {
  const { chalk, width } = opts;
  if (services.length === 0) return 'No services in the graph for this time range yet: send a few requests and wait for X-Ray to process their traces.';

  const byRef = new Map(services.map((s) => [s.ReferenceId, s]));
  const nameCount = new Map<string, number>();
  for (const s of services) if (!isClientNode(s)) nameCount.set(s.Name ?? '', (nameCount.get(s.Name ?? '') ?? 0) + 1);
  const label = (s: Service): string =>
    isClientNode(s) ? 'client' : (nameCount.get(s.Name ?? '') ?? 0) > 1 ? `${s.Name} (${s.Type})` : (s.Name ?? '?');

  const lines: string[] = [];
  lines.push(`${chalk.bold('Service map')}   ${chalk.green('●')} ok  ${chalk.yellow('●')} errors (4xx)  ${chalk.magenta('●')} throttled (429)  ${chalk.red('●')} faults (5xx)`);
  const seen = new Set<Service>();
  const edgeLines: string[] = [];

  const visit = (s: Service, prefix: string, connector: string, childPrefix: string): void => {
    const h = health(stats(s.SummaryStatistics));
    const dot = h ? colorStatus(chalk, h, '●') : chalk.dim('○');
    const head = `${prefix}${connector}${dot} `;
    const headW = visibleWidth(`${prefix}${connector}`) + 2;
    if (seen.has(s)) {
      lines.push(`${head}${label(s)} ${chalk.dim('(see above)')}`);
      return;
    }
    seen.add(s);
    const type = isClientNode(s) ? '' : chalk.dim(` [${s.Type ?? '?'}]`);
    const st = stats(s.SummaryStatistics);
    const plain = isClientNode(s) ? 'client' : (s.Name ?? '?');
    const name = h ? colorStatus(chalk, h, plain) : plain;
    lines.push(`${head}${chalk.bold(name)}${type}`);
    if (st) lines.push(`${childPrefix}${' '.repeat(Math.max(0, headW - visibleWidth(childPrefix)))}${chalk.dim(truncate(statsText(st), Math.max(10, width - headW)))}`);

    const edges = (s.Edges ?? []).filter((e) => byRef.has(e.ReferenceId));
    edges.forEach((e, i) => {
      const target = byRef.get(e.ReferenceId)!;
      const es = stats(e.SummaryStatistics);
      const eh = health(es);
      const text = `${label(s)} ─▶ ${label(target)}${es ? `  (${es.total} req, avg ${formatMs(es.avgMs)}${es.errors + es.faults ? `, ${es.errors} err, ${es.faults} fault` : ''})` : ''}`;
      edgeLines.push(`  ${eh ? colorStatus(chalk, eh, truncate(text, width - 2)) : truncate(text, width - 2)}`);
      const last = i === edges.length - 1;
      visit(target, childPrefix, last ? '└─▶ ' : '├─▶ ', childPrefix + (last ? '    ' : '│   '));
    });
  };
  for (const start of startNodes(services)) visit(start, '', '', '');
  // Anything not reachable from the start nodes (a disconnected island) still gets shown.
  for (const s of services) if (!seen.has(s)) visit(s, '', '', '');

  if (edgeLines.length) lines.push('', chalk.bold('Edges'), ...edgeLines);
  return lines.join('\n');
}
