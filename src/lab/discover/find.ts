/**
 * Finds lab resources without the state file: by the `xray-lab:run` tag (Resource Groups Tagging
 * API for Lambda, DynamoDB, API Gateway and Logs; X-Ray's own ListTagsForResource for sampling rules;
 * IAM's ListRoleTags, IAM not being in the tagging API) and by the lab's well-known names.
 * Read-only: nothing here changes the account.
 */
import { isNotFound, orUndefinedIfNotFound } from '../aws-errors.js';
import { API_NAME, FUNCTION_NAME, ROLE_NAME, RUN_TAG_KEY, TABLE_NAME } from '../guide.js';
import type { ResourceRecord } from '../state-types.js';
import { RESOURCE_TYPES as T, type ResourceType } from '../resource-types.js';
import type { DiscoverContext, DiscoveredResource } from './types.js';
import { listSamplingRules } from '../sampling-rules-list.js';

/** Every sampling rule xray-lab makes is named with this prefix (see sampling-doc.ts). */
export const RULE_PREFIX = 'xray-lab-';
export const LOG_GROUP_NAME = `/aws/lambda/${FUNCTION_NAME}`;

type Tags = Record<string, string>;
const fromList = (l: { Key?: string; Value?: string }[] | undefined): Tags =>
  Object.fromEntries((l ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));

/** Resource type and id from an ARN the tagging API returned; undefined for kinds the lab does not make. */
export function parseLabArn(arn: string): { type: ResourceType; id: string } | undefined {
  const patterns: [RegExp, ResourceType][] = [
    [/^arn:[^:]+:lambda:[^:]*:\d*:function:([^:]+)$/, T.function],
    [/^arn:[^:]+:dynamodb:[^:]*:\d*:table\/([^/]+)$/, T.table],
    [/^arn:[^:]+:apigateway:[^:]*::\/restapis\/([^/]+)$/, T.restApi],
    [/^arn:[^:]+:logs:[^:]*:\d*:log-group:(.+?)(:\*)?$/, T.logGroup],
    [/^arn:[^:]+:xray:[^:]*:\d*:sampling-rule\/(.+)$/, T.samplingRule],
  ];
  for (const [re, type] of patterns) {
    const m = re.exec(arn);
    if (m) return { type, id: m[1]! };
  }
  return undefined;
}

class Found {
  readonly items = new Map<string, DiscoveredResource>();
  add(r: Omit<DiscoveredResource, 'tagged' | 'runId' | 'recorded'> & { tags: Tags }): void {
    const key = `${r.type}/${r.id}`;
    const prev = this.items.get(key);
    const runId = r.tags[RUN_TAG_KEY] ?? prev?.runId;
    const { tags: _tags, ...rest } = r;
    this.items.set(key, {
      ...prev,
      ...rest,
      foundBy: prev?.foundBy === 'tag' || runId !== undefined ? 'tag' : r.foundBy,
      tagged: runId !== undefined,
      ...(runId !== undefined ? { runId } : {}),
      recorded: false,
    });
  }
}

async function byTaggingApi(ctx: DiscoverContext, found: Found): Promise<void> {
  const { GetResourcesCommand } = await import('@aws-sdk/client-resource-groups-tagging-api');
  const client = await ctx.clients.tagging();
  let PaginationToken: string | undefined;
  do {
    const page = await client.send(new GetResourcesCommand({ TagFilters: [{ Key: RUN_TAG_KEY }], ...(PaginationToken ? { PaginationToken } : {}) }), { abortSignal: ctx.signal });
    for (const m of page.ResourceTagMappingList ?? []) {
      const parsed = m.ResourceARN ? parseLabArn(m.ResourceARN) : undefined;
      if (parsed) found.add({ ...parsed, name: parsed.id, arn: m.ResourceARN!, tags: fromList(m.Tags), foundBy: 'tag' });
    }
    PaginationToken = page.PaginationToken || undefined;
  } while (PaginationToken);
}

async function samplingRules(ctx: DiscoverContext, found: Found): Promise<void> {
  const { ListTagsForResourceCommand } = await import('@aws-sdk/client-xray');
  const xray = await ctx.clients.xray();
  for (const rec of await listSamplingRules(xray, ctx.signal)) {
    const name = rec.SamplingRule?.RuleName;
    const arn = rec.SamplingRule?.RuleARN;
    if (!name || !arn || name === 'Default') continue;
    const tags = fromList((await xray.send(new ListTagsForResourceCommand({ ResourceARN: arn }), { abortSignal: ctx.signal })).Tags);
    if (tags[RUN_TAG_KEY] !== undefined || name.startsWith(RULE_PREFIX)) {
      found.add({ type: T.samplingRule, id: name, name, arn, tags, foundBy: tags[RUN_TAG_KEY] !== undefined ? 'tag' : 'name' });
    }
  }
}

