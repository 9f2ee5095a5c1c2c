/**
 * (4) X-Ray store: ingest through PutTraceSegments (batches of 50, one and four calls in flight) and the UDP daemon port, then
 * GetTraceSummaries (unfiltered and five filters, first page), BatchGetTraces (5 ids) and
 * GetServiceGraph at 10k and 100k traces, with the local cloud's RSS. The same SDK calls go to moto's
 * server at 10k in the same run (ingest interleaved by chunk, queries alternated); what moto rejects is
 * reported as such.
 */
import { createSocket } from 'node:dgram';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import type { Benchmark, BenchBody, Cell } from './lib/result.js';
import { target } from './lib/result.js';
import { cpuMs, rssMb } from './lib/proc.js';
import { startMoto, type MotoServer } from './lib/moto.js';
import { sdkConfig, startCloudProcess } from './lib/stack.js';
import { median, ratio, round } from './lib/stats.js';
import { FILTERS, labTraces, type LabTrace } from './lib/traces.js';

const BATCH = 50;

interface IngestRun {
  docs: number;
  unprocessed: number;
  ms: number;
  /** CPU used meanwhile by this (client) process and by the server process (null without /proc). */
  clientCpuMs: number;
  serverCpuMs: number | null;
}

/** PutTraceSegments in batches of 50 with `parallel` calls in flight; returns docs sent and rejected, and where the CPU went. */
export async function ingest(client: XRayClient, traces: LabTrace[], serverPid: number, parallel = 4): Promise<IngestRun> {
  const docs = traces.flatMap((t) => t.docs);
  let next = 0;
  let unprocessed = 0;
  const server0 = cpuMs(serverPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next; i < docs.length; i = next) {
      next += BATCH;
      const r = await client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: docs.slice(i, i + BATCH) }));
      unprocessed += r.UnprocessedTraceSegments?.length ?? 0;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const ms = performance.now() - t0;
  const client1 = process.cpuUsage(client0);
  const server1 = cpuMs(serverPid);
  const serverCpuMs = server0 === null || server1 === null ? null : server1 - server0;
  return { docs: docs.length, unprocessed, ms, clientCpuMs: (client1.user + client1.system) / 1000, serverCpuMs };
}

function addRun(into: IngestRun, r: IngestRun): void {
  into.docs += r.docs;
  into.ms += r.ms;
  into.unprocessed += r.unprocessed;
  into.clientCpuMs += r.clientCpuMs;
  into.serverCpuMs = into.serverCpuMs === null || r.serverCpuMs === null ? null : into.serverCpuMs + r.serverCpuMs;
}

/** Client and server CPU per document (µs): which side an ingest rate is bound by. */
function perDoc(r: IngestRun): Cell[] {
  return [r.docs ? round((r.clientCpuMs * 1000) / r.docs, 1) : null, r.docs && r.serverCpuMs !== null ? round((r.serverCpuMs * 1000) / r.docs, 1) : null];
}

async function timeOp(fn: () => Promise<unknown>): Promise<number | string> {
  const t0 = performance.now();
  try {
    await fn();
    return performance.now() - t0;
  } catch (e) {
    return `unsupported (${(e as Error).name}: ${(e as Error).message.slice(0, 60)})`;
  }
}

interface Window {
  start: Date;
  end: Date;
}

function queries(client: XRayClient, w: Window, ids: string[]): [string, () => Promise<unknown>][] {
  const summaries = (FilterExpression?: string) => () => client.send(new GetTraceSummariesCommand({ StartTime: w.start, EndTime: w.end, ...(FilterExpression ? { FilterExpression } : {}) }));
  return [
    ['GetTraceSummaries (no filter, first page)', summaries()],
    ...FILTERS.map((f): [string, () => Promise<unknown>] => [`GetTraceSummaries ${f}`, summaries(f)]),
    ['BatchGetTraces (5 ids)', () => client.send(new BatchGetTracesCommand({ TraceIds: ids }))],
    ['GetServiceGraph', () => client.send(new GetServiceGraphCommand({ StartTime: w.start, EndTime: w.end }))],
  ];
}

