/**
 * The Lambda resource-policy statement that lets API Gateway invoke the function. Its StatementId is
 * fixed, so a re-run finds it: kept when it already grants exactly this source ARN, replaced otherwise
 * (e.g. after the API was recreated and has a new id).
 */
import { orUndefinedIfNotFound } from './aws-errors.js';
import { newRecord, type LabContext } from './context.js';
import { RESOURCE_TYPES } from './resource-types.js';

export const PERMISSION_TYPE = RESOURCE_TYPES.permission;
export const STATEMENT_ID = 'xray-lab-apigateway-invoke';

interface PolicyStatement {
  Sid?: string;
  Condition?: { ArnLike?: Record<string, string> };
}

async function currentSourceArn(ctx: LabContext, functionName: string): Promise<string | undefined | null> {
  const { GetPolicyCommand } = await import('@aws-sdk/client-lambda');
  // A function without any resource policy answers ResourceNotFoundException.
  const out = await orUndefinedIfNotFound((await ctx.clients.lambda()).send(new GetPolicyCommand({ FunctionName: functionName }), { abortSignal: ctx.signal }));
  if (!out) return undefined;
  const doc = JSON.parse(out.Policy ?? '{}') as { Statement?: PolicyStatement[] };
  const st = (doc.Statement ?? []).find((s) => s.Sid === STATEMENT_ID);
  // null: the statement exists but grants some other source.
  return st ? (st.Condition?.ArnLike?.['AWS:SourceArn'] ?? null) : undefined;
}

export async function ensureInvokePermission(ctx: LabContext, p: { step: string; functionName: string; sourceArn: string }): Promise<void> {
  const { AddPermissionCommand, RemovePermissionCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await ctx.clients.lambda();
  const current = await currentSourceArn(ctx, p.functionName);
  if (current !== p.sourceArn) {
    if (current !== undefined) {
      await lambda.send(new RemovePermissionCommand({ FunctionName: p.functionName, StatementId: STATEMENT_ID }), { abortSignal: ctx.signal });
    }
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: p.functionName,
        StatementId: STATEMENT_ID,
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: p.sourceArn,
        SourceAccount: ctx.accountId,
      }),
      { abortSignal: ctx.signal },
    );
  }
  const id = `${p.functionName}/${STATEMENT_ID}`;
  const recorded = ctx.state.find(p.step, PERMISSION_TYPE, id);
  if (!recorded || recorded.extra?.sourceArn !== p.sourceArn) {
    await ctx.state.record(newRecord(ctx, { step: p.step, type: PERMISSION_TYPE, id, name: STATEMENT_ID, extra: { functionName: p.functionName, statementId: STATEMENT_ID, sourceArn: p.sourceArn } }));
  }
}

