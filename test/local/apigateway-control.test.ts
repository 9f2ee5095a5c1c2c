import {
  ConflictException, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, CreateStageCommand, DeleteMethodCommand,
  DeleteResourceCommand, DeleteRestApiCommand, DeleteStageCommand, GetDeploymentsCommand, GetIntegrationCommand, GetMethodCommand,
  GetResourceCommand, GetResourcesCommand, GetRestApiCommand, GetRestApisCommand, GetStageCommand, GetStagesCommand, GetTagsCommand,
  NotFoundException, PutIntegrationCommand, PutMethodCommand, TagResourceCommand, TooManyRequestsException, UntagResourceCommand,
  UpdateStageCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { ACCOUNT, apiClient, createLabApi, lambdaUri } from './apigateway-helpers.js';

let cloud: LocalCloud;
let client: APIGatewayClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0 });
  client = apiClient(cloud.endpoint, 1);
});
afterAll(async () => cloud.close());

const errorOf = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error & { $metadata: { httpStatusCode?: number }; $response?: unknown });

describe('API Gateway control plane through the SDK', () => {
  it('runs the lab step-4 sequence and shows tracing on the stage', async () => {
    const { apiId, userIdResourceId } = await createLabApi(client, { tracing: true });

    const api = await client.send(new GetRestApiCommand({ restApiId: apiId }));
    const resources = await client.send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'] }));
    const stage = await client.send(new GetStageCommand({ restApiId: apiId, stageName: 'prod' }));
    const integration = await client.send(new GetIntegrationCommand({ restApiId: apiId, resourceId: userIdResourceId, httpMethod: 'GET' }));

    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(api.name).toBe('user-api');
    expect(api.createdDate).toBeInstanceOf(Date);
    expect(resources.items!.map((r) => r.path)).toEqual(['/', '/users', '/users/{userId}']);
    expect(resources.items![2]!.resourceMethods!.GET!.methodIntegration!.uri).toBe(lambdaUri('user-service'));
    expect(stage.tracingEnabled).toBe(true);
    expect(stage.deploymentId).toMatch(/^[a-z0-9]{6}$/);
    expect(integration).toMatchObject({ type: 'AWS_PROXY', httpMethod: 'POST', timeoutInMillis: 29000 });
  });

  it('lists APIs under the wire key item with position pagination', async () => {
    await client.send(new CreateRestApiCommand({ name: 'page-a' }));
    await client.send(new CreateRestApiCommand({ name: 'page-b' }));

    const first = await client.send(new GetRestApisCommand({ limit: 1 }));
    const second = await client.send(new GetRestApisCommand({ limit: 1, position: first.position }));

    expect(first.items).toHaveLength(1);
    expect(first.position).toBeDefined();
    expect(second.items![0]!.id).not.toBe(first.items![0]!.id);
  });

  it('answers NotFoundException 404 with the account in the message for an unknown API', async () => {
    const err = await errorOf(client.send(new GetRestApiCommand({ restApiId: 'nope000000' })));

    expect(err).toBeInstanceOf(NotFoundException);
    expect(err!.message).toBe(`Invalid API identifier specified ${ACCOUNT}:nope000000`);
    expect(err!.$metadata.httpStatusCode).toBe(404);
  });

  it('validates resources: duplicates conflict, bad path parts and a second variable are refused', async () => {
    const { apiId, rootId, usersId } = await createLabApi(client);

    const dup = await errorOf(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'users' })));
    const bad = await errorOf(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'a b' })));
    const secondVar = await errorOf(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: usersId, pathPart: '{other}' })));
    const proxy = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: '{proxy+}' }));
    const underGreedy = await errorOf(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: proxy.id, pathPart: 'x' })));
    const missingParent = await errorOf(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: 'zzzzzz', pathPart: 'x' })));

    expect(dup).toBeInstanceOf(ConflictException);
    expect(dup!.$metadata.httpStatusCode).toBe(409);
    expect(bad!.name).toBe('BadRequestException');
    expect(secondVar!.message).toContain('only one is allowed');
    expect(proxy.path).toBe('/{proxy+}');
    expect(underGreedy!.name).toBe('BadRequestException');
    expect(missingParent!.message).toBe('Invalid Resource identifier specified');
  });

  it('validates methods and integrations', async () => {
    const { apiId, userIdResourceId, usersId } = await createLabApi(client);

    const again = await errorOf(client.send(new PutMethodCommand({ restApiId: apiId, resourceId: userIdResourceId, httpMethod: 'GET', authorizationType: 'NONE' })));
    const badVerb = await errorOf(client.send(new PutMethodCommand({ restApiId: apiId, resourceId: usersId, httpMethod: 'FETCH', authorizationType: 'NONE' })));
    const noMethod = await errorOf(client.send(new PutIntegrationCommand({
      restApiId: apiId, resourceId: usersId, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri('f'),
    })));
    await client.send(new PutMethodCommand({ restApiId: apiId, resourceId: usersId, httpMethod: 'ANY', authorizationType: 'NONE' }));
    const notPost = await errorOf(client.send(new PutIntegrationCommand({
      restApiId: apiId, resourceId: usersId, httpMethod: 'ANY', type: 'AWS_PROXY', integrationHttpMethod: 'GET', uri: lambdaUri('f'),
    })));
    const badTimeout = await errorOf(client.send(new PutIntegrationCommand({
      restApiId: apiId, resourceId: usersId, httpMethod: 'ANY', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri('f'), timeoutInMillis: 30000,
    })));
    const noIntegration = await errorOf(client.send(new GetIntegrationCommand({ restApiId: apiId, resourceId: usersId, httpMethod: 'ANY' })));
    const method = await client.send(new GetMethodCommand({ restApiId: apiId, resourceId: usersId, httpMethod: 'ANY' }));

    expect(again).toBeInstanceOf(ConflictException);
    expect(badVerb!.name).toBe('BadRequestException');
    expect(noMethod!.message).toBe('Invalid Method identifier specified');
    expect(notPost!.name).toBe('BadRequestException');
    expect(badTimeout!.message).toContain('between 50 ms and 29000 ms');
    expect(noIntegration).toBeInstanceOf(NotFoundException);
    expect(method.httpMethod).toBe('ANY');
  });

  it('deletes a resource with its subtree and a method', async () => {
    const { apiId, usersId, userIdResourceId } = await createLabApi(client);

    await client.send(new DeleteMethodCommand({ restApiId: apiId, resourceId: userIdResourceId, httpMethod: 'GET' }));
    const gone = await errorOf(client.send(new GetMethodCommand({ restApiId: apiId, resourceId: userIdResourceId, httpMethod: 'GET' })));
    await client.send(new DeleteResourceCommand({ restApiId: apiId, resourceId: usersId }));
    const child = await errorOf(client.send(new GetResourceCommand({ restApiId: apiId, resourceId: userIdResourceId })));

    expect(gone).toBeInstanceOf(NotFoundException);
    expect(child).toBeInstanceOf(NotFoundException);
  });

  it('creates, patches and deletes stages; refuses a deployment without methods', async () => {
    const empty = await client.send(new CreateRestApiCommand({ name: 'empty' }));
    const noMethods = await errorOf(client.send(new CreateDeploymentCommand({ restApiId: empty.id, stageName: 'prod' })));
    const { apiId } = await createLabApi(client);
    const [deployment] = (await client.send(new GetDeploymentsCommand({ restApiId: apiId }))).items!;

    const dev = await client.send(new CreateStageCommand({ restApiId: apiId, stageName: 'dev', deploymentId: deployment!.id, variables: { fn: 'a' } }));
    const dupStage = await errorOf(client.send(new CreateStageCommand({ restApiId: apiId, stageName: 'dev', deploymentId: deployment!.id })));
    const patched = await client.send(new UpdateStageCommand({
      restApiId: apiId, stageName: 'dev',
      patchOperations: [
        { op: 'replace', path: '/tracingEnabled', value: 'true' },
        { op: 'replace', path: '/description', value: 'development' },
        { op: 'replace', path: '/variables/fn', value: 'b' },
        { op: 'replace', path: '/deploymentId', value: deployment!.id },
      ],
    }));
    const badPath = await errorOf(client.send(new UpdateStageCommand({ restApiId: apiId, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/nope', value: 'x' }] })));
    const badDeployment = await errorOf(client.send(new UpdateStageCommand({ restApiId: apiId, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/deploymentId', value: 'zzzzzz' }] })));
    const stages = await client.send(new GetStagesCommand({ restApiId: apiId }));
    await client.send(new DeleteStageCommand({ restApiId: apiId, stageName: 'dev' }));
    const deleted = await errorOf(client.send(new GetStageCommand({ restApiId: apiId, stageName: 'dev' })));

    expect(noMethods!.message).toBe("The REST API doesn't contain any methods");
    expect(dev.tracingEnabled).toBe(false);
    expect(dupStage).toBeInstanceOf(ConflictException);
    expect(patched).toMatchObject({ tracingEnabled: true, description: 'development', variables: { fn: 'b' } });
    expect(badPath!.name).toBe('BadRequestException');
    expect(badDeployment!.name).toBe('BadRequestException');
    expect(stages.item!.map((s) => s.stageName).sort()).toEqual(['dev', 'prod']);
    expect(deleted).toBeInstanceOf(NotFoundException);
  });

  it('tags APIs and stages by ARN', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'tagged', tags: { team: 'lab' } }));
    const arn = `arn:aws:apigateway:us-east-1::/restapis/${api.id}`;

    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'test' } }));
    const both = await client.send(new GetTagsCommand({ resourceArn: arn }));
    await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
    const one = await client.send(new GetTagsCommand({ resourceArn: arn }));

    expect(api.tags).toEqual({ team: 'lab' });
    expect(both.tags).toEqual({ team: 'lab', env: 'test' });
    expect(one.tags).toEqual({ env: 'test' });
  });

  it('throttles DeleteRestApi N times with 429 and Retry-After, then deletes (202)', async () => {
    const { apiId } = await createLabApi(client);
    cloud.env.faults.apigatewayDeleteThrottles = 2;

    const first = await errorOf(client.send(new DeleteRestApiCommand({ restApiId: apiId })));
    const second = await errorOf(client.send(new DeleteRestApiCommand({ restApiId: apiId })));
    const third = await client.send(new DeleteRestApiCommand({ restApiId: apiId }));
    const after = await errorOf(client.send(new GetRestApiCommand({ restApiId: apiId })));

    expect(first).toBeInstanceOf(TooManyRequestsException);
    expect((first as TooManyRequestsException).retryAfterSeconds).toBe('30');
    expect(first!.$metadata.httpStatusCode).toBe(429);
    expect(second).toBeInstanceOf(TooManyRequestsException);
    expect(third.$metadata.httpStatusCode).toBe(202);
    expect(after).toBeInstanceOf(NotFoundException);
    expect(cloud.env.faults.apigatewayDeleteThrottles).toBe(0);
  });
});
