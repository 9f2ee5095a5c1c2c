/**
 * The REST API's id is chosen by API Gateway, so a crash between CreateRestApi and recording its id
 * would leave an API nobody knows. Before the create, step 4 records an intent (type
 * apigateway:RestApiIntent, the run id that will tag the API); the next run adopts the API named
 * user-api with that run's tag, and teardown deletes whatever API carries it.
 */
import type { APIGatewayClient, RestApi } from '@aws-sdk/client-api-gateway';
import { newRecord, type LabContext } from '../src/lab/context.js';
import { API_NAME, RUN_TAG_KEY } from '../src/lab/guide.js';
import type { ResourceRecord } from '../src/lab/state-types.js';
import { RESOURCE_TYPES } from '../src/lab/resource-types.js';

export const API_INTENT_TYPE = RESOURCE_TYPES.restApiIntent;

/** APIs named user-api that carry the given run's tag. */
export async function taggedApis(ctx: LabContext, client: APIGatewayClient, runId: string): Promise<RestApi[]> {
  const { paginateGetRestApis } = await import('@aws-sdk/client-api-gateway');
  const found: RestApi[] = [];
  for await (const page of paginateGetRestApis({ client, pageSize: 500 }, {}, { abortSignal: ctx.signal })) {
    found.push(...(page.items ?? []).filter((a) => a.name === API_NAME && a.tags?.[RUN_TAG_KEY] === runId));
  }
  return found;
}

export function recordIntent(ctx: LabContext, step: string): Promise<void> {
  return ctx.state.record(newRecord(ctx, { step, type: API_INTENT_TYPE, id: API_NAME, name: API_NAME, status: 'creating' }));
}

export function findIntent(ctx: LabContext, step: string): ResourceRecord | undefined {
  return ctx.state.find(step, API_INTENT_TYPE, API_NAME);
}

/**
 * Settles an intent left by a crashed run: every API it made is recorded (so teardown deletes them all),
 * the first is returned for adoption, and the intent is dropped. Undefined when there is no intent or
 * the create never happened.
 */
export async function settleIntent(
  ctx: LabContext,
  client: APIGatewayClient,
  step: string,
  recordApi: (id: string, runId: string) => Promise<void>,
): Promise<RestApi | undefined> {
  const intent = findIntent(ctx, step);
  if (!intent) return undefined;
  const apis = await taggedApis(ctx, client, intent.runId);
  for (const api of apis) await recordApi(api.id!, intent.runId);
  await ctx.state.remove(intent);
  if (apis.length > 0) ctx.io.info(`Found REST API ${API_NAME} (${apis[0]!.id}) created by an interrupted run (${intent.runId}); using it.`);
  return apis[0];
}

/** Teardown of an intent: delete every API the intent's run tagged; none means the create never happened. */
export async function deleteIntent(
  ctx: LabContext,
  client: APIGatewayClient,
  intent: ResourceRecord,
  deleteApi: (id: string) => Promise<unknown>,
): Promise<'deleted' | 'already-gone'> {
  const apis = await taggedApis(ctx, client, intent.runId);
  for (const api of apis) await deleteApi(api.id!);
  return apis.length === 0 ? 'already-gone' : 'deleted';
}
