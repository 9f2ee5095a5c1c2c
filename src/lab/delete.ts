/**
 * The one deleter per resource type, used by teardown (through each step's `teardown`) and by
 * `teardown --discover`. Tolerant of anything a crash can leave behind: a role with some policies still
 * attached, an API without a deployment, a function still Pending, a table still CREATING.
 * "Not found" means already gone. Throttling and "busy, retry later" answers are waited out.
 */
import { errorCode, isNotFound } from './aws-errors.js';
import type { LabContext } from './context.js';
import { STATEMENT_ID } from './invoke-permission.js';
import { RESOURCE_TYPES as T, type ResourceType } from './resource-types.js';
import { singleAttempt, withThrottleRetry } from './retry.js';
import type { ResourceRecord } from './state-types.js';
import { listSamplingRules } from './sampling-rules-list.js';

export type DeleteOutcome = 'deleted' | 'already-gone';

export type DeleteContext = Pick<LabContext, 'clients' | 'signal' | 'clock' | 'io'> & { config: Pick<LabContext['config'], 'maxRetryWaitMs'> };

/** What a deleter needs: discovery knows only type and id; a record may add `extra` (e.g. the role of a policy). */
export type DeleteTarget = Pick<ResourceRecord, 'type' | 'id'> & Partial<Pick<ResourceRecord, 'extra'>>;

type Deleter = (ctx: DeleteContext, r: DeleteTarget) => Promise<DeleteOutcome>;

/** Answers that mean "try again shortly": the resource is mid-change, not refused. */
const BUSY = new Set(['ResourceConflictException', 'ResourceInUseException', 'ConflictException', 'ConcurrentModification', 'ConcurrentModificationException', 'OperationAbortedException']);

export function retryBusy<R>(ctx: DeleteContext, what: string, fn: () => Promise<R>): Promise<R> {
  return withThrottleRetry(fn, {
    clock: ctx.clock,
    signal: ctx.signal,
    maxDelayMs: ctx.config.maxRetryWaitMs,
    retryable: (e) => BUSY.has(errorCode(e) ?? ''),
    onWait: (ms, _n, e) => ctx.io.info(`${what}: ${errorCode(e) ?? 'busy'}, retrying in ${Math.round(ms / 1000)} s.`),
  });
}

/** Runs a delete call; "not found" becomes already-gone. */
async function unlessGone(ctx: DeleteContext, what: string, fn: () => Promise<unknown>): Promise<DeleteOutcome> {
  try {
    await retryBusy(ctx, what, fn);
    return 'deleted';
  } catch (e) {
    if (isNotFound(e)) return 'already-gone';
    throw e;
  }
}

async function deleteRule(ctx: DeleteContext, { id: name }: DeleteTarget): Promise<DeleteOutcome> {
  const { DeleteSamplingRuleCommand } = await import('@aws-sdk/client-xray');
  const xray = await ctx.clients.xray();
  // X-Ray has no well-defined "not found" code for a missing rule: look first.
  const rules = await retryBusy(ctx, 'Listing sampling rules', () => listSamplingRules(xray, ctx.signal));
  const exists = rules.some((r) => r.SamplingRule?.RuleName === name);
  if (!exists) return 'already-gone';
  return unlessGone(ctx, `Deleting sampling rule ${name}`, () => xray.send(new DeleteSamplingRuleCommand({ RuleName: name }), { abortSignal: ctx.signal }));
}

async function deleteTable(ctx: DeleteContext, { id }: DeleteTarget): Promise<DeleteOutcome> {
  const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
  const ddb = await ctx.clients.dynamodb();
  return unlessGone(ctx, `Deleting table ${id}`, () => ddb.send(new DeleteTableCommand({ TableName: id }), { abortSignal: ctx.signal }));
}

/** IAM refuses to delete a role that still has policies: detach and delete them all first, whatever a crash left. */
async function deleteRoleCompletely(ctx: DeleteContext, { id: name }: DeleteTarget): Promise<DeleteOutcome> {
  const iam = await ctx.clients.iam();
  const sdk = await import('@aws-sdk/client-iam');
  const opts = { abortSignal: ctx.signal };
  try {
    const attached = await retryBusy(ctx, `Listing policies of ${name}`, () => collect(sdk.paginateListAttachedRolePolicies({ client: iam }, { RoleName: name }, opts), (p) => p.AttachedPolicies ?? []));
    for (const p of attached) {
      await unlessGone(ctx, `Detaching ${p.PolicyArn}`, () => iam.send(new sdk.DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn }), opts));
    }
    const inline = await retryBusy(ctx, `Listing inline policies of ${name}`, () => collect(sdk.paginateListRolePolicies({ client: iam }, { RoleName: name }, opts), (p) => p.PolicyNames ?? []));
    for (const policy of inline) {
      await unlessGone(ctx, `Deleting inline policy ${policy}`, () => iam.send(new sdk.DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy }), opts));
    }
  } catch (e) {
    if (isNotFound(e)) return 'already-gone';
    throw e;
  }
  return unlessGone(ctx, `Deleting role ${name}`, () => iam.send(new sdk.DeleteRoleCommand({ RoleName: name }), opts));
}

