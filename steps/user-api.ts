/**
 * Step 4: the REST API `user-api` in front of `user-service`, as the guide builds it (resources
 * /users and /users/{userId}, GET without authorization, Lambda proxy integration, an invoke permission,
 * a deployment to `prod`, stage tracing on), with the permission scoped to this API and GET on /users/*
 * instead of the guide's "any method, any path". Re-running completes and adopts the recorded API.
 */
import type { APIGatewayClient, Resource, RestApi } from '@aws-sdk/client-api-gateway';
import { orUndefinedIfNotFound } from '../src/lab/aws-errors.js';
import { newRecord, type LabContext, type LabStep, type StepOutcome } from '../src/lab/context.js';
import { LabError } from '../src/lab/errors.js';
import { API_NAME, FUNCTION_NAME, RUN_TAG_KEY, STAGE_NAME } from '../src/lab/guide.js';
import type { ResourceRecord } from '../src/lab/state-types.js';
import { FUNCTION_STEP_ID, FUNCTION_TYPE } from './user-function.js';
import { ensureInvokePermission, PERMISSION_TYPE } from '../src/lab/invoke-permission.js';
import { deleteResource, type DeleteOutcome } from '../src/lab/delete.js';
import { API_INTENT_TYPE, deleteIntent, findIntent, recordIntent, settleIntent } from './user-api-intent.js';
import { RESOURCE_TYPES } from '../src/lab/resource-types.js';

export const API_STEP_ID = 'user-api';
export const API_TYPE = RESOURCE_TYPES.restApi;

/** Where a browser or curl reaches the stage: AWS's execute-api host, or the local cloud's path form. */
export function invokeUrl(ctx: Pick<LabContext, 'target' | 'region' | 'config'>, apiId: string): string {
  if (ctx.target === 'local' && ctx.config.endpoint) return `${ctx.config.endpoint.replace(/\/$/, '')}/_aws/execute-api/${apiId}/${STAGE_NAME}`;
  return `https://${apiId}.execute-api.${ctx.region}.amazonaws.com/${STAGE_NAME}`;
}

async function getApi(ctx: LabContext, client: APIGatewayClient, id: string): Promise<RestApi | undefined> {
  const { GetRestApiCommand } = await import('@aws-sdk/client-api-gateway');
  return orUndefinedIfNotFound(client.send(new GetRestApiCommand({ restApiId: id }), { abortSignal: ctx.signal }));
}

async function functionArnOf(ctx: LabContext): Promise<string> {
  const recorded = ctx.state.find(FUNCTION_STEP_ID, FUNCTION_TYPE, FUNCTION_NAME)?.arn;
  if (recorded) return recorded;
  const { GetFunctionCommand } = await import('@aws-sdk/client-lambda');
  const out = await (await ctx.clients.lambda()).send(new GetFunctionCommand({ FunctionName: FUNCTION_NAME }), { abortSignal: ctx.signal });
  return out.Configuration!.FunctionArn!;
}

function recordApi(ctx: LabContext, id: string, runId = ctx.runId): Promise<void> {
  return ctx.state.record({
    ...newRecord(ctx, {
      step: API_STEP_ID,
      type: API_TYPE,
      id,
      name: API_NAME,
      arn: `arn:aws:apigateway:${ctx.region}::/restapis/${id}`,
      extra: { stage: STAGE_NAME, invokeUrl: invokeUrl(ctx, id) },
    }),
    runId,
  });
}

/** The recorded API if it still exists, else a new one (recorded as soon as CreateRestApi returns). */
async function ensureApi(ctx: LabContext, client: APIGatewayClient): Promise<{ api: RestApi; adopted: boolean }> {
  // A run killed during CreateRestApi left an intent: adopt what it made before deciding to create.
  await settleIntent(ctx, client, API_STEP_ID, (id, runId) => recordApi(ctx, id, runId));
  const recorded = ctx.state.find(API_STEP_ID, API_TYPE);
  if (recorded) {
    const api = await getApi(ctx, client, recorded.id);
    if (api) {
      ctx.io.info(`Using REST API ${API_NAME} (${api.id}), created by xray-lab on ${recorded.createdAt}.`);
      return { api, adopted: true };
    }
    ctx.io.warn(`REST API ${recorded.id} recorded in the state file no longer exists; creating a new one.`);
    await ctx.state.remove(recorded);
  }
  const { CreateRestApiCommand } = await import('@aws-sdk/client-api-gateway');
  const task = ctx.io.task(`Creating REST API ${API_NAME}`);
  // API Gateway picks the id: record the intent first, so a crash mid-call leaves nothing unknown.
  await recordIntent(ctx, API_STEP_ID);
  const api = await client.send(
    new CreateRestApiCommand({
      name: API_NAME,
      description: 'xray-lab: user-service behind API Gateway, with X-Ray stage tracing',
      endpointConfiguration: { types: ['REGIONAL'] },
      tags: { [RUN_TAG_KEY]: ctx.runId },
    }),
    { abortSignal: ctx.signal },
  );
  const id = api.id!;
  await recordApi(ctx, id);
  await ctx.state.remove(findIntent(ctx, API_STEP_ID)!);
  task.succeed(`Created REST API ${API_NAME} (${id})`);
  return { api, adopted: false };
}

