/**
 * (4b) X-Ray store at a month of traffic (issue 16): at 10k → 100k → 1M lab traces spread over 30 days,
 * the cost of following NextToken to the end, reopening the store, memory, the lab filters' first page,
 * the service graph over 6 hours, BatchGetTraces, ingest through one SDK client (batch 50, one call in
 * flight) and the disk used. The first size is built through the SDK (the measured ingest, interleaved
 * with moto's by chunks); later sizes add their traces straight into the store files while the cloud is
 * stopped (building 1M traces through HTTP would only measure ingest again), then restart the cloud on
 * them. `XRAY_SCALE_SIZES=10000,100000` limits the sizes of a run.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { TraceStore } from '../src/local/xray/store.js';
import type { Benchmark, BenchBody, Cell } from './lib/result.js';
import { target } from './lib/result.js';
import { cliSandbox, rssMb } from './lib/proc.js';
import { startMoto } from './lib/moto.js';
import { sdkConfig, startCloudProcess, type RunningCloud } from './lib/stack.js';
import { round } from './lib/stats.js';
import { FILTERS, labTraces } from './lib/traces.js';
import { addDirect } from './lib/xray-direct.js';
import { addRun, ingestOneInFlight, listToEnd, medianMs, rate, type IngestRun, type Listing } from './lib/xray-calls.js';

const DAY_S = 86_400;
const systemClock = { now: () => Date.now() };

/** Opening the store as the cloud does on start: records decoded, no document parsed. */
function timeReopen(dataDir: string): { ms: number; traces: number } {
  const t0 = performance.now();
  const db = new Database(join(dataDir, 'local-cloud.sqlite'));
  const store = new TraceStore(db, { clock: systemClock });
  const ms = performance.now() - t0;
  const traces = store.size;
  db.close();
  return { ms, traces };
}

async function health(endpoint: string): Promise<{ xray?: { traces: number; diskBytes: number } }> {
  return (await (await fetch(`${endpoint}/_xray-lab/health`)).json()) as { xray?: { traces: number; diskBytes: number } };
}

interface SizeRow {
  size: number;
  reopenMs: number;
  startMs: number;
  rssMb: number | null;
  diskBytes: number;
  firstPages: number[];
  graph6hMs: number;
  batchGetMs: number;
  all: Listing;
  slow: Listing;
  ingest: IngestRun;
}

