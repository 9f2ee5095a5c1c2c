/**
 * The lab's resources as they really are, and the guide's common failures: traces not appearing
 * (tracing off on the function or the stage, no X-Ray permission on the role, X-Ray's delay on AWS)
 * and 500s from API Gateway (no permission for it to invoke the function).
 */
import type { Clients } from '../clients.js';
import { errorCode, isNotFound } from '../aws-errors.js';
import { API_NAME, FUNCTION_NAME, STAGE_NAME, TABLE_NAME } from '../guide.js';
import { invokeUrlFromState, parseInvokeUrl, type StageAddress } from '../load/invoke-url.js';
import type { StateDocument, Target } from '../state-types.js';
import { check, isDenied, type Check } from './types.js';
import { RESOURCE_TYPES } from '../resource-types.js';

export interface LabCheckInput {
  clients: Clients;
  target: Target;
  state?: StateDocument;
  signal: AbortSignal;
  now: number;
}

const SETUP = 'Run `xray-lab setup`.';

async function tableCheck(i: LabCheckInput): Promise<Check> {
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const recorded = i.state?.resources.some((r) => r.type === RESOURCE_TYPES.table);
  try {
    const t = await (await i.clients.dynamodb()).send(new DescribeTableCommand({ TableName: TABLE_NAME }), { abortSignal: i.signal });
    return check('table', `Table ${TABLE_NAME}`, 'ok', `${t.Table?.TableStatus ?? 'exists'}${recorded ? '' : ' (not created by xray-lab)'}`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return recorded
      ? check('table', `Table ${TABLE_NAME}`, 'warn', 'recorded in the state but missing', `${SETUP} It creates it again.`)
      : check('table', `Table ${TABLE_NAME}`, 'skip', 'not created yet (step 2)');
  }
}

/** Attached AWSXRayDaemonWriteAccess, or an inline policy allowing xray:PutTraceSegments. */
async function roleCanTrace(clients: Clients, roleArn: string, signal: AbortSignal): Promise<boolean> {
  const { ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, GetRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const iam = await clients.iam();
  const RoleName = roleArn.split('/').pop()!;
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }), { abortSignal: signal });
  if ((attached.AttachedPolicies ?? []).some((p) => /AWSXRayDaemonWriteAccess|AWSXrayWriteOnlyAccess|AWSXrayFullAccess/i.test(p.PolicyArn ?? ''))) return true;
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName }), { abortSignal: signal });
  for (const PolicyName of inline.PolicyNames ?? []) {
    const doc = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }), { abortSignal: signal });
    if (/xray:(PutTraceSegments|\*)|"\*"/i.test(decodeURIComponent(doc.PolicyDocument ?? ''))) return true;
  }
  return false;
}

async function functionChecks(i: LabCheckInput): Promise<{ checks: Check[]; exists: boolean }> {
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const title = `Function ${FUNCTION_NAME}`;
  let cfg;
  try {
    cfg = await (await i.clients.lambda()).send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION_NAME }), { abortSignal: i.signal });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return { checks: [check('function', title, 'skip', 'not created yet (step 3)')], exists: false };
  }
  const checks = [check('function', title, cfg.State === 'Failed' ? 'fail' : 'ok', `${cfg.Runtime ?? ''} ${cfg.State ?? ''}`.trim(), cfg.State === 'Failed' ? cfg.StateReason : undefined)];
  checks.push(cfg.TracingConfig?.Mode === 'Active'
    ? check('function-tracing', 'Function tracing', 'ok', 'Active')
    : check('function-tracing', 'Function tracing', 'fail', `tracing is ${cfg.TracingConfig?.Mode ?? 'off'}: the function writes no segments, so traces stop at API Gateway`, `Turn it on: aws lambda update-function-configuration --function-name ${FUNCTION_NAME} --tracing-config Mode=Active`));
  if (cfg.Role) {
    try {
      checks.push(await roleCanTrace(i.clients, cfg.Role, i.signal)
        ? check('role-xray', 'X-Ray permission of the role', 'ok', `${cfg.Role} may write segments`)
        : check('role-xray', 'X-Ray permission of the role', 'fail', `${cfg.Role} has no X-Ray write permission: the function's segments are refused`, `aws iam attach-role-policy --role-name ${cfg.Role.split('/').pop()} --policy-arn arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess`));
    } catch (e) {
      checks.push(check('role-xray', 'X-Ray permission of the role', 'warn', `could not read the role's policies (${errorCode(e) ?? (e as Error).name})`));
    }
  }
  return { checks, exists: true };
}

async function findStage(i: LabCheckInput): Promise<StageAddress | undefined> {
  const url = invokeUrlFromState(i.state);
  const fromState = url ? parseInvokeUrl(url) : undefined;
  if (fromState) return fromState;
  const { GetRestApisCommand } = await import('@aws-sdk/client-api-gateway');
  const apis = await (await i.clients.apiGateway()).send(new GetRestApisCommand({ limit: 500 }), { abortSignal: i.signal });
  const api = (apis.items ?? []).find((a) => a.name === API_NAME);
  return api?.id ? { apiId: api.id, stage: STAGE_NAME } : undefined;
}

