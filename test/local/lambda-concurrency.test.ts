/**
 * Reserved concurrency and throttling through the real SDK clients: Lambda's 429 with its Reason, the
 * control-plane rules, and what API Gateway answers and traces when its Lambda integration is throttled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand, DeleteFunctionConcurrencyCommand, GetAccountSettingsCommand, GetFunctionCommand,
  GetFunctionConcurrencyCommand, InvokeCommand, LambdaClient, PutFunctionConcurrencyCommand, TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, serviceErrorOf, withLocalCloud } from '../support/local-cloud.js';
import { httpCall, invokePath, tracedLabApi, type Loose } from './apigateway-helpers.js';
import { createRole, handlerZip } from './lambda-fixtures.js';

const SLOW = `exports.handler = async (event) => {
  console.log('ran ' + (event.path ?? event.i));
  await new Promise((r) => setTimeout(r, 300));
  return { statusCode: 200, body: JSON.stringify({ ok: true }) };
};`;

let cloud: LocalCloud;
let lambda: LambdaClient;
let xray: XRayClient;
let apiId: string;

beforeAll(async () => {
  cloud = await withLocalCloud({ lambda: { concurrencyLimit: 20 } });
  lambda = new LambdaClient(clientConfig(cloud));
  xray = new XRayClient(clientConfig(cloud));
  const role = await createRole(cloud.endpoint);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'slow', Role: role, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: await handlerZip(SLOW) } }));
  apiId = await tracedLabApi(cloud, 'slow');
}, 60_000);

afterAll(() => cloud.close());

describe('reserved concurrency', () => {
  it('round-trips Put/Get/Delete and shows it in GetFunction and the account settings', async () => {
    const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 3 }));
    const got = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'slow' }));
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'slow' }));
    const account = await lambda.send(new GetAccountSettingsCommand({}));
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'slow' }));
    const cleared = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'slow' }));

    expect(put.ReservedConcurrentExecutions).toBe(3);
    expect(got.ReservedConcurrentExecutions).toBe(3);
    expect(fn.Concurrency?.ReservedConcurrentExecutions).toBe(3);
    expect(account.AccountLimit).toMatchObject({ ConcurrentExecutions: 20, UnreservedConcurrentExecutions: 17 });
    expect(cleared.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('refuses a reservation that leaves less than the unreserved minimum, with Lambda message', async () => {
    const err = await serviceErrorOf(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 19 })));

    expect(err).toEqual({
      name: 'InvalidParameterValueException', status: 400,
      message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [2].",
    });
  });

  it('throttles 3 of 5 concurrent invokes at reserved concurrency 2 with 429 and Reason', async () => {
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 2 }));
    try {
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => lambda.send(new InvokeCommand({ FunctionName: 'slow', Payload: Buffer.from(JSON.stringify({ i })) }))));

      const throttled = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as TooManyRequestsException);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      expect(throttled).toHaveLength(3);
      for (const e of throttled) {
        expect(e).toBeInstanceOf(TooManyRequestsException);
        expect(e.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
        expect(e.$metadata.httpStatusCode).toBe(429);
      }
    } finally {
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'slow' }));
    }
  });
});

describe('API Gateway with a throttled Lambda integration', () => {
  it('answers 500 Internal server error and traces the 429 throttle, which the service graph shows', async () => {
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 2 }));
    const startedAt = Date.now() / 1000;
    let answers;
    try {
      answers = await Promise.all(Array.from({ length: 5 }, (_, i) => httpCall(cloud.port, 'GET', invokePath(apiId, `/users/u${i}`))));
    } finally {
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'slow' }));
    }

    const failed = answers.filter((a) => a.status === 500);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    expect(failed).toHaveLength(3);
    for (const a of failed) {
      expect(JSON.parse(a.body)).toEqual({ message: 'Internal server error' });
      expect(a.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    }
    const window = { StartTime: new Date((startedAt - 60) * 1000), EndTime: new Date((startedAt + 60) * 1000) };
    const summaries = await xray.send(new GetTraceSummariesCommand({ ...window, FilterExpression: 'throttle = true' }));
    expect(summaries.TraceSummaries).toHaveLength(3);
    const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: summaries.TraceSummaries!.map((t) => t.Id!) }));
    for (const trace of Traces!) {
      const stage = trace.Segments!.map((s) => JSON.parse(s.Document!) as Loose).find((d) => d.origin === 'AWS::ApiGateway::Stage')!;
      expect(stage).toMatchObject({ fault: true, http: { response: { status: 500 } } });
      expect(stage.subsegments[0]).toMatchObject({ name: 'Lambda', throttle: true, error: true, http: { response: { status: 429 } } });
      // A throttled invocation never reached an execution environment: no Lambda segments.
      expect(trace.Segments!.map((s) => JSON.parse(s.Document!) as Loose).some((d) => d.origin === 'AWS::Lambda' && !d.inferred)).toBe(false);
    }
    const graph = await xray.send(new GetServiceGraphCommand(window));
    const throttles = graph.Services!.flatMap((s) => s.Edges ?? []).reduce((n, e) => n + (e.SummaryStatistics?.ErrorStatistics?.ThrottleCount ?? 0), 0);
    expect(throttles).toBe(3);
  });
});
