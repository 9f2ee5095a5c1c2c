/** IAM roles as the local cloud stores them, and the AWS managed policies it knows by ARN. */
import { ServiceError } from '../../core/errors.js';

export interface StoredRole {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  /** Epoch ms, for the simulated IAM propagation delay. */
  createdMs: number;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags: { Key: string; Value: string }[];
  attached: { PolicyName: string; PolicyArn: string }[];
  inline: Record<string, string>;
}

/** The managed policies the lab (and its least-privilege alternative) attach. */
export const MANAGED_POLICIES: Record<string, string> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': 'AWSLambdaBasicExecutionRole',
  'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess': 'AWSXRayDaemonWriteAccess',
  'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess': 'AmazonDynamoDBFullAccess',
  'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess_v2': 'AmazonDynamoDBFullAccess_v2',
  'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess': 'AmazonDynamoDBReadOnlyAccess',
  'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess': 'AWSXrayWriteOnlyAccess',
  'arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess': 'AWSXrayReadOnlyAccess',
  'arn:aws:iam::aws:policy/AWSXrayFullAccess': 'AWSXrayFullAccess',
  'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole': 'AWSLambdaDynamoDBExecutionRole',
  'arn:aws:iam::aws:policy/AWSLambdaExecute': 'AWSLambdaExecute',
};

/** IAM's answer to a request that breaks a member's constraint (awsQuery `ValidationError`, 400). */
export function validationError(detail: string): ServiceError {
  return new ServiceError('ValidationError', `1 validation error detected: ${detail}`, 400);
}

const NAME_RE = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME_RE = /^[\w+=,.@-]{1,128}$/;

export function validateRoleName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw validationError(`Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and length 1-64`);
  }
}

export function validatePolicyName(name: string): void {
  if (!POLICY_NAME_RE.test(name)) {
    throw validationError(`Value '${name}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  }
}

/** A policy must be a JSON object with a Statement; AWS answers MalformedPolicyDocument otherwise. */
export function validatePolicyDocument(doc: string, trust = false): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw new ServiceError('MalformedPolicyDocument', 'Syntax errors in policy.', 400);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ServiceError('MalformedPolicyDocument', 'Syntax errors in policy.', 400);
  }
  const p = parsed as Record<string, unknown>;
  if (p.Version !== undefined && p.Version !== '2012-10-17' && p.Version !== '2008-10-17') {
    throw new ServiceError('MalformedPolicyDocument', 'The policy must contain a valid version string', 400);
  }
  const statements = Array.isArray(p.Statement) ? p.Statement : p.Statement ? [p.Statement] : [];
  if (statements.length === 0) throw new ServiceError('MalformedPolicyDocument', 'Policy document must contain at least one Statement.', 400);
  for (const s of statements as Record<string, unknown>[]) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new ServiceError('MalformedPolicyDocument', 'Invalid effect: each Statement needs an Effect of Allow or Deny.', 400);
    if (!s.Action && !s.NotAction) throw new ServiceError('MalformedPolicyDocument', 'Policy statement must contain actions.', 400);
    if (trust && !s.Principal) throw new ServiceError('MalformedPolicyDocument', 'Has prohibited field Resource or missing Principal in a trust policy.', 400);
    if (!trust && !s.Resource && !s.NotResource) throw new ServiceError('MalformedPolicyDocument', 'Policy statement must contain resources.', 400);
  }
}

/** The XML shape of a role (`<Role>` element). The trust policy goes out URL-encoded, as AWS sends it. */
export function roleOutput(r: StoredRole): Record<string, unknown> {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeURIComponent(r.AssumeRolePolicyDocument),
    Description: r.Description,
    MaxSessionDuration: r.MaxSessionDuration,
    Tags: r.Tags.length ? r.Tags : undefined,
  };
}
