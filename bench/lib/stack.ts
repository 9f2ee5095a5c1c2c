/**
 * The lab's request path on the local cloud, built through the SDK (not the lab steps, so the function's
 * environment — SIMULATED_WORK_MS=0 — is ours to set): role, table + items, the traced `user-service`
 * function, and `user-api` GET /users/{userId} → AWS_PROXY, deployed to `prod` with stage tracing.
 */
import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand,
  PutIntegrationCommand, PutMethodCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { buildHandlerZip } from '../../src/lab/packaging.js';
import { FUNCTION_NAME, ROLE_NAME, SAMPLE_ITEM, STAGE_NAME, TABLE_NAME } from '../../src/lab/guide.js';
import { ensureBuilt } from '../../test/support/build.js';
import { cliSandbox, type CliSandbox } from './proc.js';

export const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIAXRAYLABBENCH0000', secretAccessKey: 'bench-not-a-secret' };

export function sdkConfig(endpoint: string) {
  return { endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 };
}

export interface RunningCloud {
  endpoint: string;
  pid: number;
  daemonAddress?: string;
  box: CliSandbox;
  stop(): Promise<void>;
}

/**
 * `xray-lab local start` (built CLI) in a sandbox: the local cloud in its own process, as users run it.
 * Given a sandbox, starts on its data dir and leaves it in place on stop (a restart reopens the same store).
 * `env` reaches `local start` (e.g. XRAY_LAB_LAMBDA_CONCURRENCY).
 */
export async function startCloudProcess(reuse?: CliSandbox, env: NodeJS.ProcessEnv = {}): Promise<RunningCloud> {
  // The cloud runs from dist/: a stale build would benchmark old code.
  ensureBuilt(() => {});
  const box = reuse ?? cliSandbox();
  const dispose = () => reuse || box.dispose();
  const r = await box.run(['local', 'start', '--json'], env);
  if (r.code !== 0) {
    dispose();
    throw new Error(`local start exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  }
  const info = JSON.parse(r.stdout) as { endpoint: string; pid: number; daemonAddress?: string };
  return {
    ...info,
    box,
    async stop() {
      await box.run(['local', 'stop', '--json']);
      dispose();
    },
  };
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export const USERS = ['user123', 'user456', 'user789'];

export async function createTableWithUsers(endpoint: string): Promise<void> {
  const ddb = new DynamoDBClient(sdkConfig(endpoint));
  try {
    await ddb.send(new CreateTableCommand({
      TableName: TABLE_NAME, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
    }));
    // Like DynamoDB, the table is CREATING for a moment: writes before ACTIVE are ResourceNotFound.
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: TABLE_NAME });
    for (const id of USERS) {
      await ddb.send(new PutItemCommand({ TableName: TABLE_NAME, Item: { ...Object.fromEntries(Object.entries(SAMPLE_ITEM).map(([k, v]) => [k, { S: v }])), userId: { S: id } } }));
    }
  } finally {
    ddb.destroy();
  }
}

export async function createRole(endpoint: string): Promise<string> {
  const iam = new IAMClient(sdkConfig(endpoint));
  try {
    return (await iam.send(new CreateRoleCommand({ RoleName: ROLE_NAME, AssumeRolePolicyDocument: TRUST }))).Role!.Arn!;
  } finally {
    iam.destroy();
  }
}

export async function createFunction(endpoint: string, roleArn: string, opts: { name?: string; zip?: Buffer; handler?: string; env?: Record<string, string> } = {}): Promise<string> {
  const lambda = new LambdaClient(sdkConfig(endpoint));
  const name = opts.name ?? FUNCTION_NAME;
  try {
    const pkg = opts.zip ? { zip: opts.zip, handler: opts.handler ?? 'index.handler' } : await buildHandlerZip();
    const fn = await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs20.x', Role: roleArn, Handler: pkg.handler, Code: { ZipFile: pkg.zip },
      Timeout: 30, MemorySize: 256, TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { TABLE_NAME, SIMULATED_WORK_MS: '0', ...opts.env } },
    }));
    for (let i = 0; i < 100; i++) {
      const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      if (c.State === 'Active') return fn.FunctionArn!;
      if (c.State === 'Failed') throw new Error(`function ${name} failed: ${c.StateReason}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`function ${name} did not become Active`);
  } finally {
    lambda.destroy();
  }
}

/** The lab's API; returns the stage's invoke base URL on the local cloud. */
export async function createApi(endpoint: string, functionArn: string, tracing: boolean): Promise<string> {
  const apigw = new APIGatewayClient(sdkConfig(endpoint));
  try {
    const api = await apigw.send(new CreateRestApiCommand({ name: 'user-api' }));
    const root = (await apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items![0]!.id!;
    const users = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: root, pathPart: 'users' }));
    const byId = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: users.id, pathPart: '{userId}' }));
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: byId.id, httpMethod: 'GET', authorizationType: 'NONE' }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: byId.id, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
    }));
    // As step 4 does: without it API Gateway answers 500 (the function's policy must allow this API).
    const lambda = new LambdaClient(sdkConfig(endpoint));
    try {
      const account = functionArn.split(':')[4];
      await lambda.send(new AddPermissionCommand({
        FunctionName: functionArn, StatementId: `apigateway-${api.id}`, Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
        SourceArn: `arn:aws:execute-api:${REGION}:${account}:${api.id}/*/GET/users/*`,
      }));
    } finally {
      lambda.destroy();
    }
    await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: STAGE_NAME }));
    if (tracing) {
      await apigw.send(new UpdateStageCommand({ restApiId: api.id, stageName: STAGE_NAME, patchOperations: [{ op: 'replace', path: '/tracingEnabled', value: 'true' }] }));
    }
    return `${endpoint}/_aws/execute-api/${api.id}/${STAGE_NAME}`;
  } finally {
    apigw.destroy();
  }
}

export interface LabStack {
  cloud: RunningCloud;
  functionArn: string;
  baseUrl: string;
}

/**
 * Local cloud process + the whole request path, with tracing on; `zip` replaces the default (X-Ray SDK)
 * handler; `env` reaches `local start` (e.g. XRAY_LAB_LAMBDA_CONCURRENCY).
 */
export async function startLabStack(opts: { zip?: Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<LabStack> {
  const cloud = await startCloudProcess(undefined, opts.env ?? {});
  try {
    const roleArn = await createRole(cloud.endpoint);
    await createTableWithUsers(cloud.endpoint);
    const functionArn = await createFunction(cloud.endpoint, roleArn, opts.zip ? { zip: opts.zip } : {});
    const baseUrl = await createApi(cloud.endpoint, functionArn, true);
    return { cloud, functionArn, baseUrl };
  } catch (e) {
    await cloud.stop();
    throw e;
  }
}