export const xrayScale: Benchmark = {
  name: 'xray-scale',
  title: 'X-Ray store at a month of traffic: paging to the end, reopen, memory, queries and ingest at growing sizes',
  async run({ smoke, log }): Promise<BenchBody> {
    const sizes = smoke ? [150, 450] : (process.env.XRAY_SCALE_SIZES?.split(',').map(Number) ?? [10_000, 100_000, 1_000_000]);
    const extra = smoke ? 50 : 2_000;
    const reps = smoke ? 1 : 3;
    const nowS = Math.floor(Date.now() / 1000);
    const fromS = nowS - 30 * DAY_S;
    const month = { StartTime: new Date((fromS - 60) * 1000), EndTime: new Date((nowS + 60) * 1000) };
    const sixHours = { StartTime: new Date((nowS - 6 * 3600) * 1000), EndTime: month.EndTime };
    const notes: string[] = [];
    const box = cliSandbox();
    const dataDir = box.env.XRAY_LAB_DATA_DIR!;
    const moto = await startMoto().catch((e: unknown) => void notes.push(`moto did not start: ${(e as Error).message}`));
    const motoClient = moto ? new XRayClient(sdkConfig(moto.endpoint)) : undefined;
    const rows: SizeRow[] = [];
    const motoIngest: IngestRun = { docs: 0, ms: 0, unprocessed: 0, serverCpuMs: 0 };
    let motoListing: Listing | undefined;
    let localUnfiltered: Listing | undefined;
    let have = 0;
    let cloud: RunningCloud | undefined;
    try {
      for (const [k, size] of sizes.entries()) {
        // A size that fails (e.g. a start past the CLI's 30 s readiness limit) ends the run with what the smaller sizes measured.
        try {
          // Each step's traces cover the whole month, so every size is a month at a higher rate.
          const fresh = labTraces(size - have, fromS, nowS - 60, 1000 + k);
          let ingest: IngestRun = { docs: 0, ms: 0, unprocessed: 0, serverCpuMs: 0 };
          if (k === 0) {
            log(`building ${size} traces through the SDK (one client, batch 50, one call in flight), moto interleaved`);
            cloud = await startCloudProcess(box);
            const local = new XRayClient(sdkConfig(cloud.endpoint));
            const all = [...fresh];
            for (let i = 0; i < all.length; i += 1000) {
              addRun(ingest, await ingestOneInFlight(local, all.slice(i, i + 1000), cloud.pid));
              if (motoClient && moto) addRun(motoIngest, await ingestOneInFlight(motoClient, all.slice(i, i + 1000), moto.pid));
            }
            if (motoClient && moto) {
              log('unfiltered listing to the end: local and moto');
              localUnfiltered = await listToEnd(local, month, cloud.pid);
              motoListing = await listToEnd(motoClient, month, moto.pid);
            }
            local.destroy();
            await cloud.close();
            cloud = undefined;
          } else {
            log(`adding ${size - have} traces straight into the store files`);
            addDirect(dataDir, fresh);
          }
          have = size;
          log(`reopen at ${size}`);
          const reopen = timeReopen(dataDir);
          log(`store open at ${size}: ${round(reopen.ms, 0)} ms`);
          const t0 = performance.now();
          cloud = await startCloudProcess(box);
          const startMs = performance.now() - t0;
          const local = new XRayClient(sdkConfig(cloud.endpoint));
          log(`queries at ${size}`);
          const firstPages: number[] = [];
          for (const f of FILTERS) firstPages.push(await medianMs(reps, () => local.send(new GetTraceSummariesCommand({ ...month, FilterExpression: f }))));
          const graph6hMs = await medianMs(reps, () => local.send(new GetServiceGraphCommand(sixHours)));
          const ids = (await local.send(new GetTraceSummariesCommand(month))).TraceSummaries!.slice(0, 5).map((s) => s.Id!);
          const batchGetMs = await medianMs(reps, () => local.send(new BatchGetTracesCommand({ TraceIds: ids })));
          log(`listing to the end at ${size}`);
          // Matches every trace: capped at 100k traces (1,000 pages); the 5 % filter is followed to its end over the whole store.
          const all = await listToEnd(local, { ...month, FilterExpression: FILTERS[0] }, cloud.pid, 1_000);
          const slow = await listToEnd(local, { ...month, FilterExpression: 'responsetime > 0.5' }, cloud.pid);
          if (k > 0) {
            log(`ingest ${extra} more traces through the SDK at ${size}`);
            ingest = await ingestOneInFlight(local, [...labTraces(extra, nowS - DAY_S, nowS - 60, 9000 + k)], cloud.pid);
            have += extra;
          }
          const h = await health(cloud.endpoint);
          const row: SizeRow = { size, reopenMs: reopen.ms, startMs, rssMb: rssMb(cloud.pid), diskBytes: h.xray?.diskBytes ?? 0, firstPages, graph6hMs, batchGetMs, all, slow, ingest };
          rows.push(row);
          log(`@${size}: reopen ${round(row.reopenMs, 0)} ms, start ${round(startMs, 0)} ms, RSS ${row.rssMb} MB, list-all CPU ${row.all.serverCpuMs} ms, slowest page ${round(all.maxPageMs, 1)} ms`);
          local.destroy();
          await cloud.close();
          cloud = undefined;
        } catch (e) {
          notes.push(`Stopped at ${size} traces: ${(e as Error).message.slice(0, 300)}`);
          log(`failed at ${size}: ${(e as Error).message}`);
          break;
        }
      }
    } finally {
      await cloud?.close();
      motoClient?.destroy();
      await moto?.stop();
      box.dispose();
    }
    if (rows.length === 0) return { tables: [], targets: [], notes };
    return report(rows, motoIngest, motoListing, localUnfiltered, notes);
  },
};

const growth = (rows: SizeRow[], f: (r: SizeRow) => number | null): string => {
  const v = rows.map(f);
  return v.slice(1).map((x, i) => (x !== null && v[i] ? `×${round(x / v[i]!, 1)}` : '—')).join(' ') || '—';
};

