/**
 * IAM (awsQuery, 2010-05-08): roles, their managed and inline policies, and tags — what the lab's
 * step 3 and its teardown use. https://docs.aws.amazon.com/IAM/latest/APIReference/
 * Copies AWS's error codes (NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict 409,
 * MalformedPolicyDocument 400) and the rule that a role with policies cannot be deleted.
 * Left out on purpose: users, groups, customer managed policies, instance profiles, policy evaluation.
 */
import { ServiceError } from '../../core/errors.js';
import { Collection } from '../../core/db.js';
import type { LocalService } from '../../core/types.js';
import type { LocalCloudEnv } from '../../env.js';
import { awsQueryService, requireParam, type QueryInput } from '../../protocols/aws-query.js';
import { MANAGED_POLICIES, roleOutput, validatePolicyDocument, validatePolicyName, validateRoleName, validationError, type StoredRole } from './model.js';

type Tag = { Key: string; Value: string };

export interface IamApi {
  service: LocalService;
  /** Lambda asks this before accepting a role: it must exist and have "propagated". */
  roleAssumable(roleArn: string): 'ok' | 'missing' | 'propagating';
  roles: Collection<StoredRole>;
}

/** `Tags.member.N.Key/Value` as parsed → the tags, each checked against IAM's Tag shape (Key 1–128, Value 0–256). */
function checkTags(raw: unknown): Tag[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validationError("Value at 'tags' failed to satisfy constraint: Member must be a list; send Tags.member.N.Key and Tags.member.N.Value");
  const tags: Tag[] = [];
  raw.forEach((t: unknown, i) => {
    const at = `tags.${i + 1}.member`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw validationError(`Value at '${at}' failed to satisfy constraint: Member must have a Key and a Value`);
    const { Key, Value } = t as Record<string, unknown>;
    if (typeof Key !== 'string') throw validationError(`Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
    if (Key.length < 1 || Key.length > 128) throw validationError(`Value '${Key}' at '${at}.key' failed to satisfy constraint: Member must have length from 1 to 128`);
    if (typeof Value !== 'string') throw validationError(`Value null at '${at}.value' failed to satisfy constraint: Member must not be null`);
    if (Value.length > 256) throw validationError(`Value at '${at}.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
    tags.push({ Key, Value });
  });
  return tags;
}

export function createIamService(env: LocalCloudEnv): IamApi {
  const roles = new Collection<StoredRole>(env.db, 'iam.roles');

  const getRole = (input: QueryInput): StoredRole => {
    const name = requireParam(input, 'RoleName');
    const role = roles.get(name);
    if (!role) throw new ServiceError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  };
  const tagsOf = (input: QueryInput): Tag[] => checkTags(input.Tags);
  const mergeTags = (existing: Tag[], added: Tag[]): Tag[] => {
    const map = new Map(existing.map((t) => [t.Key, t.Value]));
    for (const t of added) map.set(t.Key, t.Value ?? '');
    if (map.size > 50) throw new ServiceError('LimitExceeded', 'Cannot exceed quota for TagsPerRole: 50.', 409);
    return [...map].map(([Key, Value]) => ({ Key, Value }));
  };
  const paginate = <T>(items: T[], input: QueryInput): { page: T[]; IsTruncated: boolean; Marker?: string } => {
    const max = input.MaxItems === undefined ? 100 : Number(input.MaxItems);
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      throw validationError(`Value '${String(input.MaxItems)}' at 'maxItems' failed to satisfy constraint: Member must be a whole number from 1 to 1000`);
    }
    // A marker is only ever one this service handed out: a position, so every page moves forward.
    const start = input.Marker === undefined ? 0 : Number(input.Marker);
    if (!/^\d+$/.test(String(input.Marker ?? '0')) || start > items.length) {
      throw validationError(`Value '${String(input.Marker)}' at 'marker' is not a marker this service returned: start again without Marker`);
    }
    const page = items.slice(start, start + max);
    const next = start + max;
    return next < items.length ? { page, IsTruncated: true, Marker: String(next) } : { page, IsTruncated: false };
  };

  const service = awsQueryService({
    name: 'iam',
    title: 'IAM',
    version: '2010-05-08',
    xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
    operations: {
      CreateRole: (input) => {
        const name = requireParam(input, 'RoleName');
        validateRoleName(name);
        const doc = requireParam(input, 'AssumeRolePolicyDocument');
        validatePolicyDocument(doc, true);
        if (roles.has(name)) throw new ServiceError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
        const path = typeof input.Path === 'string' ? input.Path : '/';
        const now = env.clock.now();
        const role: StoredRole = {
          RoleName: name,
          RoleId: `AROA${env.ids.alnum(17).toUpperCase()}`,
          Arn: `arn:aws:iam::${env.accountId}:role${path}${name}`,
          Path: path,
          CreateDate: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          createdMs: now,
          AssumeRolePolicyDocument: doc,
          Description: typeof input.Description === 'string' ? input.Description : undefined,
          MaxSessionDuration: input.MaxSessionDuration ? Number(input.MaxSessionDuration) : 3600,
          Tags: mergeTags([], tagsOf(input)),
          attached: [],
          inline: {},
        };
        roles.put(name, role);
        return { Role: roleOutput(role) };
      },
      GetRole: (input) => ({ Role: roleOutput(getRole(input)) }),
      ListRoles: (input) => {
        const prefix = typeof input.PathPrefix === 'string' ? input.PathPrefix : '/';
        const { page, ...rest } = paginate(roles.values().filter((r) => r.Path.startsWith(prefix)), input);
        return { Roles: page.map(roleOutput), ...rest };
      },
      DeleteRole: (input) => {
        const role = getRole(input);
        if (role.attached.length > 0 || Object.keys(role.inline).length > 0) {
          throw new ServiceError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
        }
        roles.delete(role.RoleName);
      },
      AttachRolePolicy: (input) => {
        const role = getRole(input);
        const arn = requireParam(input, 'PolicyArn');
        const policyName = MANAGED_POLICIES[arn];
        if (!policyName) throw new ServiceError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
        if (!role.attached.some((p) => p.PolicyArn === arn)) {
          roles.put(role.RoleName, { ...role, attached: [...role.attached, { PolicyName: policyName, PolicyArn: arn }] });
        }
      },
      DetachRolePolicy: (input) => {
        const role = getRole(input);
        const arn = requireParam(input, 'PolicyArn');
        if (!role.attached.some((p) => p.PolicyArn === arn)) throw new ServiceError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
        roles.put(role.RoleName, { ...role, attached: role.attached.filter((p) => p.PolicyArn !== arn) });
      },
      ListAttachedRolePolicies: (input) => {
        const role = getRole(input);
        const { page, ...rest } = paginate(role.attached, input);
        return { AttachedPolicies: page, ...rest };
      },
      PutRolePolicy: (input) => {
        const role = getRole(input);
        const policyName = requireParam(input, 'PolicyName');
        validatePolicyName(policyName);
        const doc = requireParam(input, 'PolicyDocument');
        validatePolicyDocument(doc);
        roles.put(role.RoleName, { ...role, inline: { ...role.inline, [policyName]: doc } });
      },
      GetRolePolicy: (input) => {
        const role = getRole(input);
        const policyName = requireParam(input, 'PolicyName');
        const doc = role.inline[policyName];
        if (doc === undefined) throw new ServiceError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
        return { RoleName: role.RoleName, PolicyName: policyName, PolicyDocument: encodeURIComponent(doc) };
      },
      DeleteRolePolicy: (input) => {
        const role = getRole(input);
        const policyName = requireParam(input, 'PolicyName');
        if (role.inline[policyName] === undefined) throw new ServiceError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
        const inline = { ...role.inline };
        delete inline[policyName];
        roles.put(role.RoleName, { ...role, inline });
      },
      ListRolePolicies: (input) => {
        const role = getRole(input);
        const { page, ...rest } = paginate(Object.keys(role.inline), input);
        return { PolicyNames: page, ...rest };
      },
      TagRole: (input) => {
        const role = getRole(input);
        roles.put(role.RoleName, { ...role, Tags: mergeTags(role.Tags, tagsOf(input)) });
      },
      UntagRole: (input) => {
        const role = getRole(input);
        const keys = new Set((input.TagKeys as string[] | undefined) ?? []);
        roles.put(role.RoleName, { ...role, Tags: role.Tags.filter((t) => !keys.has(t.Key)) });
      },
      ListRoleTags: (input) => {
        const role = getRole(input);
        const { page, ...rest } = paginate(role.Tags, input);
        return { Tags: page, ...rest };
      },
    },
  });

  return {
    service,
    roles,
    roleAssumable(roleArn) {
      const role = roles.values().find((r) => r.Arn === roleArn);
      if (!role) return 'missing';
      const delay = env.faults.iamPropagationMs ?? 0;
      return env.clock.now() - role.createdMs < delay ? 'propagating' : 'ok';
    },
  };
}
