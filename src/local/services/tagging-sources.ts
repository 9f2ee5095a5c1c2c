/**
 * Where the local Tagging API finds resources: each local service's store, read in-process, and
 * DynamoDB (dynalite keeps tags in its own LevelDB) through its wire API, called in-process.
 */
import type { LocalCloudEnv } from '../env.js';
import type { DynamoDbBackend } from './dynamodb.js';
import type { ApiGatewayStore } from './apigateway/store.js';
import type { FunctionStore } from './lambda/functions.js';
import type { LogStore } from './logs/store.js';
import { tagMapOf, type TagSource, type TaggedResource } from './tagging.js';
import type { SamplingRules } from './xray/rules.js';

export interface TagSourceDeps {
  env: LocalCloudEnv;
  functions: FunctionStore;
  apis: ApiGatewayStore;
  logs: LogStore;
  rules: SamplingRules;
  dynamo: DynamoDbBackend['call'];
}

export function localTagSources(d: TagSourceDeps): TagSource[] {
  const regionOfArn = (arn: string) => arn.split(':')[3];
  return [
    {
      type: 'lambda:function',
      list: (region) => d.functions.items.values().filter((f) => regionOfArn(f.FunctionArn) === region).map((f) => ({ arn: f.FunctionArn, tags: f.Tags })),
    },
    {
      type: 'apigateway:restapis',
      list: (region) =>
        d.apis.apis.values().filter((a) => a.region === region).map((a) => ({ arn: `arn:aws:apigateway:${region}::/restapis/${a.id}`, tags: a.tags })),
    },
    {
      type: 'logs:log-group',
      list: (region) => {
        const out: TaggedResource[] = [];
        // Page through in name order; the store has no region (one account, one region of logs).
        for (let from = ''; ; ) {
          const rows = d.logs.groups('', from, 500);
          for (const g of rows) out.push({ arn: `arn:aws:logs:${region}:${d.env.accountId}:log-group:${g.name}`, tags: JSON.parse(g.tags) as Record<string, string> });
          if (rows.length < 500) return out;
          from = `${rows[rows.length - 1]!.name}\u0000`;
        }
      },
    },
    {
      type: 'xray:sampling-rule',
      list: (region) => d.rules.allTagged().filter((r) => regionOfArn(r.arn) === region).map((r) => ({ arn: r.arn, tags: tagMapOf(r.tags) })),
    },
    { type: 'dynamodb:table', list: (region) => dynamoTables(d.dynamo, region) },
  ];
}

type Call = DynamoDbBackend['call'];

async function dynamoOp(call: Call, region: string, op: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await call(
    {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${op}`,
      // dynalite checks the shape of SigV4, not the signature.
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAXRAYLABINTERNAL0/20200101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      'x-amz-date': '20200101T000000Z',
    },
    Buffer.from(JSON.stringify(body)),
  );
  const json = JSON.parse(res.body || '{}') as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`DynamoDB ${op} failed inside the local cloud: ${String(json.message ?? json.__type)}`);
  return json;
}

async function dynamoTables(call: Call, region: string): Promise<TaggedResource[]> {
  const dynamo = (r: string, op: string, body: unknown) => dynamoOp(call, r, op, body);
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await dynamo(region, 'ListTables', start ? { ExclusiveStartTableName: start } : {});
    names.push(...((page.TableNames as string[] | undefined) ?? []));
    start = page.LastEvaluatedTableName as string | undefined;
  } while (start);
  const out: TaggedResource[] = [];
  for (const name of names) {
    const table = (await dynamo(region, 'DescribeTable', { TableName: name })).Table as { TableArn: string };
    const tags = await dynamo(region, 'ListTagsOfResource', { ResourceArn: table.TableArn });
    out.push({ arn: table.TableArn, tags: tagMapOf(tags.Tags as { Key: string; Value: string }[]) });
  }
  return out;
}
