import { describe, expect } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/lab/clients.js';
import type { Clock, LabContext } from '../../src/lab/context.js';
import { UserError } from '../../src/lab/errors.js';
import { RecordingIO } from '../../src/lab/io.js';
import { runSteps } from '../../src/lab/runner.js';
import { StateStore } from '../../src/lab/state.js';
import { steps } from '../../steps/index.js';
import { tracesStep } from '../../steps/traces.js';
import { API_STEP_ID } from '../../steps/user-api.js';
import { awsCliV2 } from '../support/awscli.js';
import { runChild } from '../support/child.js';
import { LAB_MIX, putLabTraces } from '../unit/traces/lab-traces.js';
import { fileLabTest as it } from '../support/fixtures.js';
import type { LabFixture } from '../support/lab-context.js';

/** Real time, but waiting costs nothing: sleeping moves this clock forward instead. */
function fastClock(): Clock {
  let skew = 0;
  return {
    now: () => Date.now() + skew,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      skew += ms;
    },
  };
}

interface Query {
  name: string;
  awsCli: string;
  result: { TraceSummaries?: unknown[]; Services?: unknown[]; Traces?: unknown[] };
}

/** Runs a printed command through the real AWS CLI v2 and a real shell, so its quoting is tested too. */
function shell(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runChild('/bin/sh', ['-c', command.replace(/^aws /, `${awsCliV2} `)], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
  });
}

describe('lab step 6 (trace analysis) against the local cloud', () => {
  let state: StateStore;
  let io: RecordingIO;
  let lab: LabFixture;

  it.beforeEach(({ lab: shared }) => {
    lab = shared;
    ({ state } = lab);
  });

  function context(): LabContext {
    io = new RecordingIO();
    return lab.context({ io, clock: fastClock() });
  }

  it('needs the earlier steps first', async () => {
    const err = await runSteps(context(), steps, [tracesStep]).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^Step 6 \(Analyse traces\) needs step 4/);
  });

  it('waits for traces, then says there are none yet without failing', async () => {
    // Traces come from the API of step 4; its resources don't matter to the queries, only that it ran.
    await state.markStepDone(API_STEP_ID, 'test-run');

    const [run] = await runSteps(context(), steps, [tracesStep]);

    expect(run.outcome.summary).toMatch(/^No traces in the last 10 minutes yet/);
    expect(io.events.some((e) => e.kind === 'info' && /^Waiting for traces to appear in X-Ray/.test(e.text))).toBe(true);
    const names = (run.outcome.details!.queries as Query[]).map((q) => q.name);
    expect(names).toEqual(['recent-summaries', 'errors', 'service', 'service-graph']);
  });

  it('runs the guide\'s queries on lab traces and prints the AWS CLI command of each', async ({ cloud }) => {
    await putLabTraces(cloud, LAB_MIX);

    const [run] = await runSteps(context(), steps, [tracesStep]);

    const queries = run.outcome.details!.queries as Query[];
    const byName = Object.fromEntries(queries.map((q) => [q.name, q]));
    expect(queries.map((q) => q.name)).toEqual(['recent-summaries', 'full-trace', 'errors', 'service', 'service-graph']);
    expect(byName['recent-summaries'].result.TraceSummaries).toHaveLength(12);
    expect(byName.errors.result.TraceSummaries).toHaveLength(2);
    expect(byName.service.result.TraceSummaries).toHaveLength(12);
    expect(byName['full-trace'].result.Traces).toHaveLength(1);
    expect(byName['service-graph'].result.Services).toHaveLength(5);
    expect(byName.errors.awsCli).toMatch(/^aws xray get-trace-summaries --start-time \d+ --end-time \d+ --time-range-type TraceId --filter-expression 'error = true' --region us-east-1 --endpoint-url http:\/\/127\.0\.0\.1:\d+$/);
    expect(byName.service.awsCli).toContain(`--filter-expression 'service("user-service")'`);
    expect(byName['full-trace'].awsCli).toMatch(/^aws xray batch-get-traces --trace-ids 1-[0-9a-f]{8}-[0-9a-f]{24} /);
    expect(run.outcome.summary).toBe('12 traces in the last 10 minutes, 2 with errors, 12 through user-service; 5 nodes in the service graph.');
    expect(run.outcome.notes!.filter((n) => n.includes('\n    $ aws xray '))).toHaveLength(5);
  });

  it.skipIf(!awsCliV2)('prints commands the real AWS CLI v2 runs with the same answer', async () => {
    const [run] = await runSteps(context(), steps, [tracesStep]);
    const service = (run.outcome.details!.queries as Query[]).find((q) => q.name === 'service')!;

    const r = await shell(`${service.awsCli} --query 'length(TraceSummaries)' --output text`);

    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBe(service.result.TraceSummaries!.length);
  });
});
