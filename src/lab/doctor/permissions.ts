/** One harmless read per service the lab uses; "access denied" becomes the IAM action that is missing. */
import type { Clients } from '../clients.js';
import { ROLE_NAME } from '../guide.js';
import { isNotFound } from '../aws-errors.js';
import { check, isDenied, type Check } from './types.js';

interface Probe {
  action: string;
  run(clients: Clients, signal: AbortSignal): Promise<unknown>;
}

const PROBES: Probe[] = [
  { action: 'xray:GetSamplingRules', run: async (c, abortSignal) => (await c.xray()).send(new (await import('@aws-sdk/client-xray')).GetSamplingRulesCommand({}), { abortSignal }) },
  { action: 'dynamodb:ListTables', run: async (c, abortSignal) => (await c.dynamodb()).send(new (await import('@aws-sdk/client-dynamodb')).ListTablesCommand({ Limit: 1 }), { abortSignal }) },
  // GetRole on the lab's role; "no such role" still proves the permission.
  { action: 'iam:GetRole', run: async (c, abortSignal) => (await c.iam()).send(new (await import('@aws-sdk/client-iam')).GetRoleCommand({ RoleName: ROLE_NAME }), { abortSignal }) },
  { action: 'lambda:ListFunctions', run: async (c, abortSignal) => (await c.lambda()).send(new (await import('@aws-sdk/client-lambda')).ListFunctionsCommand({ MaxItems: 1 }), { abortSignal }) },
  { action: 'apigateway:GET', run: async (c, abortSignal) => (await c.apiGateway()).send(new (await import('@aws-sdk/client-api-gateway')).GetRestApisCommand({ limit: 1 }), { abortSignal }) },
  { action: 'logs:DescribeLogGroups', run: async (c, abortSignal) => (await c.logs()).send(new (await import('@aws-sdk/client-cloudwatch-logs')).DescribeLogGroupsCommand({ limit: 1 }), { abortSignal }) },
];

export async function permissionChecks(clients: Clients, signal: AbortSignal): Promise<Check[]> {
  const denied: string[] = [];
  const broken: string[] = [];
  await Promise.all(PROBES.map(async (p) => {
    try {
      await p.run(clients, signal);
    } catch (e) {
      if (signal.aborted) throw e;
      if (isNotFound(e)) return;
      if (isDenied(e)) denied.push(p.action);
      else broken.push(`${p.action}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }));
  const checks: Check[] = [];
  if (denied.length) {
    checks.push(check('permissions', 'Permissions', 'fail', `access denied for ${denied.sort().join(', ')}`, "Grant these actions (the lab also writes with them: see the lab's IAM notes), or use another profile."));
  } else if (broken.length === 0) {
    checks.push(check('permissions', 'Permissions', 'ok', `read access to X-Ray, DynamoDB, IAM, Lambda, API Gateway and CloudWatch Logs (${PROBES.map((p) => p.action).join(', ')})`));
  }
  if (broken.length) checks.push(check('services', 'Service reachability', 'fail', broken.sort().join('; '), 'Check the region, the endpoint and the network.'));
  return checks;
}
