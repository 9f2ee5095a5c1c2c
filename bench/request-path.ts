/**
 * (3) Request path efficiency: autocannon against the local stack (API Gateway → warm Lambda →
 * DynamoDB, stage tracing on, SIMULATED_WORK_MS=0; local cloud in its own process) and against a
 * baseline (bare Node server calling the same bundled handler in-process with an in-memory DynamoDB
 * stand-in), at 1, 8, 32 and 128 connections, alternated per level.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHandler, defaultHandlerDir } from '../src/lab/packaging/bundle.js';
import { autocannon, type CannonResult } from './lib/autocannon.js';
import type { Benchmark, BenchBody, Cell } from './lib/result.js';
import { REPO_ROOT, target } from './lib/result.js';
import { cpuOfTree } from './lib/proc.js';
import { startChildServer } from './lib/server.js';
import { startLabStack } from './lib/stack.js';
import { alternate, median, round } from './lib/stats.js';

interface Shot {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  /** CPU ms per request of the server process, its children (Lambda functions) and the generator (this process). */
  cpu?: { server: number; children: number; generator: number };
}

async function shot(url: string, connections: number, seconds: number | undefined, amount?: number, serverPid?: number): Promise<Shot> {
  const tree = serverPid ? cpuOfTree(serverPid) : undefined;
  const gen0 = process.cpuUsage();
  const r: CannonResult = await autocannon({ url, connections, ...(amount ? { amount } : { duration: seconds }) });
  const gen = process.cpuUsage(gen0);
  const used = tree?.stop();
  const n = Math.max(1, r.requests.total);
  const cpu = used ? { server: used.self / n, children: used.children / n, generator: (gen.user + gen.system) / 1000 / n } : undefined;
  return { rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99, bad: r.errors + r.timeouts + r.non2xx, cpu };
}

function med(shots: Shot[]): Shot {
  const cpus = shots.flatMap((s) => (s.cpu ? [s.cpu] : []));
  const cpu = cpus.length ? { server: median(cpus.map((c) => c.server)), children: median(cpus.map((c) => c.children)), generator: median(cpus.map((c) => c.generator)) } : undefined;
  return { rps: median(shots.map((s) => s.rps)), p50: median(shots.map((s) => s.p50)), p99: median(shots.map((s) => s.p99)), bad: shots.reduce((n, s) => n + s.bad, 0), cpu };
}

export const requestPath: Benchmark = {
  name: 'request-path',
  title: 'Request path: local stack vs bare in-process baseline',
  async run({ smoke, log }): Promise<BenchBody> {
    const levels = smoke ? [1, 8] : [1, 8, 32, 128];
    const seconds = 5;
    const rounds = smoke ? 1 : 2;
    const dir = mkdtempSync(join(tmpdir(), 'xray-lab-bench-handler-'));
    const bundle = join(dir, 'index.js');
    writeFileSync(bundle, await bundleHandler(defaultHandlerDir(), 'node20'));
    log('starting the local stack and the baseline');
    const stack = await startLabStack();
    const baseline = await startChildServer(join(REPO_ROOT, 'bench', 'fixtures', 'baseline-server.mjs'), {}, [bundle]);
    const stackUrl = `${stack.baseUrl}/users/user123`;
    const baseUrl = `${baseline.url}/users/user123`;
    const rows: Cell[][] = [];
    const cpuRows: Cell[][] = [];
    const at: Record<number, { a: Shot; b: Shot }> = {};
    try {
      // Warm both sides: Lambda processes up to the pool size, SDK connections, JIT.
      // A side that answers errors would be measured at the speed of its errors: refuse to go on.
      for (const [side, url] of [['local stack', stackUrl], ['baseline', baseUrl]] as const) {
        const warm = await shot(url, 8, undefined, smoke ? 40 : 400);
        if (warm.bad > 0) throw new Error(`The ${side} answered ${warm.bad} of its warm-up requests with an error or a non-2xx status; fix it before measuring it (${url}).`);
      }
      for (const c of levels) {
        log(`${c} connection(s): ${rounds} × ${smoke ? 'a few requests' : `${seconds} s`} each side, alternated`);
        const amount = smoke ? 30 : undefined;
        const r = await alternate(rounds, () => shot(stackUrl, c, seconds, amount, stack.cloud.pid), () => shot(baseUrl, c, seconds, amount, baseline.child.pid));
        const a = med(r.a);
        const b = med(r.b);
        at[c] = { a, b };
        const ms = (x: number | undefined) => (x === undefined ? null : round(x, 3));
        cpuRows.push([c, ms(a.cpu?.server), ms(a.cpu?.children), ms(a.cpu?.generator),
          a.cpu ? round(a.cpu.server + a.cpu.children + a.cpu.generator, 3) : null, ms(b.cpu?.server), ms(b.cpu?.generator)]);
        rows.push([c, round(a.rps, 0), round(a.p50, 1), round(a.p99, 1), a.bad, round(b.rps, 0), round(b.p50, 1), round(b.p99, 1), b.bad, round(a.rps / b.rps, 3)]);
      }
    } finally {
      await baseline.stop();
      await stack.cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const c32 = at[32];
    return {
      tables: [{
        title: `GET /users/user123, autocannon, medians of ${rounds} alternated run(s) per level`,
        columns: ['connections', 'stack req/s', 'stack p50 ms', 'stack p99 ms', 'stack non-2xx/err', 'baseline req/s', 'baseline p50 ms', 'baseline p99 ms', 'baseline non-2xx/err', 'stack/baseline'],
        rows,
      }, {
        title: 'CPU per request (ms, medians): where two cores go',
        columns: ['connections', 'local cloud', 'Lambda function processes', 'generator (autocannon)', 'stack total', 'baseline server', 'baseline generator'],
        rows: cpuRows,
      }],
      targets: [
        target('throughput at 32 connections', '≥ 500 req/s', c32 ? round(c32.a.rps, 0) : null, 'req/s', (x) => x >= 500),
        target('p99 at 32 connections', '≤ 50 ms', c32 ? round(c32.a.p99, 1) : null, 'ms', (x) => x <= 50),
        target('throughput vs baseline at 32 connections', '≥ 35 %', c32 ? round((c32.a.rps / c32.b.rps) * 100, 1) : null, '%', (x) => x >= 35),
      ],
      notes: [
        'Load generator, local cloud, Lambda processes and baseline all share the same machine; both sides pay the same generator cost.',
        'The baseline is untraced (no trace context, so the X-Ray SDK records nothing); the stack is traced per the stage sampler.',
      ],
    };
  },
};
