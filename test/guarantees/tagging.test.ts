import { APIGatewayClient, CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateSamplingRuleCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';
import { createRole, handlerZip } from '../local/lambda-fixtures.js';

const TAG = 'xray-lab:run';

describe('local Resource Groups Tagging API: GetResources', () => {
  let cloud: LocalCloud;
  let tagging: ResourceGroupsTaggingAPIClient;

  beforeAll(async () => {
    cloud = await withLocalCloud();
    const cfg = clientConfig(cloud);
    const run = (v: string) => ({ [TAG]: v });
    const runList = (v: string) => [{ Key: TAG, Value: v }];
    const ddb = new DynamoDBClient(cfg);
    const apigw = new APIGatewayClient(cfg);
    const logs = new CloudWatchLogsClient(cfg);
    const lambda = new LambdaClient(cfg);
    const xray = new XRayClient(cfg);
    await ddb.send(new CreateTableCommand({
      TableName: 'UserProfiles', BillingMode: 'PAY_PER_REQUEST', Tags: runList('run-a'),
      AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
    }));
    await ddb.send(new CreateTableCommand({
      TableName: 'Untagged', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }));
    await apigw.send(new CreateRestApiCommand({ name: 'user-api', tags: run('run-b') }));
    await apigw.send(new CreateRestApiCommand({ name: 'other-api', tags: { team: 'x' } }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/user-service', tags: run('run-a') }));
    const role = await createRole(cloud.endpoint);
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'user-service', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: await handlerZip() }, Tags: run('run-a'),
    }));
    await xray.send(new CreateSamplingRuleCommand({
      SamplingRule: { RuleName: 'xray-lab-r', ResourceARN: '*', Priority: 5, FixedRate: 0.1, ReservoirSize: 1, ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1 },
      Tags: runList('run-b'),
    }));
    for (const c of [ddb, apigw, logs, lambda, xray]) c.destroy();
    tagging = new ResourceGroupsTaggingAPIClient(cfg);
  });
  afterAll(async () => {
    tagging.destroy();
    await cloud.close();
  });

  it('finds every resource carrying the run tag, across services, with its tags', async () => {
    const out = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: TAG }] }));

    const arns = out.ResourceTagMappingList!.map((m) => m.ResourceARN!);
    expect(arns).toHaveLength(5);
    expect(arns.some((a) => /^arn:aws:dynamodb:us-east-1:\d{12}:table\/UserProfiles$/.test(a))).toBe(true);
    expect(arns.some((a) => /^arn:aws:apigateway:us-east-1::\/restapis\/[a-z0-9]{10}$/.test(a))).toBe(true);
    expect(arns).toContain('arn:aws:lambda:us-east-1:000000000000:function:user-service');
    expect(arns).toContain('arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/user-service');
    expect(arns).toContain('arn:aws:xray:us-east-1:000000000000:sampling-rule/xray-lab-r');
    expect(out.PaginationToken).toBe('');
    expect(out.ResourceTagMappingList!.every((m) => m.Tags!.some((t) => t.Key === TAG))).toBe(true);
  });

  it('filters by tag value and by resource type', async () => {
    const byValue = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: TAG, Values: ['run-b'] }] }));
    const byType = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: TAG }], ResourceTypeFilters: ['lambda:function', 'dynamodb'] }));

    expect(byValue.ResourceTagMappingList!.map((m) => m.ResourceARN!.split(':')[2]).sort()).toEqual(['apigateway', 'xray']);
    expect(byType.ResourceTagMappingList!.map((m) => m.ResourceARN!.split(':')[2]).sort()).toEqual(['dynamodb', 'lambda']);
  });

  it('leaves out untagged resources and pages with an opaque token', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await tagging.send(new GetResourcesCommand({ ResourcesPerPage: 2, ...(token ? { PaginationToken: token } : {}) }));
      seen.push(...page.ResourceTagMappingList!.map((m) => m.ResourceARN!));
      token = page.PaginationToken || undefined;
      pages++;
    } while (token);

    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(6);
    expect(seen.some((a) => a.endsWith('/Untagged'))).toBe(false);
  });

  it('answers InvalidParameterException for a bad page size or token', async () => {
    await expect(tagging.send(new GetResourcesCommand({ ResourcesPerPage: 500 }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('ResourcesPerPage') });
    await expect(tagging.send(new GetResourcesCommand({ PaginationToken: '!!' }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('PaginationToken') });
  });
});
