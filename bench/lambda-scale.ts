/**
 * (issue 15) The local Lambda's scale-out, on the lab's stack with the local cloud in its own process:
 * 1. the lab's load: `xray-lab load`'s engine, 200 requests over 8 connections, the default handler
 *    (SIMULATED_WORK_MS=100): p50 against the work itself (target ≤ 130 ms = work + 30 ms);
 * 2. memory: RSS of each idle execution environment after that load, and the total it implies at the
 *    default account concurrency limit (target < 2 GB);
 * 3. burst recovery: autocannon with 2,000 connections for 6 s on the invoke URL, then one request,
 *    timed from the end of the burst (target ≤ 1 s); throttled answers during the burst counted.
 */
import { readFileSync } from 'node:fs';
import { runLoad } from '../src/lab/load/run-load.js';
import { DEFAULT_CONCURRENCY_LIMIT } from '../src/local/lambda/concurrency.js';
import { autocannon } from './lib/autocannon.js';
import { childPids, rssMb } from './lib/proc.js';
import type { Benchmark, BenchBody, Cell } from './lib/result.js';
import { target } from './lib/result.js';
import { median, round } from './lib/stats.js';
import { startBenchStack, USERS } from './lib/stack.js';

const WORK_MS = 100;
const P50_TARGET_MS = WORK_MS + 30;
const MEMORY_TARGET_MB = 2048;
const RECOVERY_TARGET_MS = 1000;

/** Function processes are the cloud's children running the runtime client. */
function environmentPids(cloudPid: number): number[] {
  return childPids(cloudPid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bootstrap.mjs');
    } catch {
      return false;
    }
  });
}

export const lambdaScale: Benchmark = {
  name: 'lambda-scale',
  title: 'Local Lambda scale-out: lab load at 8 connections, idle memory, burst recovery',
  async run({ smoke, log }): Promise<BenchBody> {
    const requests = smoke ? 24 : 200;
    const burst = smoke ? { connections: 200, duration: 1 } : { connections: 2000, duration: 6 };
    log('starting the local cloud (own process) and the lab stack with the default 100 ms handler');
    const stack = await startBenchStack({ functionEnv: { SIMULATED_WORK_MS: String(WORK_MS) } });
    const { cloud, url: baseUrl } = stack;
    const notes: string[] = [];
    try {

      // 1. The lab's load, from cold: the first requests pay the cold starts, as a learner's do.
      log(`load: ${requests} requests over 8 connections`);
      const cold = await runLoad({ baseUrl, users: USERS, mode: { kind: 'concurrency', connections: 8 }, requests, timeoutMs: 30_000 });
      const warm = await runLoad({ baseUrl, users: USERS, mode: { kind: 'concurrency', connections: 8 }, requests, timeoutMs: 30_000 });
      const envs = environmentPids(cloud.pid);
      const loadRow = (label: string, r: typeof cold): Cell[] => [label, r.sent, round(r.rps, 1), round(r.latencyMs.p50, 1), round(r.latencyMs.p90, 1), round(r.latencyMs.p99, 1), r.errors];

      // 2. Memory of the environments the load left idle.
      const rss = envs.map((pid) => rssMb(pid)).filter((x): x is number => x !== null);
      const perEnv = rss.length ? median(rss) : null;
      const atLimit = perEnv === null ? null : round(perEnv * DEFAULT_CONCURRENCY_LIMIT, 0);
      log(`${envs.length} idle environments, median RSS ${perEnv} MB`);

      // 3. Burst, then one request timed from the burst's end.
      log(`burst: ${burst.connections} connections for ${burst.duration} s on the invoke URL`);
      const b = await autocannon({ url: `${baseUrl}/users/user123`, connections: burst.connections, duration: burst.duration });
      const t0 = performance.now();
      const next = await fetch(`${baseUrl}/users/user123`);
      await next.text();
      const recoveryMs = performance.now() - t0;
      const peakEnvs = environmentPids(cloud.pid).length;
      notes.push(`After the burst the next request answered HTTP ${next.status} in ${round(recoveryMs, 1)} ms; ${peakEnvs} environments existed right after it (default limit ${DEFAULT_CONCURRENCY_LIMIT}).`);
      notes.push('The machine was shared with other engineers\' jobs (2 cores, several test suites at once): absolute figures are pessimistic, ratios and pass/fail against the targets are what to read.');

      return {
        tables: [
          {
            title: `xray-lab load's engine, ${requests} requests over 8 connections, handler work ${WORK_MS} ms (first run from cold, second warm)`,
            columns: ['run', 'sent', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors'],
            rows: [loadRow('cold start', cold), loadRow('warm', warm)],
          },
          {
            title: 'Idle execution environments after the load',
            columns: ['environments', 'median RSS MB', 'min MB', 'max MB', `× default limit ${DEFAULT_CONCURRENCY_LIMIT} (MB)`],
            rows: [[envs.length, perEnv === null ? null : round(perEnv, 1), rss.length ? round(Math.min(...rss), 1) : null, rss.length ? round(Math.max(...rss), 1) : null, atLimit]],
          },
          {
            title: `Burst: autocannon ${burst.connections} connections × ${burst.duration} s on the invoke URL, then one request`,
            columns: ['requests', '2xx', 'non-2xx (throttled → 500)', 'errors+timeouts', 'next request ms', 'next status'],
            rows: [[b.requests.total, b['2xx'], b.non2xx, b.errors + b.timeouts, round(recoveryMs, 1), next.status]],
          },
        ],
        targets: [
          target('load p50 at 8 connections (100 ms handler), cold run', `≤ ${P50_TARGET_MS} ms`, round(cold.latencyMs.p50, 1), 'ms', (x) => x <= P50_TARGET_MS),
          target('load p50 at 8 connections (100 ms handler), warm run', `≤ ${P50_TARGET_MS} ms`, round(warm.latencyMs.p50, 1), 'ms', (x) => x <= P50_TARGET_MS),
          target(`memory at the default limit (${DEFAULT_CONCURRENCY_LIMIT} × idle environment)`, `< ${MEMORY_TARGET_MB} MB`, atLimit, 'MB', (x) => x < MEMORY_TARGET_MB),
          target(`next request after ${burst.connections} connections × ${burst.duration} s`, `≤ ${RECOVERY_TARGET_MS} ms`, next.status === 200 ? round(recoveryMs, 1) : null, 'ms', (x) => x <= RECOVERY_TARGET_MS),
        ],
        notes,
      };
    } finally {
      await stack.close();
    }
  },
};
