/**
 * The OpenTelemetry handler against the X-Ray SDK handler (issue 18), alternated in the same run:
 * zip size; cold start (first Invoke of a new function); CPU of the function's process per warm Invoke
 * (SIMULATED_WORK_MS=0); and the request path (API Gateway → Lambda → DynamoDB, stage tracing on) at
 * 32 connections, closed loop, one local stack per handler.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { buildHandlerZip, type HandlerZip, type Instrumentation } from '../src/lab/packaging.js';
import { autocannon } from './lib/autocannon.js';
import type { Benchmark, BenchBody } from './lib/result.js';
import { target } from './lib/result.js';
import { cpuOfTree } from './lib/proc.js';
import { createLabFunction, createLabRole, createTableWithUsers, type LabStack } from '../test/support/lab-stack.js';
import { BENCH_FUNCTION_ENV, sdkConfig, startBenchStack, startCloudProcess, USERS, type RunningCloud } from './lib/stack.js';
import { alternate, median, round, summarize } from './lib/stats.js';

const KINDS: readonly Instrumentation[] = ['xray-sdk', 'otel'];
const CONNECTIONS = 32;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Cold starts and warm CPU, both functions in one local cloud. */
async function invokes(zips: Record<Instrumentation, HandlerZip>, colds: number, warms: number, log: (l: string) => void) {
  const cloud = await startCloudProcess();
  const client = new LambdaClient(sdkConfig(cloud.endpoint));
  const invoke = async (name: string) => {
    const r = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"path":"/users/user123","httpMethod":"GET"}') }));
    if (r.FunctionError) throw new Error(`${name} failed: ${Buffer.from(r.Payload ?? []).toString()}`);
  };
  try {
    const roleArn = await createLabRole(cloud.endpoint);
    await createTableWithUsers(cloud.endpoint, USERS);
    log(`${colds} cold starts of each handler, alternated`);
    const cold: Record<Instrumentation, number[]> = { 'xray-sdk': [], otel: [] };
    for (let i = 0; i < colds; i++) {
      for (const k of KINDS) await createLabFunction(cloud.endpoint, roleArn, { name: `${k}-${i}`, handler: zips[k], env: BENCH_FUNCTION_ENV });
      const order = i % 2 === 0 ? KINDS : [...KINDS].reverse();
      for (const k of order) cold[k].push(await timed(() => invoke(`${k}-${i}`)));
    }
    log(`${warms} warm invokes of each, in alternated rounds, CPU of the function processes measured`);
    for (const k of KINDS) for (let i = 0; i < 30; i++) await invoke(`${k}-0`);
    const batch = Math.max(5, Math.floor(warms / 4));
    const cpu = async (k: Instrumentation) => {
      const tree = cpuOfTree(cloud.pid);
      for (let i = 0; i < batch; i++) await invoke(`${k}-0`);
      const used = tree.stop();
      return used ? used.children / batch : Number.NaN;
    };
    const r = await alternate(4, () => cpu('xray-sdk'), () => cpu('otel'));
    return { cold, warmCpu: { 'xray-sdk': median(r.a), otel: median(r.b) } };
  } finally {
    client.destroy();
    await cloud.close();
  }
}

async function throughput(stacks: Record<Instrumentation, LabStack<RunningCloud>>, rounds: number, seconds: number, smoke: boolean, log: (l: string) => void) {
  const shot = async (k: Instrumentation, amount?: number) => {
    const r = await autocannon({ url: `${stacks[k].url}/users/user123`, connections: CONNECTIONS, ...(amount ? { amount } : { duration: seconds }) });
    const bad = r.errors + r.timeouts + r.non2xx;
    if (bad > 0) throw new Error(`the ${k} stack answered ${bad} requests with an error or a non-2xx status`);
    return r.requests.total / r.duration;
  };
  log(`warming both stacks (${smoke ? 40 : 4000} requests each at ${CONNECTIONS} connections)`);
  for (const k of KINDS) await shot(k, smoke ? 40 : 4000);
  log(`${rounds} × ${smoke ? 'a few requests' : `${seconds} s`} at ${CONNECTIONS} connections each side, alternated`);
  const r = await alternate(rounds, () => shot('xray-sdk', smoke ? 40 : undefined), () => shot('otel', smoke ? 40 : undefined));
  return { 'xray-sdk': median(r.a), otel: median(r.b) };
}

export const otelBench: Benchmark = {
  name: 'otel',
  title: 'user-service: OpenTelemetry handler vs X-Ray SDK handler',
  async run({ smoke, log }): Promise<BenchBody> {
    const zips = { 'xray-sdk': await buildHandlerZip({ instrumentation: 'xray-sdk' }), otel: await buildHandlerZip({ instrumentation: 'otel' }) };
    const { cold, warmCpu } = await invokes(zips, smoke ? 1 : 7, smoke ? 20 : 400, log);
    log('starting one local stack per handler');
    // As request-path does: above the 32 connections, so the handlers are measured, not the account's
    // default concurrency limit of 20 (which would throttle some requests, by design).
    const cloudEnv = { XRAY_LAB_LAMBDA_CONCURRENCY: '64' };
    const stacks = { 'xray-sdk': await startBenchStack({ handler: zips['xray-sdk'], cloudEnv }), otel: await startBenchStack({ handler: zips.otel, cloudEnv }) };
    let rps: Record<Instrumentation, number>;
    try {
      rps = await throughput(stacks, smoke ? 1 : 4, 5, smoke, log);
    } finally {
      for (const s of Object.values(stacks)) await s.close();
    }
    const c = { 'xray-sdk': summarize(cold['xray-sdk']), otel: summarize(cold.otel) };
    const coldRatio = c.otel.median / c['xray-sdk'].median;
    const cpuRatio = warmCpu.otel / warmCpu['xray-sdk'];
    const rpsRatio = rps.otel / rps['xray-sdk'];
    const row = (k: Instrumentation) => [k, zips[k].size, c[k].n, round(c[k].median, 1), round(c[k].min, 1), round(c[k].max, 1), round(warmCpu[k], 3), round(rps[k], 0)];
    return {
      tables: [{
        title: 'Per handler (zip bytes; cold start ms; CPU ms of the function processes per warm Invoke; req/s at 32 connections through the stack)',
        columns: ['handler', 'zip bytes', 'colds', 'cold median', 'cold min', 'cold max', 'warm CPU ms', 'req/s'],
        rows: KINDS.map(row),
      }],
      targets: [
        target('cold start, OTel / X-Ray SDK (median)', '≤ 1.5×', round(coldRatio, 3), '×', (x) => x <= 1.5),
        target('CPU per warm Invoke, OTel / X-Ray SDK', '≤ 1×', round(cpuRatio, 3), '×', (x) => x <= 1),
        target('request path throughput, OTel / X-Ray SDK (32 connections)', '≥ 0.9×', round(rpsRatio, 3), '×', (x) => x >= 0.9),
      ],
      notes: [
        `Zip: OTel ${zips.otel.size} bytes, X-Ray SDK ${zips['xray-sdk'].size} bytes (${round(zips.otel.size / zips['xray-sdk'].size, 2)}×).`,
        'Warm CPU counts every function process of the local cloud over a batch of sequential Invokes of one function (the other is idle); the cloud process itself is excluded.',
      ],
    };
  },
};
