/**
 * The lab's request path on a local cloud, built through the real SDK clients (not the lab steps, so the
 * function's code and environment are the caller's to set): the guide's table and items, the role, the
 * traced `user-service` function (Active tracing), the API with stage tracing, API Gateway's invoke
 * permission, and step 1's stage sampling rule. Gives the stage URL `load --url` takes.
 *
 * The one `startLabStack` of tests and benchmarks: tests use the default in-process cloud; benchmarks pass
 * `start` to run the built CLI's `local start` in its own process (bench/lib/stack.ts `startCloudProcess`).
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CreateSamplingRuleCommand, XRayClient } from '@aws-sdk/client-xray';
import { buildHandlerZip } from '../../src/lab/packaging.js';
import { FUNCTION_NAME, ROLE_NAME, SAMPLE_ITEM, STAGE_NAME, TABLE_NAME } from '../../src/lab/guide.js';
import { FIRST_PRIORITY } from '../../src/lab/sampling-doc.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { stageRule } from '../../steps/sampling-rules.js';
import { apiClient, createLabApi } from '../local/apigateway-helpers.js';
import { createRole } from '../local/lambda-fixtures.js';
import { clientConfig } from './local-cloud.js';

/** What the stack needs of a running local cloud, in-process (`LocalCloud`) or in a child process. */
export interface StackCloud {
  endpoint: string;
  close(): Promise<void>;
}

export interface LabStack<C extends StackCloud = LocalCloud> {
  cloud: C;
  apiId: string;
  functionArn: string;
  /** `http://127.0.0.1:{port}/_aws/execute-api/{apiId}/prod` */
  url: string;
  close(): Promise<void>;
}

export interface LabStackOptions<C extends StackCloud> {
  /** Starts the cloud; default: an in-process local cloud on an ephemeral port. */
  start?: () => Promise<C>;
  /** Stage tracing (default on). */
  tracing?: boolean;
  /** API Gateway's permission to invoke the function (default granted). */
  permission?: boolean;
  /** Step 1's stage sampling rule (default created). */
  rule?: boolean;
  /** Replaces the lab's (X-Ray SDK) handler package. */
  handler?: { zip: Buffer; handler: string };
  /** Added to the function's environment (TABLE_NAME is always set). */
  env?: Record<string, string>;
  /** The user ids the table holds, each with the guide's sample item (default: the guide's one). */
  users?: string[];
}

/** The guide's table, one copy of its sample item per user id; waits for ACTIVE as a DynamoDB client must. */
export async function createTableWithUsers(endpoint: string, users: string[] = [SAMPLE_ITEM.userId]): Promise<void> {
  const ddb = new DynamoDBClient(clientConfig({ endpoint }));
  try {
    await ddb.send(new CreateTableCommand({
      TableName: TABLE_NAME, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
    }));
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: TABLE_NAME });
    for (const userId of users) {
      await ddb.send(new PutItemCommand({ TableName: TABLE_NAME, Item: Object.fromEntries(Object.entries({ ...SAMPLE_ITEM, userId }).map(([k, v]) => [k, { S: v }])) }));
    }
  } finally {
    ddb.destroy();
  }
}

/** The lab's role with the two managed policies the guide attaches; returns its ARN. */
export async function createLabRole(endpoint: string): Promise<string> {
  const arn = await createRole(endpoint, ROLE_NAME);
  const iam = new IAMClient(clientConfig({ endpoint }));
  try {
    for (const policy of ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess']) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: policy }));
    }
  } finally {
    iam.destroy();
  }
  return arn;
}

/** A traced function (default: the lab's `user-service` with its real handler), waited to Active; returns its ARN. */
export async function createLabFunction(
  endpoint: string, roleArn: string, opts: { name?: string; handler?: { zip: Buffer; handler: string }; env?: Record<string, string> } = {},
): Promise<string> {
  const lambda = new LambdaClient(clientConfig({ endpoint }));
  const name = opts.name ?? FUNCTION_NAME;
  try {
    const pkg = opts.handler ?? await buildHandlerZip();
    const fn = await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs22.x', Role: roleArn, Handler: pkg.handler, Code: { ZipFile: pkg.zip },
      Timeout: 30, MemorySize: 256, TracingConfig: { Mode: 'Active' }, Environment: { Variables: { TABLE_NAME, ...opts.env } },
    }));
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: name });
    return fn.FunctionArn!;
  } finally {
    lambda.destroy();
  }
}

export async function startLabStack<C extends StackCloud = LocalCloud>(opts: LabStackOptions<C> = {}): Promise<LabStack<C>> {
  const cloud = await (opts.start ?? (() => startLocalCloud({ port: 0 }) as unknown as Promise<C>))();
  const { endpoint } = cloud;
  const lambda = new LambdaClient(clientConfig(cloud));
  const xray = new XRayClient(clientConfig(cloud));
  const apigw = apiClient(endpoint);
  try {
    await createTableWithUsers(endpoint, opts.users);
    const roleArn = await createLabRole(endpoint);
    const functionArn = await createLabFunction(endpoint, roleArn, { handler: opts.handler, env: opts.env });
    const { apiId } = await createLabApi(apigw, { tracing: opts.tracing ?? true });
    if (opts.permission ?? true) {
      // As step 4 does: without it API Gateway answers 500 (the function's policy must allow this API).
      const account = functionArn.split(':')[4];
      await lambda.send(new AddPermissionCommand({
        FunctionName: FUNCTION_NAME, StatementId: 'apigateway-invoke', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
        SourceArn: `arn:aws:execute-api:us-east-1:${account}:${apiId}/*/*/*`,
      }));
    }
    if (opts.rule ?? true) await xray.send(new CreateSamplingRuleCommand({ SamplingRule: stageRule(FIRST_PRIORITY) }));
    return { cloud, apiId, functionArn, url: `${endpoint}/_aws/execute-api/${apiId}/${STAGE_NAME}`, close: () => cloud.close() };
  } catch (e) {
    await cloud.close();
    throw e;
  } finally {
    for (const c of [lambda, xray, apigw]) c.destroy();
  }
}
