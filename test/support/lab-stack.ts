/**
 * The lab's stack built through the real SDK clients on an in-process local cloud: the guide's table and
 * item, the role, the real `user-service` handler (Active tracing), the API with stage tracing, the
 * API Gateway invoke permission, and step 1's stage sampling rule. Gives the stage URL `load --url` takes.
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CreateSamplingRuleCommand, XRayClient } from '@aws-sdk/client-xray';
import { buildHandlerZip } from '../../src/lab/packaging.js';
import { FUNCTION_NAME, SAMPLE_ITEM, TABLE_NAME } from '../../src/lab/guide.js';
import { FIRST_PRIORITY } from '../../src/lab/sampling-doc.js';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../src/local/server.js';
import { stageRule } from '../../steps/sampling-rules.js';
import { apiClient, createLabApi } from '../local/apigateway-helpers.js';
import { createRole } from '../local/lambda-fixtures.js';
import { clientConfig } from './local-cloud.js';

export interface LabStack {
  cloud: LocalCloud;
  apiId: string;
  /** `http://127.0.0.1:{port}/_aws/execute-api/{apiId}/prod` */
  url: string;
  close(): Promise<void>;
}

export async function startLabStack(opts: { tracing?: boolean; permission?: boolean; rule?: boolean; cloud?: LocalCloudOptions } = {}): Promise<LabStack> {
  const cloud = await startLocalCloud({ port: 0, ...opts.cloud });
  const cfg = clientConfig(cloud);
  const ddb = new DynamoDBClient(cfg);
  const lambda = new LambdaClient(cfg);
  const xray = new XRayClient(cfg);
  const apigw = apiClient(cloud.endpoint);
  try {
    await ddb.send(new CreateTableCommand({
      TableName: TABLE_NAME, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
    }));
    await ddb.send(new PutItemCommand({ TableName: TABLE_NAME, Item: Object.fromEntries(Object.entries(SAMPLE_ITEM).map(([k, v]) => [k, { S: v }])) }));
    const role = await createRole(cloud.endpoint);
    const iam = new IAMClient(cfg);
    for (const arn of ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess']) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'XRayLambdaRole', PolicyArn: arn }));
    }
    iam.destroy();
    const zip = await buildHandlerZip();
    const fn = await lambda.send(new CreateFunctionCommand({
      FunctionName: FUNCTION_NAME, Runtime: 'nodejs22.x', Role: role, Handler: zip.handler, Code: { ZipFile: zip.zip },
      Timeout: 30, TracingConfig: { Mode: 'Active' }, Environment: { Variables: { TABLE_NAME } },
    }));
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: FUNCTION_NAME });
    const { apiId } = await createLabApi(apigw, { tracing: opts.tracing ?? true });
    if (opts.permission ?? true) {
      await lambda.send(new AddPermissionCommand({
        FunctionName: fn.FunctionName, StatementId: 'apigateway-invoke', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
        SourceArn: `arn:aws:execute-api:us-east-1:${cloud.env.accountId}:${apiId}/*/*/*`,
      }));
    }
    if (opts.rule ?? true) await xray.send(new CreateSamplingRuleCommand({ SamplingRule: stageRule(FIRST_PRIORITY) }));
    return { cloud, apiId, url: `${cloud.endpoint}/_aws/execute-api/${apiId}/prod`, close: () => cloud.close() };
  } catch (e) {
    await cloud.close();
    throw e;
  } finally {
    for (const c of [ddb, lambda, xray, apigw]) c.destroy();
  }
}
