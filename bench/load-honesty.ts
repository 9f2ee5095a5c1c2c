/**
 * (5) Load generator honesty: `runLoad` (the engine of `xray-lab load`) against a fixed-latency server
 * in another process. Rate mode must hold the asked rate within 5 % and report the server's latency;
 * with a stalling server it must show the stall (no coordinated omission). Its maximum rate is
 * compared with autocannon against the same server, alternated.
 */
import { join } from 'node:path';
import { runLoad } from '../src/lab/load/run-load.js';
import type { LoadReport, RequestSample } from '../src/lab/load/types.js';
import { autocannon } from './lib/autocannon.js';
import type { Benchmark, BenchBody, Cell } from './lib/result.js';
import { REPO_ROOT, target } from './lib/result.js';
import { startChildServer, type ChildServer } from './lib/server.js';
import { alternate, median, percentile, round } from './lib/stats.js';

const SERVER = join(REPO_ROOT, 'bench', 'fixtures', 'delay-server.mjs');
const DELAY_MS = 20;

interface RateRun {
  report: LoadReport;
  /** Requests launched per second over the launch window (what "holds the rate" means). */
  launchRps: number;
  /** How late requests were launched relative to their schedule (ms). */
  lateP99: number;
}

async function rateRun(baseUrl: string, rps: number, durationMs: number): Promise<RateRun> {
  const started: number[] = [];
  const late: number[] = [];
  const report = await runLoad({
    baseUrl,
    mode: { kind: 'rate', rps },
    duration: durationMs,
    timeoutMs: 10_000,
    onSample: (s: RequestSample) => {
      started.push(s.startedMs);
      late.push(s.startedMs - s.scheduledMs);
    },
  });
  // n launches span n−1 intervals: the launch rate is measured on actual start times, not the schedule.
  const span = started.length > 1 ? Math.max(...started) - Math.min(...started) : 0;
  const launchRps = span > 0 ? ((started.length - 1) * 1000) / span : 0;
  return { report, launchRps, lateP99: percentile(late, 99) };
}

export const loadHonesty: Benchmark = {
  name: 'load-honesty',
  title: 'Load generator honesty (runLoad vs autocannon, fixed-latency server)',
  async run({ smoke, log }): Promise<BenchBody> {
    const rates = smoke ? [50] : [100, 250, 500, 1000, 2000, 4000];
    const durationMs = smoke ? 500 : 4_000;
    const tables = [];
    const notes: string[] = [];
    let server: ChildServer | undefined = await startChildServer(SERVER, { DELAY_MS: String(DELAY_MS) });
    const rows: Cell[][] = [];
    let maxHeld = 0;
    let worstP50Excess = 0;
    try {
      await runLoad({ baseUrl: server.url, mode: { kind: 'concurrency', connections: 8 }, requests: 200 });
      for (const rps of rates) {
        log(`rate ${rps}/s for ${durationMs} ms`);
        const r = await rateRun(server.url, rps, durationMs);
        const held = Math.abs(r.launchRps - rps) / rps <= 0.05 && r.report.errors === 0;
        if (held) maxHeld = Math.max(maxHeld, rps);
        if (held) worstP50Excess = Math.max(worstP50Excess, r.report.latencyMs.p50 - DELAY_MS);
        rows.push([rps, round(r.launchRps, 1), round(((r.launchRps - rps) / rps) * 100, 1), r.report.completed, r.report.errors,
          round(r.report.latencyMs.p50, 1), round(r.report.latencyMs.p99, 1), round(r.lateP99, 1), held ? 'yes' : 'no']);
      }
      tables.push({
        title: `Rate mode against a ${DELAY_MS} ms server (latency counted from the scheduled start)`,
        columns: ['asked/s', 'launched/s', 'dev %', 'completed', 'errors', 'p50 ms', 'p99 ms', 'launch late p99 ms', 'within 5 %'],
        rows,
      });

      // Max throughput: closed loop, same connection count, alternated (runLoad first on even rounds).
      const connections = smoke ? 8 : 128;
      const seconds = smoke ? 0.5 : 4;
      log(`max rate: ${connections} connections, ${seconds} s each, alternated with autocannon`);
      const max = await alternate(
        smoke ? 1 : 3,
        async () => (await runLoad({ baseUrl: server!.url, mode: { kind: 'concurrency', connections }, duration: seconds * 1000 })).rps,
        async () => {
          const c = await autocannon({ url: `${server!.url}/users/user123`, connections, duration: seconds });
          // autocannon's own measured duration (s): its timer rounds short runs up.
          return c.requests.total / c.duration;
        },
      );
      const ours = median(max.a);
      const theirs = median(max.b);
      tables.push({
        title: `Maximum rate, closed loop, ${connections} connections to the ${DELAY_MS} ms server (medians of alternated runs)`,
        columns: ['generator', 'req/s', 'runs', 'vs autocannon'],
        rows: [['xray-lab runLoad', round(ours, 0), max.a.length, round(ours / theirs, 2)], ['autocannon', round(theirs, 0), max.b.length, 1]],
      });
      notes.push(`Ceiling with ${connections} connections and ${DELAY_MS} ms per request is ${Math.round((connections * 1000) / DELAY_MS)} req/s; both generators and the server share ${'the machine'}.`);
      await server.stop();

      // Coordinated omission check: the server freezes 200 ms every second; an honest open-loop
      // generator reports those waits (p99 ≈ stall), a closed-loop one only sees a few slow replies.
      server = await startChildServer(SERVER, { DELAY_MS: String(DELAY_MS), STALL_MS: '200', STALL_EVERY_MS: '1000' });
      const stallRate = smoke ? 50 : 200;
      log(`stalling server at ${stallRate}/s`);
      const s = await rateRun(server.url, stallRate, smoke ? 1_200 : 5_000);
      tables.push({
        title: `Server stalls 200 ms every second, rate ${stallRate}/s`,
        columns: ['p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'launched/s'],
        rows: [[round(s.report.latencyMs.p50, 1), round(s.report.latencyMs.p90, 1), round(s.report.latencyMs.p99, 1), round(s.report.latencyMs.max, 1), round(s.launchRps, 1)]],
      });
      notes.push('With the stall, ~20 % of requests are due while the server is frozen, so an honest p90/p99 rises towards 20 + 200 ms; a generator that waits for replies before sending would report ~20 ms for nearly all.');
      return {
        tables,
        notes,
        targets: [
          target('highest rate held within 5 %', `≥ ${rates[rates.length - 1]}/s asked`, maxHeld, 'req/s', (x) => x >= rates[rates.length - 1]),
          target('p50 above the server latency (rates held)', 'small vs 20 ms', round(worstP50Excess, 1), 'ms', (x) => x <= 5),
          target('stall visible in p99', '≥ 150 ms', round(s.report.latencyMs.p99, 1), 'ms', (x) => x >= 150),
          target('max rate vs autocannon', 'reported', round(ours / theirs, 2), '×', () => true),
        ],
      };
    } finally {
      await server?.stop();
    }
  },
};
