/**
 * The execution role's documents. The guide attaches three managed policies, one of them
 * AmazonDynamoDBFullAccess (`dynamodb:*` on every table: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonDynamoDBFullAccess.html); by default
 * xray-lab writes one inline policy with exactly what `user-service` does instead.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow';
  Action: string | string[];
  Resource: string | string[];
  Principal?: Record<string, string>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Lets the Lambda service, and only it, assume the role. */
export const LAMBDA_TRUST_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }],
};

/** The trust policy as IAM wants it: trust policies carry no Resource element. */
export function trustPolicyJson(): string {
  return JSON.stringify({
    Version: LAMBDA_TRUST_POLICY.Version,
    Statement: LAMBDA_TRUST_POLICY.Statement.map(({ Effect, Principal, Action }) => ({ Effect, Principal, Action })),
  });
}

/** The guide's managed policies, used with `--lab-policies`. */
export const LAB_MANAGED_POLICIES = [
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
  'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess',
] as const;

export const INLINE_POLICY_NAME = 'xray-lab-user-service';

export interface LeastPrivilegeInput {
  partition?: string;
  region: string;
  accountId: string;
  functionName: string;
  tableArn: string;
}

/**
 * Exactly what the function needs: send its trace segments (X-Ray's write actions support no resource
 * scoping, hence "*"), write its own log group, and read one item from the one table.
 */
export function leastPrivilegePolicy(i: LeastPrivilegeInput): PolicyDocument {
  const p = i.partition ?? 'aws';
  const logGroup = `arn:${p}:logs:${i.region}:${i.accountId}:log-group:/aws/lambda/${i.functionName}`;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'XRayWriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      { Sid: 'CreateOwnLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: `${logGroup}:*` },
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroup}:log-stream:*` },
      { Sid: 'ReadUserProfiles', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: i.tableArn },
    ],
  };
}

/** Shown when the learner asks for the guide's policies. */
export const WHY_LEAST_PRIVILEGE =
  "The guide's policies grant far more than user-service uses: AmazonDynamoDBFullAccess lets the function read, write and delete every DynamoDB table in the account (and more). xray-lab's default inline policy allows only dynamodb:GetItem on the UserProfiles table, writes to its own log group, and sending trace segments, so a bug or a leaked credential in the function can do much less harm.";
