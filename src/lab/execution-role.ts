/**
 * Step 3's IAM half: the XRayLambdaRole and its permissions, recorded one by one so teardown removes
 * the policies before the role. Re-running adopts a role this state recorded and switches between the
 * least-privilege inline policy and the guide's managed policies as asked.
 */
import type { Role } from '@aws-sdk/client-iam';
import { orUndefinedIfNotFound } from './aws-errors.js';
import { newRecord, type LabContext } from './context.js';
import { RUN_TAG_KEY } from './guide.js';
import { INLINE_POLICY_NAME, LAB_MANAGED_POLICIES, leastPrivilegePolicy, trustPolicyJson, type PolicyDocument } from './iam-policy.js';
import type { ResourceRecord } from './state-types.js';
import { deleteBefore } from './teardown-plan.js';
import { RESOURCE_TYPES, type ResourceType } from './resource-types.js';
import { deleteResource } from './delete.js';
import { unrecordedResourceError } from './unrecorded.js';

export const ROLE_TYPE = RESOURCE_TYPES.role;
export const INLINE_POLICY_TYPE = RESOURCE_TYPES.rolePolicy;
export const ATTACHED_POLICY_TYPE = RESOURCE_TYPES.attachedRolePolicy;

export interface RoleRequest {
  step: string;
  roleName: string;
  functionName: string;
  tableArn: string;
  labPolicies: boolean;
}

export interface RoleResult {
  roleArn: string;
  adopted: boolean;
  /** The inline policy, when least privilege is used. */
  inlinePolicy?: PolicyDocument;
  managedPolicies: string[];
}

async function getRole(ctx: LabContext, name: string): Promise<Role | undefined> {
  const { GetRoleCommand } = await import('@aws-sdk/client-iam');
  const iam = await ctx.clients.iam();
  return (await orUndefinedIfNotFound(iam.send(new GetRoleCommand({ RoleName: name }), { abortSignal: ctx.signal })))?.Role;
}

export async function ensureExecutionRole(ctx: LabContext, req: RoleRequest): Promise<RoleResult> {
  const iam = await ctx.clients.iam();
  const { CreateRoleCommand, PutRolePolicyCommand, AttachRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const recorded = ctx.state.find(req.step, ROLE_TYPE, req.roleName);
  const existing = await getRole(ctx, req.roleName);
  if (existing && !recorded) {
    throw unrecordedResourceError(ctx, `An IAM role named ${req.roleName}`, existing.Tags, 'Delete it (or use another account), then run this step again.');
  }

  let roleArn: string;
  const roleBase = { step: req.step, type: ROLE_TYPE, id: req.roleName, name: req.roleName };
  if (existing) {
    roleArn = existing.Arn!;
    ctx.io.info(`Using role ${req.roleName}, created by xray-lab on ${recorded!.createdAt}.`);
    if (!recorded!.arn) await ctx.state.record({ ...recorded!, arn: roleArn, status: 'created' });
  } else {
    await ctx.state.record(newRecord(ctx, { ...roleBase, status: 'creating' }));
    const task = ctx.io.task(`Creating IAM role ${req.roleName}`);
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: req.roleName,
        AssumeRolePolicyDocument: trustPolicyJson(),
        Description: 'Execution role of the xray-lab user-service function',
        Tags: [{ Key: RUN_TAG_KEY, Value: ctx.runId }],
      }),
      { abortSignal: ctx.signal },
    );
    roleArn = out.Role!.Arn!;
    await ctx.state.record(newRecord(ctx, { ...roleBase, arn: roleArn }));
    task.succeed(`Created IAM role ${req.roleName} (only the Lambda service may assume it)`);
  }
  const policyRecord = (type: ResourceType, id: string, extra: Record<string, unknown>): ResourceRecord =>
    newRecord(ctx, { step: req.step, type, id, name: id, extra: { roleName: req.roleName, ...deleteBefore({ type: ROLE_TYPE, id: req.roleName }), ...extra } });

  if (req.labPolicies) {
    for (const arn of LAB_MANAGED_POLICIES) {
      // Recorded before the call: a crash after IAM acted would otherwise leave a role that cannot be deleted.
      if (!ctx.state.find(req.step, ATTACHED_POLICY_TYPE, arn)) await ctx.state.record(policyRecord(ATTACHED_POLICY_TYPE, arn, {}));
      await iam.send(new AttachRolePolicyCommand({ RoleName: req.roleName, PolicyArn: arn }), { abortSignal: ctx.signal });
    }
    ctx.io.info(`Attached the guide's managed policies to ${req.roleName}: ${LAB_MANAGED_POLICIES.map((a) => a.split('/').pop()).join(', ')}.`);
    await removeRecorded(ctx, req.step, INLINE_POLICY_TYPE);
    return { roleArn, adopted: Boolean(existing), managedPolicies: [...LAB_MANAGED_POLICIES] };
  }

  const policy = leastPrivilegePolicy({
    partition: roleArn.split(':')[1],
    region: ctx.region,
    accountId: ctx.accountId,
    functionName: req.functionName,
    tableArn: req.tableArn,
  });
  // Recorded before the call (the name is fixed): DeleteRole refuses a role that still has a policy.
  if (!ctx.state.find(req.step, INLINE_POLICY_TYPE, INLINE_POLICY_NAME)) await ctx.state.record(policyRecord(INLINE_POLICY_TYPE, INLINE_POLICY_NAME, {}));
  await iam.send(
    new PutRolePolicyCommand({ RoleName: req.roleName, PolicyName: INLINE_POLICY_NAME, PolicyDocument: JSON.stringify(policy) }),
    { abortSignal: ctx.signal },
  );
  ctx.io.info(`Gave ${req.roleName} the inline policy ${INLINE_POLICY_NAME}: traces, its own logs, and dynamodb:GetItem on ${req.tableArn} only.`);
  await removeRecorded(ctx, req.step, ATTACHED_POLICY_TYPE);
  return { roleArn, adopted: Boolean(existing), inlinePolicy: policy, managedPolicies: [] };
}

/** Drops the permissions of the other mode that an earlier run recorded. */
async function removeRecorded(ctx: LabContext, step: string, type: ResourceType): Promise<void> {
  for (const r of ctx.state.resources().filter((x) => x.step === step && x.type === type)) {
    await deleteResource(ctx, r);
    await ctx.state.remove(r);
  }
}