async function role(ctx: DiscoverContext, found: Found): Promise<void> {
  const { GetRoleCommand, ListRoleTagsCommand } = await import('@aws-sdk/client-iam');
  const iam = await ctx.clients.iam();
  const r = await orUndefinedIfNotFound(iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }), { abortSignal: ctx.signal }));
  if (!r) return;
  const tags = await orUndefinedIfNotFound(iam.send(new ListRoleTagsCommand({ RoleName: ROLE_NAME }), { abortSignal: ctx.signal }));
  if (!tags) return;
  found.add({ type: T.role, id: ROLE_NAME, name: ROLE_NAME, ...(r.Role?.Arn ? { arn: r.Role.Arn } : {}), tags: fromList(tags.Tags), foundBy: 'name' });
}

async function table(ctx: DiscoverContext, found: Found): Promise<void> {
  const { DescribeTableCommand, ListTagsOfResourceCommand } = await import('@aws-sdk/client-dynamodb');
  const ddb = await ctx.clients.dynamodb();
  try {
    const t = (await ddb.send(new DescribeTableCommand({ TableName: TABLE_NAME }), { abortSignal: ctx.signal })).Table;
    const arn = t?.TableArn;
    const tags = arn ? fromList((await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }), { abortSignal: ctx.signal })).Tags) : {};
    found.add({ type: T.table, id: TABLE_NAME, name: TABLE_NAME, ...(arn ? { arn } : {}), tags, foundBy: 'name' });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

async function lambdaFunction(ctx: DiscoverContext, found: Found): Promise<void> {
  const { GetFunctionCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await ctx.clients.lambda();
  const f = await orUndefinedIfNotFound(lambda.send(new GetFunctionCommand({ FunctionName: FUNCTION_NAME }), { abortSignal: ctx.signal }));
  if (!f) return;
  const arn = f.Configuration?.FunctionArn;
  found.add({ type: T.function, id: FUNCTION_NAME, name: FUNCTION_NAME, ...(arn ? { arn } : {}), tags: f.Tags ?? {}, foundBy: 'name' });
}

async function restApis(ctx: DiscoverContext, found: Found): Promise<void> {
  const { paginateGetRestApis } = await import('@aws-sdk/client-api-gateway');
  const apigw = await ctx.clients.apiGateway();
  for await (const page of paginateGetRestApis({ client: apigw, pageSize: 500 }, {}, { abortSignal: ctx.signal })) {
    for (const api of page.items ?? []) {
      if (!api.id) continue;
      const key = `${T.restApi}/${api.id}`;
      if (api.name === API_NAME || found.items.has(key) || api.tags?.[RUN_TAG_KEY] !== undefined) {
        const arn = `arn:aws:apigateway:${ctx.region}::/restapis/${api.id}`;
        found.add({ type: T.restApi, id: api.id, name: api.name ?? api.id, arn, tags: api.tags ?? {}, foundBy: 'name' });
      }
    }
  }
}

async function logGroup(ctx: DiscoverContext, found: Found): Promise<void> {
  const { DescribeLogGroupsCommand, ListTagsLogGroupCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = await ctx.clients.logs();
  const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: LOG_GROUP_NAME }), { abortSignal: ctx.signal });
  const g = page.logGroups?.find((x) => x.logGroupName === LOG_GROUP_NAME);
  if (!g) return;
  const tags = (await logs.send(new ListTagsLogGroupCommand({ logGroupName: LOG_GROUP_NAME }), { abortSignal: ctx.signal })).tags ?? {};
  const fn = found.items.get(`${T.function}/${FUNCTION_NAME}`);
  // Lambda creates the group untagged; it belongs to the run whose function writes to it.
  const inherited: Tags = tags[RUN_TAG_KEY] === undefined && fn?.runId !== undefined ? { [RUN_TAG_KEY]: fn.runId } : {};
  const arn = g.logGroupArn ?? `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${LOG_GROUP_NAME}`;
  found.add({ type: T.logGroup, id: LOG_GROUP_NAME, name: LOG_GROUP_NAME, arn, tags: { ...tags, ...inherited }, foundBy: Object.keys(inherited).length ? 'companion' : 'name' });
}

/**
 * Everything of the lab found in the account, in teardown order (API, function, log group, role,
 * table, rules), each marked with whether the given state records already know it.
 */
export async function discoverLabResources(ctx: DiscoverContext, recorded: readonly ResourceRecord[] = []): Promise<DiscoveredResource[]> {
  const found = new Found();
  await byTaggingApi(ctx, found);
  // Sequential on purpose: a handful of calls, and IAM/API Gateway throttle bursts.
  for (const source of [samplingRules, role, table, lambdaFunction, restApis, logGroup]) await source(ctx, found);
  const order: ResourceType[] = [T.restApi, T.function, T.logGroup, T.role, T.table, T.samplingRule];
  const known = new Set(recorded.map((r) => `${r.type}/${r.id}`));
  return [...found.items.values()]
    .map((r) => ({ ...r, recorded: known.has(`${r.type}/${r.id}`) }))
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type) || a.id.localeCompare(b.id));
}
