/** X-Ray calls the store benchmarks time through the real SDK client: ingest, listing to the end, single queries. */
import { GetTraceSummariesCommand, PutTraceSegmentsCommand, type XRayClient } from '@aws-sdk/client-xray';
import { cpuMs } from './proc.js';
import { median } from './stats.js';
import type { LabTrace } from './traces.js';

export const BATCH = 50;

export interface IngestRun {
  docs: number;
  unprocessed: number;
  ms: number;
  /** CPU the server process used meanwhile (null without /proc). */
  serverCpuMs: number | null;
}

/** PutTraceSegments in batches of 50 (the daemon's), one call in flight, through one client. */
export async function ingestOneInFlight(client: XRayClient, traces: LabTrace[], serverPid: number): Promise<IngestRun> {
  const docs = traces.flatMap((t) => t.docs);
  let unprocessed = 0;
  const cpu0 = cpuMs(serverPid);
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i += BATCH) {
    const r = await client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: docs.slice(i, i + BATCH) }));
    unprocessed += r.UnprocessedTraceSegments?.length ?? 0;
  }
  const ms = performance.now() - t0;
  const cpu1 = cpuMs(serverPid);
  return { docs: docs.length, unprocessed, ms, serverCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

export function addRun(into: IngestRun, r: IngestRun): void {
  into.docs += r.docs;
  into.ms += r.ms;
  into.unprocessed += r.unprocessed;
  into.serverCpuMs = into.serverCpuMs === null || r.serverCpuMs === null ? null : into.serverCpuMs + r.serverCpuMs;
}

export const rate = (r: { docs: number; ms: number }): number => (r.ms > 0 ? (r.docs * 1000) / r.ms : 0);

export interface Listing {
  traces: number;
  pages: number;
  ms: number;
  /** Server CPU over the whole listing (null without /proc). */
  serverCpuMs: number | null;
  maxPageMs: number;
  /** Wall time of the deepest page walked. */
  lastPageMs: number;
}

/** Follows NextToken from the first page, up to `maxPages` pages (all when omitted). */
export async function listToEnd(client: XRayClient, input: { StartTime: Date; EndTime: Date; FilterExpression?: string }, serverPid: number, maxPages = Infinity): Promise<Listing> {
  const cpu0 = cpuMs(serverPid);
  const t0 = performance.now();
  let token: string | undefined;
  let traces = 0;
  let pages = 0;
  let maxPageMs = 0;
  let lastPageMs = 0;
  do {
    const p0 = performance.now();
    const r = await client.send(new GetTraceSummariesCommand({ ...input, ...(token ? { NextToken: token } : {}) }));
    lastPageMs = performance.now() - p0;
    maxPageMs = Math.max(maxPageMs, lastPageMs);
    traces += r.TraceSummaries?.length ?? 0;
    pages++;
    token = r.NextToken;
  } while (token && pages < maxPages);
  const ms = performance.now() - t0;
  const cpu1 = cpuMs(serverPid);
  return { traces, pages, ms, maxPageMs, lastPageMs, serverCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

/** Median wall time (ms) of `reps` calls. */
export async function medianMs(reps: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
