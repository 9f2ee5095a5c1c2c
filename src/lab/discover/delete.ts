/**
 * Deleting one lab resource by type and id, tolerant of anything a crash can leave behind: a role
 * with some policies still attached, an API without a deployment, a function still Pending, a table
 * still CREATING. "Not found" means already gone. Throttling and "busy" answers are waited out.
 */
import { errorCode, isNotFound } from '../aws-errors.js';
import type { LabConfig } from '../config.js';
import { withThrottleRetry } from '../retry.js';
import { RESOURCE_TYPES as T, type DiscoverContext } from './types.js';

export type DeleteOutcome = 'deleted' | 'already-gone';

type Ctx = Pick<DiscoverContext, 'clients' | 'signal' | 'clock' | 'io'> & { config: Pick<LabConfig, 'maxRetryWaitMs'> };

/** Answers that mean "try again shortly": the resource is mid-change, not refused. */
const BUSY = new Set(['ResourceConflictException', 'ResourceInUseException', 'ConflictException', 'ConcurrentModification', 'ConcurrentModificationException', 'OperationAbortedException']);

function retry<T>(ctx: Ctx, what: string, fn: () => Promise<T>): Promise<T> {
  return withThrottleRetry(fn, {
    clock: ctx.clock,
    signal: ctx.signal,
    maxDelayMs: ctx.config.maxRetryWaitMs,
    retryable: (e) => BUSY.has(errorCode(e) ?? ''),
    onWait: (ms, _n, e) => ctx.io.info(`${what}: ${errorCode(e) ?? 'busy'}, retrying in ${Math.round(ms / 1000)} s.`),
  });
}

/** Runs a delete call; "not found" becomes already-gone. */
async function gone(ctx: Ctx, what: string, fn: () => Promise<unknown>): Promise<DeleteOutcome> {
  try {
    await retry(ctx, what, fn);
    return 'deleted';
  } catch (e) {
    if (isNotFound(e)) return 'already-gone';
    throw e;
  }
}

async function deleteRule(ctx: Ctx, name: string): Promise<DeleteOutcome> {
  const { DeleteSamplingRuleCommand, GetSamplingRulesCommand } = await import('@aws-sdk/client-xray');
  const xray = await ctx.clients.xray();
  // X-Ray has no well-defined "not found" code for a missing rule: look first.
  let NextToken: string | undefined;
  let exists = false;
  do {
    const page = await retry(ctx, `Listing sampling rules`, () => xray.send(new GetSamplingRulesCommand({ ...(NextToken ? { NextToken } : {}) }), { abortSignal: ctx.signal }));
    exists ||= (page.SamplingRuleRecords ?? []).some((r) => r.SamplingRule?.RuleName === name);
    NextToken = page.NextToken;
  } while (NextToken && !exists);
  if (!exists) return 'already-gone';
  return gone(ctx, `Deleting sampling rule ${name}`, () => xray.send(new DeleteSamplingRuleCommand({ RuleName: name }), { abortSignal: ctx.signal }));
}

async function deleteTable(ctx: Ctx, name: string): Promise<DeleteOutcome> {
  const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
  const ddb = await ctx.clients.dynamodb();
  return gone(ctx, `Deleting table ${name}`, () => ddb.send(new DeleteTableCommand({ TableName: name }), { abortSignal: ctx.signal }));
}

/** IAM refuses to delete a role that still has policies: detach and delete them all first, whatever a crash left. */
export async function deleteRoleCompletely(ctx: Ctx, name: string): Promise<DeleteOutcome> {
  const iam = await ctx.clients.iam();
  const sdk = await import('@aws-sdk/client-iam');
  const opts = { abortSignal: ctx.signal };
  try {
    for (let Marker: string | undefined, more = true; more; ) {
      const page = await retry(ctx, `Listing policies of ${name}`, () => iam.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName: name, ...(Marker ? { Marker } : {}) }), opts));
      for (const p of page.AttachedPolicies ?? []) {
        await gone(ctx, `Detaching ${p.PolicyArn}`, () => iam.send(new sdk.DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn }), opts));
      }
      more = page.IsTruncated === true;
      Marker = page.Marker;
    }
    for (let Marker: string | undefined, more = true; more; ) {
      const page = await retry(ctx, `Listing inline policies of ${name}`, () => iam.send(new sdk.ListRolePoliciesCommand({ RoleName: name, ...(Marker ? { Marker } : {}) }), opts));
      for (const policy of page.PolicyNames ?? []) {
        await gone(ctx, `Deleting inline policy ${policy}`, () => iam.send(new sdk.DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy }), opts));
      }
      more = page.IsTruncated === true;
      Marker = page.Marker;
    }
  } catch (e) {
    if (isNotFound(e)) return 'already-gone';
    throw e;
  }
  return gone(ctx, `Deleting role ${name}`, () => iam.send(new sdk.DeleteRoleCommand({ RoleName: name }), opts));
}

async function deleteFunction(ctx: Ctx, name: string): Promise<DeleteOutcome> {
  const { DeleteFunctionCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await ctx.clients.lambda();
  return gone(ctx, `Deleting function ${name}`, () => lambda.send(new DeleteFunctionCommand({ FunctionName: name }), { abortSignal: ctx.signal }));
}

/** DeleteRestApi is rate-limited to about one call per 30 s per account: the back-off waits that out. */
export async function deleteRestApi(ctx: Ctx, id: string): Promise<DeleteOutcome> {
  const { DeleteRestApiCommand } = await import('@aws-sdk/client-api-gateway');
  const apigw = await ctx.clients.apiGateway();
  return gone(ctx, `Deleting REST API ${id}`, () => apigw.send(new DeleteRestApiCommand({ restApiId: id }), { abortSignal: ctx.signal }));
}

export async function deleteLogGroup(ctx: Ctx, name: string): Promise<DeleteOutcome> {
  const { DeleteLogGroupCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = await ctx.clients.logs();
  return gone(ctx, `Deleting log group ${name}`, () => logs.send(new DeleteLogGroupCommand({ logGroupName: name }), { abortSignal: ctx.signal }));
}

const DELETERS: Record<string, (ctx: Ctx, id: string) => Promise<DeleteOutcome>> = {
  [T.samplingRule]: deleteRule,
  [T.table]: deleteTable,
  [T.role]: deleteRoleCompletely,
  [T.function]: deleteFunction,
  [T.restApi]: deleteRestApi,
  [T.logGroup]: deleteLogGroup,
};

export function canDelete(type: string): boolean {
  return type in DELETERS;
}

export async function deleteLabResource(ctx: Ctx, type: string, id: string): Promise<DeleteOutcome> {
  const del = DELETERS[type];
  if (!del) throw new Error(`xray-lab does not know how to delete a ${type}`);
  return del(ctx, id);
}