async function apiChecks(i: LabCheckInput, functionExists: boolean): Promise<Check[]> {
  const { GetStageCommand } = await import('@aws-sdk/client-api-gateway');
  const addr = await findStage(i);
  if (!addr) return [check('api', `API ${API_NAME}`, 'skip', 'not created yet (step 4)')];
  const out: Check[] = [];
  try {
    const stage = await (await i.clients.apiGateway()).send(new GetStageCommand({ restApiId: addr.apiId, stageName: addr.stage }), { abortSignal: i.signal });
    out.push(check('api', `API ${API_NAME}`, 'ok', `${addr.apiId}, stage ${addr.stage}`));
    out.push(stage.tracingEnabled
      ? check('stage-tracing', 'Stage tracing', 'ok', 'enabled')
      : check('stage-tracing', 'Stage tracing', 'fail', `tracing is off on stage ${addr.stage}: API Gateway samples nothing, so no trace starts`, `aws apigateway update-stage --rest-api-id ${addr.apiId} --stage-name ${addr.stage} --patch-operations op=replace,path=/tracingEnabled,value=true`));
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return [check('api', `API ${API_NAME}`, 'warn', `stage ${addr.stage} of API ${addr.apiId} does not exist`, SETUP)];
  }
  if (functionExists) out.push(await invokePermissionCheck(i, addr.apiId));
  return out;
}

async function invokePermissionCheck(i: LabCheckInput, apiId: string): Promise<Check> {
  const { GetPolicyCommand } = await import('@aws-sdk/client-lambda');
  const title = 'API Gateway may invoke the function';
  const missing = check('invoke-permission', title, 'fail', 'no resource-policy statement lets apigateway.amazonaws.com invoke the function: the API answers 500', `aws lambda add-permission --function-name ${FUNCTION_NAME} --statement-id apigateway-invoke --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn "arn:aws:execute-api:*:*:${apiId}/*/*/*"`);
  let policy: string | undefined;
  try {
    policy = (await (await i.clients.lambda()).send(new GetPolicyCommand({ FunctionName: FUNCTION_NAME }), { abortSignal: i.signal })).Policy;
  } catch (e) {
    if (isNotFound(e)) return missing;
    throw e;
  }
  type Statement = { Effect?: string; Principal?: { Service?: string | string[] } | string; Action?: string | string[]; Condition?: Record<string, Record<string, string>> };
  const statements = (JSON.parse(policy ?? '{}') as { Statement?: Statement[] }).Statement ?? [];
  const ok = statements.some((s) => {
    const svc = typeof s.Principal === 'object' ? [s.Principal.Service ?? []].flat() : [];
    const actions = [s.Action ?? []].flat();
    const source = s.Condition?.ArnLike?.['AWS:SourceArn'];
    return s.Effect === 'Allow' && svc.includes('apigateway.amazonaws.com') && actions.some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*')
      && (source === undefined || source.includes(apiId) || source.includes(':*/') || /:\*$/.test(source));
  });
  return ok ? check('invoke-permission', title, 'ok', `allowed for API ${apiId}`) : missing;
}

async function recentTracesCheck(i: LabCheckInput): Promise<Check> {
  const { GetTraceSummariesCommand } = await import('@aws-sdk/client-xray');
  const title = 'Recent traces';
  try {
    const res = await (await i.clients.xray()).send(new GetTraceSummariesCommand({ StartTime: new Date(i.now - 15 * 60_000), EndTime: new Date(i.now) }), { abortSignal: i.signal });
    const n = res.TraceSummaries?.length ?? 0;
    if (n > 0) return check('traces', title, 'ok', `${n}${res.NextToken ? '+' : ''} traces in the last 15 minutes`);
    return i.target === 'aws'
      ? check('traces', title, 'warn', 'no traces in the last 15 minutes', 'On AWS new traces take 2–3 minutes to become searchable: if you just sent requests, wait and look again; else fix the failures above and run `xray-lab load`.')
      : check('traces', title, 'warn', 'no traces in the last 15 minutes', 'Send some with `xray-lab load`.');
  } catch (e) {
    if (i.signal.aborted) throw e;
    if (isDenied(e)) return check('traces', title, 'warn', 'xray:GetTraceSummaries is denied, so traces cannot be read', 'Grant it (AWSXrayReadOnlyAccess) to look at traces.');
    if (i.target === 'local') return check('traces', title, 'skip', `this local cloud cannot query traces (${errorCode(e) ?? (e as Error).name})`);
    throw e;
  }
}

export async function labChecks(i: LabCheckInput): Promise<Check[]> {
  const table = await tableCheck(i);
  const fn = await functionChecks(i);
  const api = await apiChecks(i, fn.exists);
  return [table, ...fn.checks, ...api, await recentTracesCheck(i)];
}
