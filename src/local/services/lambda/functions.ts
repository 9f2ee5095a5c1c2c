/**
 * The function store and its create/update rules, apart from the wire: index.ts maps the restJson1 routes onto these.
 * Copies Lambda's checks and errors (CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration);
 * leaves out on purpose: versions/aliases (Publish), S3 and image code, layers, custom log groups.
 */
import { notImplemented, ServiceError } from '../../core/errors.js';
import { Collection } from '../../core/db.js';
import type { LocalCloudEnv } from '../../env.js';
import type { CodeStore } from './code.js';
import { functionArn, lastModified, notFound, parseFunctionName, type StoredFunction } from './model.js';
import {
  checkRuntimeUsable, invalidParameter, validateArchitectures, validateDescription, validateEnvironment, validateHandler, validateMemorySize,
  validateRole, validateRuntime, validateTags, validateTimeout, validateTracing,
} from './validate.js';

export type RoleCheck = (roleArn: string) => 'ok' | 'missing' | 'propagating';

export interface FunctionDeps {
  roleAssumable: RoleCheck;
  code: CodeStore;
  /** Called when a function's code or configuration changes or it is deleted: warm processes must go. */
  evict(functionName: string): void | Promise<void>;
  /** New code or handler deployed: the engine may prepare it in the background (never awaited here). */
  prepare(fn: StoredFunction): void;
}

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

export class FunctionStore {
  readonly items: Collection<StoredFunction>;

  constructor(
    private readonly env: LocalCloudEnv,
    private readonly deps: FunctionDeps,
  ) {
    this.items = new Collection<StoredFunction>(env.db, 'lambda.functions');
  }

  /** Resolves a FunctionName path label (name, partial or full ARN) plus ?Qualifier to a stored function. */
  resolve(value: string, region: string, qualifier?: string | null): StoredFunction {
    const ref = parseFunctionName(value);
    const q = qualifier ?? ref.qualifier;
    const arn = functionArn(ref.region ?? region, ref.account ?? this.env.accountId, ref.name) + (q ? `:${q}` : '');
    const fn = this.items.get(ref.name);
    if (!fn || (ref.account && ref.account !== this.env.accountId) || (q && q !== '$LATEST')) throw notFound(arn);
    return fn;
  }

  codeDir(fn: StoredFunction): string {
    return this.deps.code.dirOf(fn.FunctionName, fn.codeKey);
  }

