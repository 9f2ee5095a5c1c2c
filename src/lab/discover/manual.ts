/** The AWS CLI command that deletes a resource by hand, for what teardown could not delete. */
import { RESOURCE_TYPES as T } from '../resource-types.js';

export interface ManualTarget {
  region: string;
  /** The local cloud's endpoint; omitted on AWS. */
  endpoint?: string;
}

const q = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Lines of shell, one command per line; undefined for a type xray-lab does not know. */
export function manualCommands(type: string, id: string, t: ManualTarget): string[] | undefined {
  const tail = `--region ${q(t.region)}${t.endpoint ? ` --endpoint-url ${q(t.endpoint)}` : ''}`;
  const n = q(id);
  switch (type) {
    case T.samplingRule:
      return [`aws xray delete-sampling-rule --rule-name ${n} ${tail}`];
    case T.table:
      return [`aws dynamodb delete-table --table-name ${n} ${tail}`];
    case T.function:
      return [`aws lambda delete-function --function-name ${n} ${tail}`];
    case T.restApi:
      return [`aws apigateway delete-rest-api --rest-api-id ${n} ${tail}`];
    case T.logGroup:
      return [`aws logs delete-log-group --log-group-name ${n} ${tail}`];
    case T.role:
      // A role goes only once its policies are gone; the loops below do that with the CLI alone.
      return [
        `for arn in $(aws iam list-attached-role-policies --role-name ${n} --query 'AttachedPolicies[].PolicyArn' --output text ${tail}); do aws iam detach-role-policy --role-name ${n} --policy-arn "$arn" ${tail}; done`,
        `for p in $(aws iam list-role-policies --role-name ${n} --query 'PolicyNames[]' --output text ${tail}); do aws iam delete-role-policy --role-name ${n} --policy-name "$p" ${tail}; done`,
        `aws iam delete-role --role-name ${n} ${tail}`,
      ];
    default:
      return undefined;
  }
}
