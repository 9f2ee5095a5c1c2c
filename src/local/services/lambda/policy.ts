/**
 * Resource-based policy of a function (AddPermission / GetPolicy / RemovePermission) and the check
 * API Gateway's data plane makes before invoking: does a statement allow this principal from this
 * source ARN? https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
 */
import { ServiceError } from '../../core/errors.js';
import type { PolicyStatement, StoredFunction } from './model.js';
import { invalidParameter, validationError } from './validate.js';

const SID_RE = /^[a-zA-Z0-9-_]{1,100}$/;
const ACTION_RE = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;

export function buildStatement(fn: StoredFunction, input: Record<string, unknown>): PolicyStatement {
  const sid = input.StatementId;
  if (typeof sid !== 'string' || !SID_RE.test(sid)) throw validationError(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
  const action = input.Action;
  if (typeof action !== 'string' || !ACTION_RE.test(action)) throw validationError(action, 'action', 'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])');
  const principal = input.Principal;
  if (typeof principal !== 'string' || principal === '') throw invalidParameter('Principal is required.');
  if (fn.policy.some((s) => s.Sid === sid)) {
    throw new ServiceError('ResourceConflictException', `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`, 409, { Type: 'User' });
  }
  const condition: Record<string, Record<string, string>> = {};
  if (typeof input.SourceArn === 'string') condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
  if (typeof input.SourceAccount === 'string') condition.StringEquals = { 'AWS:SourceAccount': input.SourceAccount };
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(principal),
    Action: action,
    Resource: fn.FunctionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

function principalOf(p: string): PolicyStatement['Principal'] {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  return { Service: p };
}

export function policyDocument(fn: StoredFunction): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: fn.policy });
}

export function checkRevision(fn: StoredFunction, revisionId: unknown): void {
  if (typeof revisionId === 'string' && revisionId !== (fn.policyRevisionId ?? fn.RevisionId)) {
    throw new ServiceError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      412,
      { Type: 'User' },
    );
  }
}

const compiledArnPatterns = new Map<string, RegExp>();

/** IAM `ArnLike`: `*` matches any run of characters (slashes included), `?` exactly one. */
export function arnLike(pattern: string, value: string): boolean {
  let re = compiledArnPatterns.get(pattern);
  if (!re) {
    // API Gateway checks every request against the function's policy: compile each pattern once.
    if (compiledArnPatterns.size >= 256) compiledArnPatterns.clear();
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    compiledArnPatterns.set(pattern, re);
  }
  return re.test(value);
}

/** Would this function's policy let `principal` (e.g. apigateway.amazonaws.com) invoke it from `sourceArn`? */
export function allows(fn: StoredFunction, principal: string, sourceArn?: string, sourceAccount?: string): boolean {
  return fn.policy.some((s) => {
    if (!['lambda:InvokeFunction', 'lambda:*', '*'].includes(s.Action)) return false;
    const p = s.Principal;
    if (p !== '*' && !('Service' in p && p.Service === principal)) return false;
    const arnCond = s.Condition?.ArnLike?.['AWS:SourceArn'];
    if (arnCond !== undefined && (sourceArn === undefined || !arnLike(arnCond, sourceArn))) return false;
    const acctCond = s.Condition?.StringEquals?.['AWS:SourceAccount'];
    if (acctCond !== undefined && acctCond !== sourceAccount) return false;
    return true;
  });
}
