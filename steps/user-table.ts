/**
 * Step 2: the UserProfiles table and the guide's sample item. Re-running adopts the table this
 * state recorded; a table of that name that xray-lab did not create is reported and left alone.
 */
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { LabError } from '../src/lab/errors.js';
import { orUndefinedIfNotFound } from '../src/lab/aws-errors.js';
import { newRecord, type LabContext, type LabStep, type StepOutcome } from '../src/lab/context.js';
import { RUN_TAG_KEY, SAMPLE_ITEM, TABLE_NAME } from '../src/lab/guide.js';
import { RESOURCE_TYPES } from '../src/lab/resource-types.js';
import { every, pollUntil } from '../src/lab/poll-until.js';
import { deleteResource } from '../src/lab/delete.js';
import { tagsOrNothing, unrecordedResourceError } from '../src/lab/unrecorded.js';

export const TABLE_STEP_ID = 'user-table';
const TABLE_TYPE = RESOURCE_TYPES.table;
const POLL_MS = 2_000;
const ACTIVE_DEADLINE_MS = 5 * 60_000;

async function describe(ctx: LabContext, name: string): Promise<TableDescription | undefined> {
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const ddb = await ctx.clients.dynamodb();
  return (await orUndefinedIfNotFound(ddb.send(new DescribeTableCommand({ TableName: name }), { abortSignal: ctx.signal })))?.Table;
}

async function waitActive(ctx: LabContext, name: string): Promise<TableDescription> {
  const task = ctx.io.task(`Waiting for table ${name} to become ACTIVE`);
  const out = await pollUntil(() => describe(ctx, name), {
    clock: ctx.clock,
    signal: ctx.signal,
    why: `DynamoDB creates table ${name} asynchronously`,
    until: (t) => t?.TableStatus === 'ACTIVE',
    nextDelayMs: every(POLL_MS, ctx.clock.now() + ACTIVE_DEADLINE_MS, ctx.clock),
    onWait: ({ value: t }) => task.update(`Waiting for table ${name} (${t?.TableStatus ?? 'not visible yet'})`),
  });
  if (out.done && out.value) {
    task.succeed(`Table ${name} is ACTIVE`);
    return out.value;
  }
  task.fail();
  throw new LabError(`Table ${name} did not become ACTIVE within ${ACTIVE_DEADLINE_MS / 60_000} minutes (status ${out.value?.TableStatus ?? 'missing'}).`);
}

async function run(ctx: LabContext): Promise<StepOutcome> {
  const { CreateTableCommand, PutItemCommand } = await import('@aws-sdk/client-dynamodb');
  const ddb = await ctx.clients.dynamodb();
  const recorded = ctx.state.find(TABLE_STEP_ID, TABLE_TYPE, TABLE_NAME);
  const existing = await describe(ctx, TABLE_NAME);
  let adopted = false;

  if (existing && !recorded) {
    const { ListTagsOfResourceCommand } = await import('@aws-sdk/client-dynamodb');
    const tags = await tagsOrNothing(async () => (await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: existing.TableArn }), { abortSignal: ctx.signal })).Tags);
    throw unrecordedResourceError(ctx, `A DynamoDB table named ${TABLE_NAME}`, tags, 'Delete it or use another account or region, then run this step again.');
  }
  if (existing) {
    adopted = true;
    ctx.io.info(`Using table ${TABLE_NAME}, created by xray-lab on ${recorded!.createdAt}.`);
  } else {
    const base = { step: TABLE_STEP_ID, type: TABLE_TYPE, id: TABLE_NAME, name: TABLE_NAME };
    await ctx.state.record(newRecord(ctx, { ...base, status: 'creating' }));
    const task = ctx.io.task(`Creating table ${TABLE_NAME}`);
    const out = await ddb.send(
      new CreateTableCommand({
        TableName: TABLE_NAME,
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        Tags: [{ Key: RUN_TAG_KEY, Value: ctx.runId }],
      }),
      { abortSignal: ctx.signal },
    );
    const arn = out.TableDescription?.TableArn;
    // Recorded as soon as the create call returns, before waiting for ACTIVE.
    await ctx.state.record(newRecord(ctx, { ...base, ...(arn ? { arn } : {}) }));
    task.succeed(`Created table ${TABLE_NAME}`);
  }

  const table = await waitActive(ctx, TABLE_NAME);
  await ddb.send(
    new PutItemCommand({
      TableName: TABLE_NAME,
      Item: {
        userId: { S: SAMPLE_ITEM.userId },
        name: { S: SAMPLE_ITEM.name },
        email: { S: SAMPLE_ITEM.email },
        preferences: { S: SAMPLE_ITEM.preferences },
      },
    }),
    { abortSignal: ctx.signal },
  );
  return {
    summary: `Table ${TABLE_NAME} is ${adopted ? 'already there' : 'created'} and ACTIVE, with sample user ${SAMPLE_ITEM.userId}.`,
    details: { table: TABLE_NAME, arn: table.TableArn, adopted, item: SAMPLE_ITEM },
  };
}


export const userTableStep: LabStep = {
  id: TABLE_STEP_ID,
  number: 2,
  title: 'DynamoDB table and sample data',
  requires: [],
  run,
  teardown: deleteResource,
};
