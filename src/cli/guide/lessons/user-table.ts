/** Step 2's lesson: the table the function reads, and how DynamoDB calls appear in a trace. */
import type { LabContext } from '../../../lab/context.js';
import { LabError } from '../../../lab/errors.js';
import { SAMPLE_ITEM, TABLE_NAME } from '../../../lab/guide.js';
import type { StepLesson } from '../lesson.js';
import { SOURCES } from '../sources.js';

const KEY = JSON.stringify({ userId: { S: SAMPLE_ITEM.userId } });

async function verify(ctx: LabContext): Promise<string[]> {
  const { DescribeTableCommand, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  const ddb = await ctx.clients.dynamodb();
  const table = (await ddb.send(new DescribeTableCommand({ TableName: TABLE_NAME }), { abortSignal: ctx.signal })).Table;
  if (table?.TableStatus !== 'ACTIVE') throw new LabError(`Table ${TABLE_NAME} is ${table?.TableStatus ?? 'missing'}, not ACTIVE.`);
  const item = await ddb.send(new GetItemCommand({ TableName: TABLE_NAME, Key: { userId: { S: SAMPLE_ITEM.userId } } }), {
    abortSignal: ctx.signal,
  });
  const name = item.Item?.name?.S;
  if (!name) throw new LabError(`Table ${TABLE_NAME} has no item for ${SAMPLE_ITEM.userId}.`);
  return [`DescribeTable: ${TABLE_NAME} is ACTIVE (${table.TableArn})`, `GetItem ${SAMPLE_ITEM.userId}: ${name} <${item.Item?.email?.S ?? '?'}>`];
}

export const userTableLesson: StepLesson = {
  teaches: [
    'This is the table the function will read. A segment is the work one service did for one request (API Gateway, the Lambda function); subsegments break that work down, for example one subsegment per DynamoDB call made through an instrumented SDK client.',
    'DynamoDB sends no segment of its own. X-Ray builds an inferred segment from the caller\'s subsegment, named DynamoDB, and the table still shows up as a node on the service map: the node, unlike the segment, is named after the table, taken from the table_name the caller recorded.',
  ],
  takeaway: 'A traced DynamoDB call is a subsegment of the caller; X-Ray infers a segment (named DynamoDB) and a map node (named after the table) from it.',
  details: [
    'PAY_PER_REQUEST (on-demand) means no capacity to plan: each read or write is billed per request ($0.125 per million read request units in US East since the November 2024 price cut; an eventually consistent read of an item up to 4 KB is half a unit). An idle on-demand table still pays for its storage, which at this size stays inside the free tier.',
    `The key is a string userId. The sample item ${SAMPLE_ITEM.userId} is what the lab's happy path reads; any other id gives a 404 response, which X-Ray marks as an error (a 4xx) on the API's segment.`,
    'A new table is CREATING for a moment. The CLI waiter polls DescribeTable (every 20 seconds) until the status is ACTIVE; writing before that fails.',
  ],
  commands: () => [
    {
      args: [
        'dynamodb',
        'create-table',
        '--table-name',
        TABLE_NAME,
        '--attribute-definitions',
        'AttributeName=userId,AttributeType=S',
        '--key-schema',
        'AttributeName=userId,KeyType=HASH',
        '--billing-mode',
        'PAY_PER_REQUEST',
      ],
    },
    { args: ['dynamodb', 'wait', 'table-exists', '--table-name', TABLE_NAME] },
    {
      args: [
        'dynamodb',
        'put-item',
        '--table-name',
        TABLE_NAME,
        '--item',
        JSON.stringify({
          userId: { S: SAMPLE_ITEM.userId },
          name: { S: SAMPLE_ITEM.name },
          email: { S: SAMPLE_ITEM.email },
          preferences: { S: SAMPLE_ITEM.preferences },
        }),
      ],
    },
  ],
  sources: [
    { about: 'Inferred segments: named DynamoDB, origin AWS::DynamoDB::Table, with the table_name', url: SOURCES.apiGettingData },
    { about: 'Subsegments for AWS SDK calls; v3 clients may not record the table name', url: SOURCES.nodeSdkAwsClients },
    { about: 'On-demand read and write prices, storage', url: SOURCES.dynamoDbOnDemandPricing },
    { about: 'The table-exists waiter polls every 20 seconds', url: SOURCES.cliTableExists },
  ],
  corrections: [],
  verify,
  checkCommands: () => [
    { args: ['dynamodb', 'describe-table', '--table-name', TABLE_NAME, '--query', 'Table.[TableName,TableStatus,TableArn]', '--output', 'text'] },
    { args: ['dynamodb', 'get-item', '--table-name', TABLE_NAME, '--key', KEY] },
  ],
};