function report(rows: SizeRow[], motoIngest: IngestRun, moto: Listing | undefined, localUnfiltered: Listing | undefined, notes: string[]): BenchBody {
  const cols = ['figure', ...rows.map((r) => `@${r.size}`), 'growth per step (size ×10)'];
  const line = (name: string, f: (r: SizeRow) => number | null, digits = 1): Cell[] => [name, ...rows.map((r) => { const x = f(r); return x === null ? null : round(x, digits); }), growth(rows, f)];
  const perTrace = (r: SizeRow) => r.diskBytes / r.size;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const ingestRate = rate(first.ingest);
  const motoRate = rate(motoIngest);
  const serverUsPerDoc = (r: SizeRow) => (r.ingest.serverCpuMs === null || !r.ingest.docs ? null : (r.ingest.serverCpuMs * 1000) / r.ingest.docs);
  const big = rows.find((r) => r.size >= 1_000_000);
  const at100k = rows.find((r) => r.size === 100_000);
  const at10k = rows.find((r) => r.size === 10_000);
  return {
    tables: [{
      title: 'Per store size (lab traces, 5 documents each, spread over 30 days); times in ms unless named',
      columns: cols,
      rows: [
        line('reopen: store open (records decoded)', (r) => r.reopenMs),
        line('reopen: `local start` until it answers', (r) => r.startMs),
        line('RSS of the cloud (MB)', (r) => r.rssMb, 0),
        line('disk: database bytes per trace', perTrace, 0),
        ...FILTERS.map((f, i) => line(`first page: ${f}`, (r) => r.firstPages[i])),
        line('GetServiceGraph, last 6 hours', (r) => r.graph6hMs),
        line('BatchGetTraces, 5 ids', (r) => r.batchGetMs),
        line('list all (≤ 1,000 pages): traces', (r) => r.all.traces, 0),
        line('list all: wall ms', (r) => r.all.ms, 0),
        line('list all: server CPU ms', (r) => r.all.serverCpuMs, 0),
        line('list all: slowest page', (r) => r.all.maxPageMs),
        line('list all: deepest page', (r) => r.all.lastPageMs),
        line('list responsetime > 0.5 to the end: traces', (r) => r.slow.traces, 0),
        line('list responsetime > 0.5: wall ms', (r) => r.slow.ms, 0),
        line('list responsetime > 0.5: slowest page', (r) => r.slow.maxPageMs),
        line('ingest, one SDK client, batch 50, 1 in flight: docs/s', (r) => rate(r.ingest), 0),
        line('ingest: server CPU µs per document', serverUsPerDoc),
      ],
    }, {
      title: `Same run, first size (${first.size} traces): local cloud vs moto`,
      columns: ['figure', 'local', 'moto', 'ratio'],
      rows: [
        ['ingest docs/s (one client, batch 50, 1 in flight)', round(ingestRate, 0), motoIngest.docs ? round(motoRate, 0) : null, motoRate ? round(ingestRate / motoRate, 1) : null],
        ['unfiltered listing to the end: wall ms', localUnfiltered ? round(localUnfiltered.ms, 0) : null, moto ? round(moto.ms, 0) : null, moto && localUnfiltered ? round(moto.ms / localUnfiltered.ms, 1) : null],
        ['unfiltered listing: pages', localUnfiltered?.pages ?? null, moto?.pages ?? null, null],
      ],
    }],
    targets: [
      target('list 10k matching to the end (server CPU)', '≤ 300 ms', at10k?.all.serverCpuMs ?? null, 'ms', (x) => x <= 300),
      target('list 100k matching to the end (server CPU)', '≤ 3,000 ms', at100k?.all.serverCpuMs ?? null, 'ms', (x) => x <= 3000),
      target('slowest page at any depth', '≤ 10 ms', round(Math.max(...rows.map((r) => Math.max(r.all.maxPageMs, r.slow.maxPageMs))), 1), 'ms', (x) => x <= 10),
      target('reopen 100k', '≤ 1,000 ms', at100k ? round(at100k.reopenMs, 0) : null, 'ms', (x) => x <= 1000),
      target('reopen 1M', '≤ 5,000 ms', big ? round(big.reopenMs, 0) : null, 'ms', (x) => x <= 5000),
      target('RSS @1M', '≤ 600 MB', big?.rssMb ?? null, 'MB', (x) => x <= 600),
      target('slowest first page of the 5 filters @1M', '≤ 300 ms', big ? round(Math.max(...big.firstPages), 1) : null, 'ms', (x) => x <= 300),
      target('GetServiceGraph 6 h @1M', '≤ 1,000 ms', big ? round(big.graph6hMs, 1) : null, 'ms', (x) => x <= 1000),
      target('BatchGetTraces 5 ids @1M', '≤ 20 ms', big ? round(big.batchGetMs, 1) : null, 'ms', (x) => x <= 20),
      target('SDK ingest vs moto', '≥ 4×', motoRate ? round(ingestRate / motoRate, 1) : null, '×', (x) => x >= 4),
      target('SDK ingest', '≥ 20,000 docs/s', round(ingestRate, 0), 'docs/s', (x) => x >= 20_000),
    ],
    notes: [...notes, `Disk: ${round(perTrace(last), 0)} bytes per trace at ${last.size}; a month at 1 request/s (2.6M traces) ≈ ${round((perTrace(last) * 2.592e6) / 1024 ** 3, 1)} GB.`],
  };
}
