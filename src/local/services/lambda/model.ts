/** Lambda functions as the local cloud stores them, their wire shape, and how a FunctionName resolves. */
import { ServiceError } from '../../core/errors.js';

export type TracingMode = 'Active' | 'PassThrough';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: '*' | { Service: string } | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface StoredFunction {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Role: string;
  Handler: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment: Record<string, string>;
  TracingMode: TracingMode;
  Architectures: string[];
  EphemeralStorageMb: number;
  LogFormat: 'Text' | 'JSON';
  LogGroup: string;
  CodeSha256: string;
  CodeSize: number;
  /** Hex form of the code hash: names the directory holding the extracted package. */
  codeKey: string;
  LastModified: string;
  RevisionId: string;
  Tags: Record<string, string>;
  policy: PolicyStatement[];
  policyRevisionId?: string;
  /** PutFunctionConcurrency's value; absent = the function uses the account's unreserved pool. */
  reservedConcurrency?: number;
}

/** The Runtime enum of the current Lambda model: all accepted, only Node ones can run locally. */
export const RUNTIMES = new Set(
  (
    'nodejs nodejs4.3 nodejs6.10 nodejs8.10 nodejs10.x nodejs12.x nodejs14.x nodejs16.x nodejs18.x nodejs20.x nodejs22.x ' +
    'nodejs24.x nodejs26.x nodejs4.3-edge java8 java8.al2 java8.al2023 java11 java11.al2023 java17 java17.al2023 java21 java25 ' +
    'python2.7 python3.6 python3.7 python3.8 python3.9 python3.10 python3.11 python3.12 python3.13 python3.14 python3.15 ' +
    'dotnetcore1.0 dotnetcore2.0 dotnetcore2.1 dotnetcore3.1 dotnet6 dotnet8 dotnet10 go1.x ruby2.5 ruby2.7 ruby3.2 ruby3.3 ' +
    'ruby3.4 ruby4.0 provided provided.al2 provided.al2023'
  ).split(' '),
);

export const isNodeRuntime = (runtime: string): boolean => runtime.startsWith('nodejs');

/** Lambda's LastModified is a string with milliseconds and a `+0000` offset, unlike other JSON timestamps. */
export const lastModified = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

export const functionArn = (region: string, accountId: string, name: string): string => `arn:aws:lambda:${region}:${accountId}:function:${name}`;

export function notFound(arn: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Function not found: ${arn}`, 404, { Type: 'User' });
}

const NAME_FORMS = [
  /^(?<name>[a-zA-Z0-9_-]{1,64})(?::(?<qualifier>[a-zA-Z0-9$_-]+))?$/,
  /^(?<account>\d{12}):function:(?<name>[a-zA-Z0-9_-]{1,64})(?::(?<qualifier>[a-zA-Z0-9$_-]+))?$/,
  /^arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z]{2}(?:-[a-z]+)+-\d):(?<account>\d{12}):function:(?<name>[a-zA-Z0-9_-]{1,64})(?::(?<qualifier>[a-zA-Z0-9$_-]+))?$/,
];

export interface FunctionRef {
  name: string;
  qualifier?: string;
  account?: string;
  region?: string;
}

/** FunctionName may be a name, a partial ARN `acct:function:name` or a full ARN, each optionally `:qualifier`. */
export function parseFunctionName(value: string, field = 'functionName'): FunctionRef {
  for (const re of NAME_FORMS) {
    const m = re.exec(value);
    if (m?.groups) return { name: m.groups.name!, qualifier: m.groups.qualifier, account: m.groups.account, region: m.groups.region };
  }
  throw new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    400,
  );
}

/** The FunctionConfiguration members clients read (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html); State is Active at once so waiters finish on the first poll. */
export function configuration(fn: StoredFunction): Record<string, unknown> {
  return {
    FunctionName: fn.FunctionName,
    FunctionArn: fn.FunctionArn,
    Runtime: fn.Runtime,
    Role: fn.Role,
    Handler: fn.Handler,
    CodeSize: fn.CodeSize,
    Description: fn.Description,
    Timeout: fn.Timeout,
    MemorySize: fn.MemorySize,
    LastModified: fn.LastModified,
    CodeSha256: fn.CodeSha256,
    Version: '$LATEST',
    ...(Object.keys(fn.Environment).length ? { Environment: { Variables: fn.Environment } } : {}),
    TracingConfig: { Mode: fn.TracingMode },
    RevisionId: fn.RevisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: fn.Architectures,
    EphemeralStorage: { Size: fn.EphemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: fn.LogFormat, LogGroup: fn.LogGroup },
  };
}
