/**
 * The request-path benchmark's second stack: the same lab stack with the local cloud's opt-in
 * environment queue (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS), measured like the default one at 32
 * connections and at the fixed 250 req/s, so the two can be compared on CPU per request.
 *
 * Why a cap can help a small machine: with AWS's model 32 closed-loop connections keep 32 function
 * processes, each JIT-warmed by a 32nd of the traffic; a few processes each see far more of it.
 * The default is 4 (BENCH_MAX_ENVIRONMENTS overrides it): of 2, 4 and 8 tried on 2 cores, 2 and 4 cost
 * the same CPU per request (~2.5 ms) and 8 more (~3.3 ms); 4 keeps two processes per core, so one
 * waiting on DynamoDB leaves its core to the other (BENCHMARKS.md).
 */
import type { LoadReport } from '../../src/lab/load/types.js';
import { checkTraces, type Completeness } from '../../test/support/trace-completeness.js';
import { atRate, FIXED_RPS, med, shot, type Environments, type Shot } from './request-shots.js';
import { startBenchStack } from './stack.js';

const DEFAULT_BENCH_MAX_ENVIRONMENTS = 4;

export interface QueuedRun {
  maxEnvironments: number;
  closed: Shot;
  rate: LoadReport[];
  rateEnvs: (Environments | undefined)[];
  traces: Completeness;
}

export function benchMaxEnvironments(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BENCH_MAX_ENVIRONMENTS;
  if (raw === undefined || raw === '') return DEFAULT_BENCH_MAX_ENVIRONMENTS;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error(`BENCH_MAX_ENVIRONMENTS must be a whole number ≥ 1, got ${JSON.stringify(raw)}.`);
  return Number(raw);
}

/**
 * Warms the queued stack as the default one is warmed, then `rounds` closed-loop shots at
 * `connections` and a fixed-rate warm-up plus `rounds` runs at FIXED_RPS, and checks the sampled traces.
 */
export async function runQueuedStack(o: {
  maxEnvironments: number; smoke: boolean; connections: number; seconds: number; rounds: number; rateSeconds: number; log: (l: string) => void;
}): Promise<QueuedRun> {
  const setting = `XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS=${o.maxEnvironments}`;
  o.log(`the local stack again with ${setting} (opt-in environment queue)`);
  const stack = await startBenchStack({ cloudEnv: { XRAY_LAB_LAMBDA_CONCURRENCY: '64', XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS: String(o.maxEnvironments) } });
  const url = `${stack.url}/users/user123`;
  try {
    const warm = await shot(url, 8, undefined, o.smoke ? 40 : 400);
    if (warm.bad > 0) throw new Error(`The local stack with ${setting} answered ${warm.bad} of its warm-up requests with an error or a non-2xx status (${url}).`);
    if (!o.smoke) o.log(`${setting}: warmed with 12,000 requests at ${o.connections} connections: ${Math.round((await shot(url, o.connections, undefined, 12_000)).rps)} req/s`);
    o.log(`${setting}: ${o.connections} connections, ${o.rounds} × ${o.smoke ? 'a few requests' : `${o.seconds} s`}`);
    const shots: Shot[] = [];
    for (let i = 0; i < o.rounds; i++) {
      shots.push(await shot(url, o.connections, o.seconds, o.smoke ? 30 : undefined, stack.cloud.pid, stack.cloud.pid));
    }
    o.log(`${setting}: ${FIXED_RPS} req/s, ${o.rateSeconds} s warm-up then ${o.rounds} × ${o.rateSeconds} s`);
    await atRate(stack.url, o.rateSeconds, FIXED_RPS, stack.cloud.pid);
    const runs = [];
    for (let i = 0; i < o.rounds; i++) runs.push(await atRate(stack.url, o.rateSeconds, FIXED_RPS, stack.cloud.pid));
    const traces = await checkTraces(stack.cloud.endpoint, runs.flatMap((r) => r.sampledIds));
    return { maxEnvironments: o.maxEnvironments, closed: med(shots), rate: runs.map((r) => r.report), rateEnvs: runs.map((r) => r.envs), traces };
  } finally {
    await stack.close();
  }
}