/** Each query `reps` times, alternating local and moto; medians (ms) or the error moto gave. */
async function measureQueries(local: XRayClient, moto: XRayClient | undefined, w: Window, ids: string[], reps: number) {
  const ql = queries(local, w, ids);
  const qm = moto ? queries(moto, w, ids) : [];
  const out: { name: string; local: number; moto: number | string | null }[] = [];
  for (let q = 0; q < ql.length; q++) {
    const l: number[] = [];
    const m: number[] = [];
    let motoErr: string | undefined;
    for (let i = 0; i < reps; i++) {
      const lt = await timeOp(ql[q][1]);
      if (typeof lt === 'string') throw new Error(`local ${ql[q][0]}: ${lt}`);
      l.push(lt);
      if (qm[q] && !motoErr) {
        const mt = await timeOp(qm[q][1]);
        if (typeof mt === 'string') motoErr = mt;
        else m.push(mt);
      }
    }
    out.push({ name: ql[q][0], local: median(l), moto: motoErr ?? (m.length ? median(m) : null) });
  }
  return out;
}

/** Sends every document as a daemon datagram, paced in bursts so the kernel buffer is not the test. */
async function sendUdp(address: string, traces: LabTrace[]): Promise<number> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const sock = createSocket('udp4');
  const header = '{"format":"json","version":1}\n';
  let sent = 0;
  const docs = traces.flatMap((t) => t.docs);
  for (let i = 0; i < docs.length; i += 100) {
    await Promise.all(docs.slice(i, i + 100).map((d) => new Promise<void>((r) => sock.send(header + d, port, host, () => r()))));
    sent += Math.min(100, docs.length - i);
    await new Promise((r) => setTimeout(r, 1));
  }
  sock.close();
  return sent;
}

