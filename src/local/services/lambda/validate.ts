/**
 * Input checks of CreateFunction / UpdateFunctionConfiguration, with AWS's codes: model constraints
 * (pattern, range, enum) are `ValidationException`, semantic ones `InvalidParameterValueException`.
 */
import { ServiceError } from '../../core/errors.js';
import { blockedRuntimeMessage, isBlocked, RUNTIME_LIFECYCLE } from '../../lambda/runtime-lifecycle.js';
import { isNodeRuntime, RUNTIMES, type TracingMode } from './model.js';

export const ROLE_ARN_RE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ENV_KEY_RE = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const ENV_MAX_BYTES = 4096;

/** Names the runtime sets itself; AWS refuses them as user environment variables. */
export const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

export function validationError(value: unknown, field: string, constraint: string): ServiceError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new ServiceError('ValidationException', `1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint: ${constraint}`, 400);
}

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message, 400, { Type: 'User' });
}

export function requireString(input: Record<string, unknown>, key: string): string {
  const v = input[key];
  if (typeof v !== 'string' || v === '') throw invalidParameter(`${key} is required and must be a non-empty string.`);
  return v;
}

function intInRange(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validationError(value, field, 'Member must be an integer');
  if (value < min) throw validationError(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

export const validateTimeout = (v: unknown): number => intInRange(v, 'timeout', 1, 900);
export const validateMemorySize = (v: unknown): number => intInRange(v, 'memorySize', 128, 10240);

export function validateRole(role: unknown): string {
  if (typeof role !== 'string' || !ROLE_ARN_RE.test(role)) {
    throw validationError(role, 'role', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+');
  }
  return role;
}

export function validateRuntime(runtime: unknown): string {
  if (typeof runtime !== 'string' || !RUNTIMES.has(runtime)) {
    throw invalidParameter(`Value ${String(runtime)} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${[...RUNTIMES].join(', ')}] or be a valid ARN`);
  }
  return runtime;
}

/**
 * After the enum check: a runtime past its block date is refused with AWS's message; one the local
 * cloud cannot run is refused at once (a function that could never be invoked must not exist),
 * naming the runtimes it can run.
 */
export function checkRuntimeUsable(runtime: string, op: 'create' | 'update', nowMs: number): void {
  if (isBlocked(runtime, op, nowMs)) throw invalidParameter(blockedRuntimeMessage(runtime, nowMs));
  if (!isNodeRuntime(runtime)) {
    const runnable = Object.keys(RUNTIME_LIFECYCLE).filter((r) => isNodeRuntime(r) && !isBlocked(r, 'create', nowMs));
    throw new ServiceError('NotImplemented',
      `The xray-lab local cloud runs only Node.js functions, so a ${runtime} function could never be invoked here. Use one of: ${runnable.join(', ')}.`,
      501, { Type: 'User' }, false);
  }
}

/** The Node runtime loads `<file>.<export>`; anything else could never be invoked, so say so up front. */
export function validateHandler(handler: unknown): string {
  if (typeof handler !== 'string' || handler.length > 128 || !/^[^\s]+$/.test(handler)) {
    throw validationError(handler, 'handler', 'Member must satisfy regular expression pattern: [^\\s]+ and have length less than or equal to 128');
  }
  if (!/^[^.]+(\.[^.]+)+$/.test(handler) || handler.startsWith('/')) {
    throw invalidParameter(`Handler '${handler}' must have the form <file>.<export>, e.g. index.handler.`);
  }
  return handler;
}

export function validateTracing(config: unknown): TracingMode {
  const mode = (config as { Mode?: unknown } | undefined)?.Mode ?? 'PassThrough';
  if (mode !== 'Active' && mode !== 'PassThrough') {
    throw validationError(mode, 'tracingConfig.mode', 'Member must satisfy enum value set: [Active, PassThrough]');
  }
  return mode;
}

export function validateEnvironment(env: unknown): Record<string, string> {
  const vars = (env as { Variables?: unknown } | undefined)?.Variables ?? {};
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) throw invalidParameter('Environment.Variables must be a map of strings.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
    if (!ENV_KEY_RE.test(k)) {
      throw validationError(JSON.stringify(vars), 'environment.variables', 'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]');
    }
    if (typeof v !== 'string') throw invalidParameter(`Environment variable ${k} must be a string.`);
    out[k] = v;
  }
  const reserved = Object.keys(out).filter((k) => RESERVED_ENV.has(k));
  if (reserved.length) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const size = Buffer.byteLength(JSON.stringify(out));
  if (size > ENV_MAX_BYTES) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${size} bytes`);
  }
  return out;
}

export function validateArchitectures(v: unknown): string[] {
  if (v === undefined) return ['x86_64'];
  if (!Array.isArray(v) || v.length !== 1 || (v[0] !== 'x86_64' && v[0] !== 'arm64')) {
    throw validationError(v, 'architectures', 'Member must have length less than or equal to 1 and satisfy enum value set: [x86_64, arm64]');
  }
  return [v[0] as string];
}

export function validateTags(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParameter('Tags must be a map of strings.');
  const tags = v as Record<string, unknown>;
  for (const [k, val] of Object.entries(tags)) {
    if (typeof val !== 'string' || k.length < 1 || k.length > 128 || val.length > 256) throw invalidParameter(`Invalid tag ${k}.`);
    if (k.toLowerCase().startsWith('aws:')) throw invalidParameter('Tag keys starting with "aws:" are reserved.');
  }
  if (Object.keys(tags).length > 50) throw invalidParameter('The number of tags exceeds the limit of 50.');
  return tags as Record<string, string>;
}

export function validateDescription(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v !== 'string' || v.length > 256) throw validationError(v, 'description', 'Member must have length less than or equal to 256');
  return v;
}