/** A policy record names its role in `extra.roleName` (older records: the role is the id's owner). */
function roleOf(r: DeleteTarget): string {
  return typeof r.extra?.roleName === 'string' ? r.extra.roleName : r.id;
}

async function deleteInlinePolicy(ctx: DeleteContext, r: DeleteTarget): Promise<DeleteOutcome> {
  const { DeleteRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const iam = await ctx.clients.iam();
  return unlessGone(ctx, `Deleting inline policy ${r.id}`, () => iam.send(new DeleteRolePolicyCommand({ RoleName: roleOf(r), PolicyName: r.id }), { abortSignal: ctx.signal }));
}

async function detachPolicy(ctx: DeleteContext, r: DeleteTarget): Promise<DeleteOutcome> {
  const { DetachRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const iam = await ctx.clients.iam();
  return unlessGone(ctx, `Detaching ${r.id}`, () => iam.send(new DetachRolePolicyCommand({ RoleName: roleOf(r), PolicyArn: r.id }), { abortSignal: ctx.signal }));
}

async function deleteFunction(ctx: DeleteContext, { id }: DeleteTarget): Promise<DeleteOutcome> {
  const { DeleteFunctionCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await ctx.clients.lambda();
  return unlessGone(ctx, `Deleting function ${id}`, () => lambda.send(new DeleteFunctionCommand({ FunctionName: id }), { abortSignal: ctx.signal }));
}

/** A permission record's id is `<function>/<statement>`; `extra` carries both when the record has them. */
async function removePermission(ctx: DeleteContext, r: DeleteTarget): Promise<DeleteOutcome> {
  const { RemovePermissionCommand } = await import('@aws-sdk/client-lambda');
  const functionName = typeof r.extra?.functionName === 'string' ? r.extra.functionName : r.id.split('/')[0]!;
  const statementId = typeof r.extra?.statementId === 'string' ? r.extra.statementId : STATEMENT_ID;
  const lambda = await ctx.clients.lambda();
  // The function (and with it its policy) may already be gone.
  return unlessGone(ctx, `Removing permission ${statementId} of ${functionName}`, () => lambda.send(new RemovePermissionCommand({ FunctionName: functionName, StatementId: statementId }), { abortSignal: ctx.signal }));
}

/**
 * DeleteRestApi is rate-limited to one call per 30 s per account. Sent once per attempt (the SDK's own
 * retry would wait silently and too briefly) and retried here for as long as API Gateway asks, saying so.
 */
async function deleteRestApi(ctx: DeleteContext, { id }: DeleteTarget): Promise<DeleteOutcome> {
  const { DeleteRestApiCommand } = await import('@aws-sdk/client-api-gateway');
  const apigw = await ctx.clients.apiGateway();
  try {
    await withThrottleRetry(() => apigw.send(singleAttempt(new DeleteRestApiCommand({ restApiId: id })), { abortSignal: ctx.signal }), {
      clock: ctx.clock,
      signal: ctx.signal,
      maxDelayMs: ctx.config.maxRetryWaitMs,
      retryable: (e) => BUSY.has(errorCode(e) ?? ''),
      onWait: (delay) =>
        ctx.io.info(`API Gateway allows one DeleteRestApi per 30 s per account and asked xray-lab to slow down; waiting ${Math.round(delay / 100) / 10} s before deleting ${id} again.`),
    });
    return 'deleted';
  } catch (e) {
    if (isNotFound(e)) return 'already-gone';
    throw e;
  }
}

async function deleteLogGroup(ctx: DeleteContext, { id }: DeleteTarget): Promise<DeleteOutcome> {
  const { DeleteLogGroupCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = await ctx.clients.logs();
  return unlessGone(ctx, `Deleting log group ${id}`, () => logs.send(new DeleteLogGroupCommand({ logGroupName: id }), { abortSignal: ctx.signal }));
}

/**
 * Every type xray-lab can delete by itself. The REST API intent is left to step 4's teardown: what it
 * deletes (the APIs tagged with its run) needs the step's own lookup.
 */
const DELETERS: { readonly [K in ResourceType]?: Deleter } = {
  [T.samplingRule]: deleteRule,
  [T.table]: deleteTable,
  [T.role]: deleteRoleCompletely,
  [T.rolePolicy]: deleteInlinePolicy,
  [T.attachedRolePolicy]: detachPolicy,
  [T.function]: deleteFunction,
  [T.permission]: removePermission,
  [T.restApi]: deleteRestApi,
  [T.logGroup]: deleteLogGroup,
};

export function canDelete(type: string): type is ResourceType {
  return Object.hasOwn(DELETERS, type);
}

export async function deleteResource(ctx: DeleteContext, r: DeleteTarget): Promise<DeleteOutcome> {
  const del = DELETERS[r.type];
  if (!del) throw new Error(`xray-lab does not know how to delete a ${r.type}`);
  return del(ctx, r);
}

async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[]): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...items(page));
  return out;
}