export const xrayStore: Benchmark = {
  name: 'xray-store',
  title: 'X-Ray store: ingest, queries, service graph and memory (local cloud vs moto)',
  async run({ smoke, log }): Promise<BenchBody> {
    const small = smoke ? 100 : 10_000;
    const large = smoke ? 300 : 100_000;
    const reps = smoke ? 1 : 5;
    const nowS = Date.now() / 1000;
    // All traces in the last 50 minutes; the query window covers the hour.
    const w: Window = { start: new Date((nowS - 3600) * 1000), end: new Date((nowS + 60) * 1000) };
    const all = [...labTraces(large, nowS - 3000, nowS - 10, 42)];
    // Interleave so both sizes cover the whole window: the first `small` traces are every (large/small)th.
    const stride = large / small;
    const first = all.filter((_, i) => i % stride === 0);
    const rest = all.filter((_, i) => i % stride !== 0);
    const ids = first.slice(0, 5).map((t) => t.traceId);
    const notes: string[] = [];
    const cloud = await startCloudProcess();
    const moto: MotoServer | undefined = await startMoto().catch((e: unknown) => {
      notes.push(`moto did not start: ${(e as Error).message}`);
      return undefined;
    });
    if (!moto) notes.push('moto is not installed (python3 -m moto.server): no comparison.');
    const local = new XRayClient({ ...sdkConfig(cloud.endpoint), maxAttempts: 1 });
    const motoClient = moto ? new XRayClient({ ...sdkConfig(moto.endpoint), maxAttempts: 1 }) : undefined;
    try {
      try {
        await local.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [] }));
      } catch (e) {
        // Before the X-Ray engine is wired the local cloud says NotImplemented: report it, measure nothing.
        if ((e as Error).name !== 'NotImplemented') throw e;
        return { tables: [], targets: [], notes: [...notes, `Not measured: the local cloud answers ${(e as Error).name}: ${(e as Error).message}`] };
      }
      const rss0 = rssMb(cloud.pid);
      const CHUNK = smoke ? 50 : 1000;
      log(`ingest ${first.length} traces (${first.length * 5} docs), interleaved with moto by chunks of ${CHUNK} traces: half with 1 call in flight, half with 4`);
      const zero = (): IngestRun => ({ docs: 0, ms: 0, unprocessed: 0, clientCpuMs: 0, serverCpuMs: 0 });
      // One call in flight is the daemon's way (issue 16's figure); four in flight shows what concurrency adds.
      const ing = { local: zero(), moto: zero() };
      const ing1 = { local: zero(), moto: zero() };
      for (let i = 0; i < first.length; i += CHUNK) {
        const one = first.slice(i, i + CHUNK / 2);
        const four = first.slice(i + CHUNK / 2, i + CHUNK);
        addRun(ing1.local, await ingest(local, one, cloud.pid, 1));
        if (motoClient && moto) addRun(ing1.moto, await ingest(motoClient, one, moto.pid, 1));
        addRun(ing.local, await ingest(local, four, cloud.pid));
        if (motoClient && moto) addRun(ing.moto, await ingest(motoClient, four, moto.pid));
      }
      const rssSmall = rssMb(cloud.pid);
      log(`queries at ${first.length} traces, ${reps} reps alternated with moto`);
      const qSmall = await measureQueries(local, motoClient, w, ids, reps);
      const motoRss = moto ? rssMb(moto.pid) : null;
      if (motoClient) {
        // moto answers GetServiceGraph without building a graph: say so instead of comparing times.
        const g = await motoClient.send(new GetServiceGraphCommand({ StartTime: w.start, EndTime: w.end }));
        if (!g.Services?.length) notes.push('moto returns an empty service list from GetServiceGraph (no graph is built), so its time there is not comparable.');
      }

      log(`ingest ${rest.length} more traces (local only)`);
      const big = await ingest(local, rest, cloud.pid);
      const rssLarge = rssMb(cloud.pid);
      log(`queries at ${large} traces`);
      const qLarge = await measureQueries(local, undefined, w, ids, reps);

      // UDP: a separate, earlier window so its traces can be counted apart.
      let udpRow: Cell[] = ['UDP daemon port', null, null, null, 'not measured'];
      let udpRate: number | null = null;
      if (cloud.daemonAddress) {
        const udpTraces = [...labTraces(smoke ? 50 : 5_000, nowS - 7000, nowS - 3700, 7)];
        log(`UDP: ${udpTraces.length * 5} datagrams to ${cloud.daemonAddress}`);
        const t0 = performance.now();
        const sent = await sendUdp(cloud.daemonAddress, udpTraces);
        const lastId = udpTraces[udpTraces.length - 1].traceId;
        for (let i = 0; i < 300; i++) {
          const r = await local.send(new BatchGetTracesCommand({ TraceIds: [lastId] }));
          if ((r.Traces?.length ?? 0) > 0) break;
          await new Promise((res) => setTimeout(res, 20));
        }
        const ms = performance.now() - t0;
        udpRate = (sent * 1000) / ms;
        udpRow = ['UDP daemon port', sent, round(ms, 0), round(udpRate, 0), '—'];
      } else {
        notes.push('`xray-lab local start --json` reported no daemonAddress: UDP intake not measured.');
      }

      const rate = (x: { docs: number; ms: number }) => (x.ms > 0 ? (x.docs * 1000) / x.ms : 0);
      const localRate = rate({ docs: ing.local.docs + big.docs, ms: ing.local.ms + big.ms });
      const oneInFlight = rate(ing1.local);
      const vsMoto = motoClient ? ratio(oneInFlight, rate(ing1.moto)) : null;
      const qRows: Cell[][] = qSmall.map((q, i) => [
        q.name, round(q.local, 1), typeof q.moto === 'number' ? round(q.moto, 1) : q.moto, typeof q.moto === 'number' ? round(q.moto / q.local, 1) : null,
        round(qLarge[i].local, 1), round(qLarge[i].local / q.local, 1),
      ]);
      const filtered = qLarge.filter((q) => FILTERS.some((f) => q.name.endsWith(f)));
      const worstFiltered = Math.max(...filtered.map((q) => q.local));
      const graph = qLarge.find((q) => q.name === 'GetServiceGraph')!.local;
      const grow = rss0 !== null && rssSmall !== null && rssLarge !== null && rssSmall > rss0 ? (rssLarge - rss0) / (rssSmall - rss0) : null;
      return {
        tables: [
          {
            title: 'Ingest (5 documents per trace)',
            columns: ['path', 'documents', 'ms', 'docs/s', 'rejected', 'client CPU µs/doc', 'server CPU µs/doc'],
            rows: [
              [`PutTraceSegments ×50, 1 in flight, ${first.length / 2} of the first ${first.length} traces (local)`, ing1.local.docs, round(ing1.local.ms, 0), round(rate(ing1.local), 0), ing1.local.unprocessed, ...perDoc(ing1.local)],
              ...(motoClient ? [[`same, moto`, ing1.moto.docs, round(ing1.moto.ms, 0), round(rate(ing1.moto), 0), ing1.moto.unprocessed, ...perDoc(ing1.moto)] as Cell[]] : []),
              [`PutTraceSegments ×50, 4 in flight, the other ${first.length / 2} (local)`, ing.local.docs, round(ing.local.ms, 0), round(rate(ing.local), 0), ing.local.unprocessed, ...perDoc(ing.local)],
              ...(motoClient ? [[`same, moto`, ing.moto.docs, round(ing.moto.ms, 0), round(rate(ing.moto), 0), ing.moto.unprocessed, ...perDoc(ing.moto)] as Cell[]] : []),
              [`PutTraceSegments, next ${rest.length} traces (local)`, big.docs, round(big.ms, 0), round(rate(big), 0), big.unprocessed, ...perDoc(big)],
              [...udpRow, null, null],
            ],
          },
          {
            title: `Queries (median of ${reps}, ms): ${first.length} traces (local vs moto, alternated) and ${large} traces (local)`,
            columns: ['query', `local @${first.length}`, `moto @${first.length}`, 'moto/local', `local @${large}`, 'growth ×'],
            rows: qRows,
          },
          {
            title: 'Local cloud resident memory (MB)',
            columns: ['empty', `@${first.length}`, `@${large}`, 'growth (above empty) ×', `moto @${first.length}`],
            rows: [[rss0 === null ? null : round(rss0, 0), rssSmall === null ? null : round(rssSmall, 0), rssLarge === null ? null : round(rssLarge, 0), grow === null ? null : round(grow, 1), motoRss === null ? null : round(motoRss, 0)]],
          },
        ],
        targets: [
          target('ingest via PutTraceSegments', '≥ 20,000 docs/s', round(localRate, 0), 'docs/s', (x) => x >= 20_000),
          target('ingest via PutTraceSegments, 1 in flight', '≥ 20,000 docs/s', round(oneInFlight, 0), 'docs/s', (x) => x >= 20_000),
          target('ingest, 1 in flight: local / moto (same run)', '≥ 4×', vsMoto === null ? null : round(vsMoto, 2), '×', (x) => x >= 4),
          target('ingest via UDP', '≥ 20,000 docs/s', udpRate === null ? null : round(udpRate, 0), 'docs/s', (x) => x >= 20_000),
          target(`slowest filtered summaries @${large}`, '≤ 300 ms', round(worstFiltered, 1), 'ms', (x) => x <= 300),
          target(`GetServiceGraph @${large}`, '≤ 500 ms', round(graph, 1), 'ms', (x) => x <= 500),
          target(`RSS @${large}`, '≤ 300 MB', rssLarge === null ? null : round(rssLarge, 0), 'MB', (x) => x <= 300),
          target(`memory growth ${first.length} → ${large}`, `~${stride}× (≤ ${stride * 1.2})`, grow === null ? null : round(grow, 1), '×', (x) => x <= stride * 1.2),
        ],
        notes: [...notes, 'Summaries are timed for the first page (what `traces list` shows); the filters match ~20 % (error), ~5 % (slow), ~15 % (not found) and ~18 % (compound) of traces.'],
      };
    } finally {
      local.destroy();
      motoClient?.destroy();
      await moto?.stop();
      await cloud.close();
    }
  },
};