  async create(input: Record<string, unknown>, region: string): Promise<StoredFunction> {
    const name = input.FunctionName;
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(name)}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length between 1 and 64`, 400);
    }
    if (input.PackageType === 'Image') throw notImplemented('Lambda', 'CreateFunction with PackageType Image');
    if (input.Publish === true) throw notImplemented('Lambda', 'CreateFunction with Publish (function versions)');
    if (Array.isArray(input.Layers) && input.Layers.length) throw notImplemented('Lambda', 'CreateFunction with Layers');
    const role = validateRole(input.Role);
    const runtime = validateRuntime(input.Runtime);
    checkRuntimeUsable(runtime, 'create', this.env.clock.now());
    const handler = validateHandler(input.Handler);
    const fields = {
      Description: validateDescription(input.Description),
      Timeout: input.Timeout === undefined ? 3 : validateTimeout(input.Timeout),
      MemorySize: input.MemorySize === undefined ? 128 : validateMemorySize(input.MemorySize),
      Environment: validateEnvironment(input.Environment),
      TracingMode: validateTracing(input.TracingConfig),
      Architectures: validateArchitectures(input.Architectures),
      EphemeralStorageMb: ephemeralStorage(input.EphemeralStorage, 512),
      LogFormat: logFormat(input.LoggingConfig, name),
      Tags: validateTags(input.Tags),
    };
    const codeInput = (input.Code ?? {}) as Record<string, unknown>;
    if (codeInput.S3Bucket !== undefined || codeInput.ImageUri !== undefined) throw notImplemented('Lambda', 'CreateFunction with S3 or image code (upload Code.ZipFile)');
    if (this.items.has(name)) throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409, { Type: 'User' });
    this.checkRole(role);
    const code = await this.deps.code.store(name, codeInput.ZipFile);
    // The code upload awaited: a concurrent create of the same name may have won meanwhile.
    if (this.items.has(name)) throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409, { Type: 'User' });
    const fn: StoredFunction = {
      FunctionName: name,
      FunctionArn: functionArn(region, this.env.accountId, name),
      Runtime: runtime,
      Role: role,
      Handler: handler,
      ...fields,
      LogGroup: `/aws/lambda/${name}`,
      CodeSha256: code.codeSha256,
      CodeSize: code.codeSize,
      codeKey: code.codeKey,
      LastModified: lastModified(this.env.clock.now()),
      RevisionId: this.env.ids.uuid(),
      policy: [],
    };
    const created = this.items.put(name, fn);
    this.deps.prepare(created);
    return created;
  }

  async updateCode(fn: StoredFunction, input: Record<string, unknown>): Promise<StoredFunction> {
    if (input.Publish === true) throw notImplemented('Lambda', 'UpdateFunctionCode with Publish (function versions)');
    if (input.S3Bucket !== undefined || input.ImageUri !== undefined) throw notImplemented('Lambda', 'UpdateFunctionCode with S3 or image code (upload ZipFile)');
    checkRevisionId(fn, input.RevisionId);
    // Past its block-update date a function's code can no longer change either.
    checkRuntimeUsable(fn.Runtime, 'update', this.env.clock.now());
    const architectures = input.Architectures === undefined ? fn.Architectures : validateArchitectures(input.Architectures);
    const code = await this.deps.code.store(fn.FunctionName, input.ZipFile);
    if (input.DryRun === true) return fn;
    const updated = this.items.put(fn.FunctionName, {
      ...(this.items.get(fn.FunctionName) ?? fn),
      CodeSha256: code.codeSha256,
      CodeSize: code.codeSize,
      codeKey: code.codeKey,
      Architectures: architectures,
      LastModified: lastModified(this.env.clock.now()),
      RevisionId: this.env.ids.uuid(),
    });
    await this.deps.evict(fn.FunctionName);
    this.deps.code.prune(fn.FunctionName, code.codeKey);
    this.deps.prepare(updated);
    return updated;
  }

  async updateConfiguration(fn: StoredFunction, input: Record<string, unknown>): Promise<StoredFunction> {
    checkRevisionId(fn, input.RevisionId);
    if (Array.isArray(input.Layers) && input.Layers.length) throw notImplemented('Lambda', 'UpdateFunctionConfiguration with Layers');
    const next: StoredFunction = { ...fn };
    if (input.Role !== undefined) {
      next.Role = validateRole(input.Role);
      if (next.Role !== fn.Role) this.checkRole(next.Role);
    }
    if (input.Runtime !== undefined) next.Runtime = validateRuntime(input.Runtime);
    checkRuntimeUsable(next.Runtime, 'update', this.env.clock.now());
    if (input.Handler !== undefined) next.Handler = validateHandler(input.Handler);
    if (input.Description !== undefined) next.Description = validateDescription(input.Description);
    if (input.Timeout !== undefined) next.Timeout = validateTimeout(input.Timeout);
    if (input.MemorySize !== undefined) next.MemorySize = validateMemorySize(input.MemorySize);
    if (input.Environment !== undefined) next.Environment = validateEnvironment(input.Environment);
    if (input.TracingConfig !== undefined) next.TracingMode = validateTracing(input.TracingConfig);
    if (input.EphemeralStorage !== undefined) next.EphemeralStorageMb = ephemeralStorage(input.EphemeralStorage, fn.EphemeralStorageMb);
    if (input.LoggingConfig !== undefined) next.LogFormat = logFormat(input.LoggingConfig, fn.FunctionName);
    next.LastModified = lastModified(this.env.clock.now());
    next.RevisionId = this.env.ids.uuid();
    this.items.put(fn.FunctionName, next);
    await this.deps.evict(fn.FunctionName);
    if (next.Handler !== fn.Handler) this.deps.prepare(next);
    return next;
  }

  async delete(fn: StoredFunction): Promise<void> {
    this.items.delete(fn.FunctionName);
    await this.deps.evict(fn.FunctionName);
    this.deps.code.prune(fn.FunctionName);
  }

  put(fn: StoredFunction): StoredFunction {
    return this.items.put(fn.FunctionName, fn);
  }

  /** A role IAM does not know yet (or has not "propagated") is refused with Lambda's exact message. */
  private checkRole(roleArn: string): void {
    if (this.deps.roleAssumable(roleArn) !== 'ok') throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
  }
}

function checkRevisionId(fn: StoredFunction, revisionId: unknown): void {
  if (typeof revisionId === 'string' && revisionId !== fn.RevisionId) {
    throw new ServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id', 412, { Type: 'User' });
  }
}

function ephemeralStorage(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const size = (v as { Size?: unknown }).Size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 512 || size > 10240) {
    throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(size)}' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value between 512 and 10240`, 400);
  }
  return size;
}

/** The engine writes plain-text logs to /aws/lambda/<name>; other settings would be silently ignored, so refuse them. */
function logFormat(v: unknown, name: string): 'Text' {
  if (v === undefined) return 'Text';
  const cfg = v as { LogFormat?: unknown; LogGroup?: unknown };
  if (cfg.LogFormat !== undefined && cfg.LogFormat !== 'Text') throw notImplemented('Lambda', `LoggingConfig LogFormat ${String(cfg.LogFormat)} (only Text)`);
  if (cfg.LogGroup !== undefined && cfg.LogGroup !== `/aws/lambda/${name}`) throw notImplemented('Lambda', 'LoggingConfig with a custom LogGroup');
  return 'Text';
}
