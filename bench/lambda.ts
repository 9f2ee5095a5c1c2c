/**
 * Lambda targets: cold start (first invoke of a new function: process spawn + module load + handler)
 * and warm invoke overhead (a no-op handler through the Invoke API), both through the SDK against the
 * local cloud in its own process. Baselines in the same run: `node -e 0` for cold, a control-plane
 * round trip (GetFunctionConfiguration) for warm, alternated per iteration.
 */
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createDeterministicZip } from '../src/lab/packaging/zip.js';
import type { Benchmark, BenchBody } from './lib/result.js';
import { target } from './lib/result.js';
import { timedRun } from './lib/proc.js';
import { createLabFunction, createLabRole, createTableWithUsers } from '../test/support/lab-stack.js';
import { BENCH_FUNCTION_ENV, sdkConfig, startCloudProcess, USERS } from './lib/stack.js';
import { round, summarize } from './lib/stats.js';

const NOOP = 'exports.handler = async () => ({ statusCode: 200, body: "ok" });';

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export const lambdaBench: Benchmark = {
  name: 'lambda',
  title: 'Local Lambda: cold start and warm invoke overhead',
  async run({ smoke, log }): Promise<BenchBody> {
    const colds = smoke ? 1 : 5;
    const warms = smoke ? 20 : 300;
    const cloud = await startCloudProcess();
    const client = new LambdaClient(sdkConfig(cloud.endpoint));
    try {
      const roleArn = await createLabRole(cloud.endpoint);
      await createTableWithUsers(cloud.endpoint, USERS);
      const noopZip = await createDeterministicZip([{ name: 'index.js', data: Buffer.from(NOOP) }]);
      const invoke = async (name: string, payload = '{"path":"/users/user123","httpMethod":"GET"}') => {
        const r = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(payload) }));
        if (r.FunctionError) throw new Error(`${name} failed: ${Buffer.from(r.Payload ?? []).toString()}`);
      };

      log(`${colds} cold starts each of a no-op and of user-service, alternated with node -e 0`);
      const cold = { noop: [] as number[], user: [] as number[], node: [] as number[] };
      for (let i = 0; i < colds; i++) {
        // A fresh function each time: nothing warm to reuse.
        await createLabFunction(cloud.endpoint, roleArn, { name: `noop-${i}`, handler: { zip: noopZip, handler: 'index.handler' }, env: BENCH_FUNCTION_ENV });
        await createLabFunction(cloud.endpoint, roleArn, { name: `user-service-${i}`, env: BENCH_FUNCTION_ENV });
        cold.noop.push((await timed(() => invoke(`noop-${i}`))).ms);
        cold.node.push((await timedRun(process.execPath, ['-e', '0'], { PATH: process.env.PATH })).ms);
        cold.user.push((await timed(() => invoke(`user-service-${i}`))).ms);
      }

      log(`${warms} warm invokes of each, alternated with GetFunctionConfiguration`);
      const warm = { noop: [] as number[], user: [] as number[], control: [] as number[] };
      for (let i = 0; i < 20; i++) await invoke('noop-0');
      for (let i = 0; i < warms; i++) {
        warm.noop.push((await timed(() => invoke('noop-0'))).ms);
        warm.control.push((await timed(() => client.send(new GetFunctionConfigurationCommand({ FunctionName: 'noop-0' })))).ms);
        warm.user.push((await timed(() => invoke('user-service-0'))).ms);
      }
      const s = {
        coldNoop: summarize(cold.noop), coldUser: summarize(cold.user), node: summarize(cold.node),
        warmNoop: summarize(warm.noop), warmUser: summarize(warm.user), control: summarize(warm.control),
      };
      const row = (what: string, x: ReturnType<typeof summarize>) => [what, x.n, round(x.median, 1), round(x.p99, 1), round(x.min, 1), round(x.max, 1)];
      return {
        tables: [
          {
            title: 'Cold start: first Invoke of a new function (ms, SDK round trip included)',
            columns: ['what', 'n', 'median', 'p99', 'min', 'max'],
            rows: [row('no-op handler', s.coldNoop), row('user-service (bundled SDKs, DynamoDB GetItem, traced)', s.coldUser), row('baseline: node -e 0', s.node)],
          },
          {
            title: 'Warm: sequential calls through the SDK (ms)',
            columns: ['what', 'n', 'p50', 'p99', 'min', 'max'],
            rows: [row('Invoke no-op', s.warmNoop), row('Invoke user-service (SIMULATED_WORK_MS=0)', s.warmUser), row('baseline: GetFunctionConfiguration', s.control)],
          },
        ],
        targets: [
          target('warm invoke overhead (no-op, p50)', '≤ 5 ms', round(s.warmNoop.median, 2), 'ms', (x) => x <= 5),
          target('cold start (user-service, median)', '≤ 500 ms', round(s.coldUser.median, 1), 'ms', (x) => x <= 500),
        ],
        notes: [
          `Invoke adds ${round(s.warmNoop.median - s.control.median, 2)} ms (p50) over a control-plane round trip through the same SDK client and server.`,
          `A cold start costs ${round(s.coldUser.median / s.node.median, 2)}× a bare \`node -e 0\` spawn measured in the same run.`,
        ],
      };
    } finally {
      client.destroy();
      await cloud.close();
    }
  },
};