async function listResources(ctx: LabContext, client: APIGatewayClient, apiId: string): Promise<Resource[]> {
  const { paginateGetResources } = await import('@aws-sdk/client-api-gateway');
  const all: Resource[] = [];
  for await (const page of paginateGetResources({ client, pageSize: 500 }, { restApiId: apiId, embed: ['methods'] }, { abortSignal: ctx.signal })) {
    all.push(...(page.items ?? []));
  }
  return all;
}

/** Finds or creates each resource of /users/{userId}; returns the leaf. */
async function ensurePath(ctx: LabContext, client: APIGatewayClient, apiId: string): Promise<Resource> {
  const { CreateResourceCommand } = await import('@aws-sdk/client-api-gateway');
  const existing = await listResources(ctx, client, apiId);
  const root = existing.find((r) => r.path === '/');
  if (!root?.id) throw new LabError(`REST API ${apiId} has no root resource.`);
  let parent: Resource = root;
  for (const part of ['users', '{userId}']) {
    const path: string = `${parent.path === '/' ? '' : parent.path}/${part}`;
    const found: Resource | undefined = existing.find((r) => r.path === path);
    parent = found ?? (await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: parent.id, pathPart: part }), { abortSignal: ctx.signal }));
  }
  return parent;
}

async function run(ctx: LabContext): Promise<StepOutcome> {
  const client = await ctx.clients.apiGateway();
  const sdk = await import('@aws-sdk/client-api-gateway');
  const functionArn = await functionArnOf(ctx);
  const { api, adopted } = await ensureApi(ctx, client);
  const apiId = api.id!;

  const leaf = await ensurePath(ctx, client, apiId);
  if (!leaf.resourceMethods?.GET) {
    await client.send(
      new sdk.PutMethodCommand({ restApiId: apiId, resourceId: leaf.id, httpMethod: 'GET', authorizationType: 'NONE' }),
      { abortSignal: ctx.signal },
    );
  }
  const uri = `arn:${functionArn.split(':')[1]}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
  // PutIntegration replaces: the same call completes a half-built API and repairs a changed one.
  await client.send(
    new sdk.PutIntegrationCommand({ restApiId: apiId, resourceId: leaf.id, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri }),
    { abortSignal: ctx.signal },
  );
  const sourceArn = `arn:${functionArn.split(':')[1]}:execute-api:${ctx.region}:${ctx.accountId}:${apiId}/*/GET/users/*`;
  await ensureInvokePermission(ctx, { step: API_STEP_ID, functionName: FUNCTION_NAME, sourceArn });

  const task = ctx.io.task(`Deploying ${API_NAME} to stage ${STAGE_NAME} and turning on X-Ray tracing`);
  const deployment = await client.send(
    new sdk.CreateDeploymentCommand({ restApiId: apiId, stageName: STAGE_NAME, description: `xray-lab run ${ctx.runId}` }),
    { abortSignal: ctx.signal },
  );
  const stage = await client.send(
    new sdk.UpdateStageCommand({
      restApiId: apiId,
      stageName: STAGE_NAME,
      patchOperations: [{ op: 'replace', path: '/tracingEnabled', value: 'true' }],
    }),
    { abortSignal: ctx.signal },
  );
  if (stage.tracingEnabled !== true) {
    task.fail();
    throw new LabError(`Stage ${STAGE_NAME} of ${apiId} still reports tracing disabled after UpdateStage.`);
  }
  task.succeed(`Deployed ${API_NAME} to ${STAGE_NAME} (deployment ${deployment.id}), X-Ray tracing enabled`);

  const url = invokeUrl(ctx, apiId);
  const recorded = ctx.state.find(API_STEP_ID, API_TYPE, apiId);
  if (recorded && recorded.extra?.invokeUrl !== url) await ctx.state.record({ ...recorded, extra: { ...recorded.extra, invokeUrl: url } });
  return {
    summary: `REST API ${API_NAME} (${apiId}) is ${adopted ? 'updated' : 'created'} and deployed to ${STAGE_NAME} with X-Ray tracing. Invoke URL: ${url}  (try ${url}/users/user123)`,
    details: {
      apiId,
      apiName: API_NAME,
      stage: STAGE_NAME,
      tracingEnabled: true,
      invokeUrl: url,
      exampleUrl: `${url}/users/user123`,
      integrationUri: uri,
      permissionSourceArn: sourceArn,
      deploymentId: deployment.id,
      adopted,
    },
    notes: [
      `The invoke permission lets API Gateway call ${FUNCTION_NAME} only for GET /users/* on this API (${sourceArn}); the guide's "*/*" would let any method and path of the API invoke it.`,
      "The guide's `update-stage --patch-ops` is rejected by AWS CLI v2; the option is --patch-operations (this step calls UpdateStage directly).",
    ],
  };
}


/** The API and its invoke permission: the shared deleters. An intent: every API its run tagged. */
async function teardown(ctx: LabContext, r: ResourceRecord): Promise<DeleteOutcome> {
  if (r.type === API_INTENT_TYPE) {
    return deleteIntent(ctx, await ctx.clients.apiGateway(), r, (id) => deleteResource(ctx, { type: API_TYPE, id }));
  }
  if (r.type === API_TYPE || r.type === PERMISSION_TYPE) return deleteResource(ctx, r);
  throw new LabError(`Step 4 does not know how to delete ${r.type} ${r.id}.`);
}

export const userApiStep: LabStep = {
  id: API_STEP_ID,
  number: 4,
  title: 'REST API with X-Ray stage tracing',
  requires: [FUNCTION_STEP_ID],
  run,
  teardown,
};
