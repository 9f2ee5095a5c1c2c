/**
 * Lambda (restJson1, `/2015-03-31`): the control plane the lab uses — functions, their resource policy
 * and tags — plus Invoke, which runs Node handlers for real through the execution engine.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html
 * Copies: 201 on create/AddPermission, 204 on delete, Function not found 404 bodies with `Type: User`,
 * State Active at once (waiters succeed on the first poll), CodeSha256 = base64 SHA-256 of the zip.
 * Reserved concurrency and account settings: concurrency.ts.
 * Left out on purpose: versions, aliases, layers, event source mappings, function URLs, provisioned concurrency.
 */
import { ServiceError } from '../../core/errors.js';
import type { LocalService, RequestContext } from '../../core/types.js';
import type { LocalCloudEnv } from '../../env.js';
import { restJsonService, type RestRequest } from '../../protocols/rest-json.js';
import { CodeStore, type ZipExtractor } from './code.js';
import { concurrencyRoutes, reservedTotal } from './concurrency.js';
import { DEFAULT_CONCURRENCY_LIMIT } from '../../lambda/concurrency.js';
import { CodeUrlSigner } from './code-url.js';
import { FunctionStore, type RoleCheck } from './functions.js';
import { checkInvokeRequest, invokeResponse, runInvocation } from './invoke.js';
import { configuration, parseFunctionName, type StoredFunction } from './model.js';
import { allows, buildStatement, checkRevision, policyDocument } from './policy.js';
import { runSpec, type LambdaRunner, type RunResult } from './runner.js';

export type { LambdaRunner, RunResult, RunSpec, RunRequest } from './runner.js';
export type { ZipExtractor } from './code.js';

export interface LambdaDeps {
  roleAssumable: RoleCheck;
  extractZip: ZipExtractor;
  /** The execution engine; a getter because the server creates it only once it knows its endpoint. */
  runner(): LambdaRunner | undefined;
  /** The account's concurrency limit (default DEFAULT_CONCURRENCY_LIMIT); the engine enforces the same one. */
  concurrencyLimit?: number;
}

export interface LambdaApi {
  service: LocalService;
  functions: FunctionStore;
  /**
   * For API Gateway's data plane: invoke by (possibly qualified) function ARN. With `caller`, the
   * function's resource policy must allow that service principal from that source ARN ('forbidden').
   */
  invokeByArn(functionArn: string, payload: Buffer, opts?: { traceHeader?: string; requestId?: string; caller?: { principal: string; sourceArn: string }; signal?: AbortSignal }): Promise<RunResult | 'not-found' | 'forbidden'>;
  /** Does the function's resource policy let `principal` invoke it from `sourceArn`? False for an unknown function. */
  hasPermission(functionName: string, principal: string, sourceArn?: string): boolean;
  /** Sum of every function's reserved concurrency: the engine's unreserved pool is the limit minus this. */
  reservedTotal(): number;
}

const header = (req: RestRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const empty = (status: number) => ({ status, headers: {}, body: '' });
/** The package's path, as GetFunction signs it and GetFunctionCodePackage checks it. */
const codePackagePath = (functionName: string, key: string) => `/2015-03-31/functions/${encodeURIComponent(functionName)}/code-package/${key}`;

export function createLambdaService(env: LocalCloudEnv, deps: LambdaDeps): LambdaApi {
  const code = new CodeStore(env.dataDir, deps.extractZip, () => env.ids.uuid());
  const codeUrls = new CodeUrlSigner(() => env.clock.now());
  const evict = async (name: string) => {
    await deps.runner()?.evict(name);
  };
  const prepare = (fn: StoredFunction) => {
    void deps.runner()?.prepare?.(runSpec(fn, code.dirOf(fn.FunctionName, fn.codeKey)));
  };
  const functions = new FunctionStore(env, { roleAssumable: deps.roleAssumable, code, evict, prepare });
  const fnOf = (req: RestRequest, ctx: RequestContext): StoredFunction => functions.resolve(req.params.FunctionName!, ctx.region, req.query.get('Qualifier'));
  const byArn = (arn: string, ctx: RequestContext): StoredFunction => {
    if (!arn.startsWith('arn:')) throw new ServiceError('ValidationException', `1 validation error detected: Value '${arn}' at 'resource' failed to satisfy constraint: Member must be a function ARN`, 400);
    return functions.resolve(arn, ctx.region);
  };
  const withPolicyRevision = (fn: StoredFunction): StoredFunction => functions.put({ ...fn, policyRevisionId: env.ids.uuid() });

  const service = restJsonService({
    name: 'lambda',
    title: 'Lambda',
    // ResourceNotFoundException carries `Message`; the codec then sends both casings, which every client reads.
    messageKey: 'Message',
    close: async () => {
      await deps.runner()?.close();
      code.close();
    },
    routes: [
      { method: 'POST', path: '/2015-03-31/functions', operation: 'CreateFunction', status: 201, handler: async (req, ctx) => configuration(await functions.create(req.json(), ctx.region)) },
      {
        method: 'GET', path: '/2015-03-31/functions', operation: 'ListFunctions',
        handler: (req) => {
          const all = functions.items.values().sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
          const max = Number(req.query.get('MaxItems') ?? 50);
          if (!Number.isInteger(max) || max < 1 || max > 10000) throw new ServiceError('ValidationException', `1 validation error detected: Value '${req.query.get('MaxItems')}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`, 400);
          const marker = req.query.get('Marker');
          const start = marker ? all.findIndex((f) => f.FunctionName >= Buffer.from(marker, 'base64url').toString()) : 0;
          const page = start < 0 ? [] : all.slice(start, start + max);
          const next = start >= 0 ? all[start + max] : undefined;
          return { Functions: page.map(configuration), ...(next ? { NextMarker: Buffer.from(next.FunctionName).toString('base64url') } : {}) };
        },
      },
      {
        method: 'GET', path: '/2015-03-31/functions/{FunctionName}', operation: 'GetFunction',
        handler: (req, ctx) => {
          const fn = fnOf(req, ctx);
          // The edge refused any Host that is not a loopback or user-allowed name, so echoing it is safe.
          const host = header(req, 'host') ?? '127.0.0.1';
          const path = codePackagePath(fn.FunctionName, `${fn.codeKey}.zip`);
          return {
            Configuration: configuration(fn),
            Code: { RepositoryType: 'S3', Location: codeUrls.url(host, path, ctx.region, ctx.accessKeyId) },
            ...(Object.keys(fn.Tags).length ? { Tags: fn.Tags } : {}),
            ...(fn.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } } : {}),
          };
        },
      },
      {
        // Where GetFunction's Code.Location points: the uploaded zip, as S3's presigned URL would serve it.
        method: 'GET', path: '/2015-03-31/functions/{FunctionName}/code-package/{Key}', operation: 'GetFunctionCodePackage',
        handler: (req, ctx) => {
          const fn = fnOf(req, ctx);
          // A presigned Code.Location must be ours and fresh; a request signed in its header is an ordinary API call.
          if (req.query.has('X-Amz-Signature') && !codeUrls.verify(codePackagePath(fn.FunctionName, req.params.Key!), req.query)) {
            throw new ServiceError('AccessDeniedException', 'This Code.Location URL is not valid or has expired (10 minutes); call GetFunction for a new one.', 403);
          }
          if (req.params.Key !== `${fn.codeKey}.zip`) throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404, { Type: 'User' });
          return { status: 200, headers: { 'content-type': 'application/zip' }, body: code.readZip(fn.FunctionName, fn.codeKey) };
        },
      },
      { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration', operation: 'GetFunctionConfiguration', handler: (req, ctx) => configuration(fnOf(req, ctx)) },
      { method: 'PUT', path: '/2015-03-31/functions/{FunctionName}/code', operation: 'UpdateFunctionCode', handler: async (req, ctx) => configuration(await functions.updateCode(fnOf(req, ctx), req.json())) },
      {
        method: 'PUT', path: '/2015-03-31/functions/{FunctionName}/configuration', operation: 'UpdateFunctionConfiguration',
        handler: async (req, ctx) => configuration(await functions.updateConfiguration(fnOf(req, ctx), req.json())),
      },
      {
        method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}', operation: 'DeleteFunction',
        handler: async (req, ctx) => {
          await functions.delete(fnOf(req, ctx));
          return empty(204);
        },
      },
      {
        method: 'POST', path: '/2015-03-31/functions/{FunctionName}/policy', operation: 'AddPermission', status: 201,
        handler: (req, ctx) => {
          const fn = fnOf(req, ctx);
          const input = req.json();
          checkRevision(fn, input.RevisionId);
          const statement = buildStatement(fn, input);
          withPolicyRevision({ ...fn, policy: [...fn.policy, statement] });
          return { Statement: JSON.stringify(statement) };
        },
      },
      {
        method: 'GET', path: '/2015-03-31/functions/{FunctionName}/policy', operation: 'GetPolicy',
        handler: (req, ctx) => {
          const fn = fnOf(req, ctx);
          if (fn.policy.length === 0) throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404, { Type: 'User' });
          return { Policy: policyDocument(fn), RevisionId: fn.policyRevisionId ?? fn.RevisionId };
        },
      },
      {
        method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}/policy/{StatementId}', operation: 'RemovePermission',
        handler: (req, ctx) => {
          const fn = fnOf(req, ctx);
          checkRevision(fn, req.query.get('RevisionId') ?? undefined);
          const sid = req.params.StatementId!;
          if (!fn.policy.some((s) => s.Sid === sid)) throw new ServiceError('ResourceNotFoundException', `Statement ${sid} is not found in resource policy.`, 404, { Type: 'User' });
          withPolicyRevision({ ...fn, policy: fn.policy.filter((s) => s.Sid !== sid) });
          return empty(204);
        },
      },
      { method: 'GET', path: '/2017-03-31/tags/{ARN}', operation: 'ListTags', handler: (req, ctx) => ({ Tags: byArn(req.params.ARN!, ctx).Tags }) },
      {
        method: 'POST', path: '/2017-03-31/tags/{ARN}', operation: 'TagResource',
        handler: (req, ctx) => {
          const fn = byArn(req.params.ARN!, ctx);
          const added = (req.json().Tags ?? {}) as Record<string, string>;
          const tags = { ...fn.Tags, ...added };
          if (Object.keys(tags).length > 50) throw new ServiceError('InvalidParameterValueException', 'The number of tags exceeds the limit of 50.', 400, { Type: 'User' });
          functions.put({ ...fn, Tags: tags });
          return empty(204);
        },
      },
      {
        method: 'DELETE', path: '/2017-03-31/tags/{ARN}', operation: 'UntagResource',
        handler: (req, ctx) => {
          const fn = byArn(req.params.ARN!, ctx);
          const drop = new Set(req.query.getAll('tagKeys'));
          functions.put({ ...fn, Tags: Object.fromEntries(Object.entries(fn.Tags).filter(([k]) => !drop.has(k))) });
          return empty(204);
        },
      },
      {
        method: 'POST', path: '/2015-03-31/functions/{FunctionName}/invocations', operation: 'Invoke',
        handler: async (req, ctx) => {
          const fn = fnOf(req, ctx);
          const run = checkInvokeRequest(req.body, {
            invocationType: header(req, 'x-amz-invocation-type'),
            logType: header(req, 'x-amz-log-type'),
            clientContext: header(req, 'x-amz-client-context'),
            traceHeader: header(req, 'x-amzn-trace-id'),
          });
          if (run.invocationType === 'DryRun') return { status: 204, headers: { 'x-amz-executed-version': '$LATEST' }, body: '' };
          return invokeResponse(await runInvocation(deps.runner(), fn, functions.codeDir(fn), { ...run, requestId: ctx.requestId }));
        },
      },
      ...concurrencyRoutes(functions, fnOf, deps.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT),
    ],
  });

  return {
    service,
    functions,
    async invokeByArn(arn, payload, opts = {}) {
      let fn: StoredFunction;
      try {
        fn = functions.resolve(arn, env.defaultRegion);
      } catch (e) {
        if (e instanceof ServiceError && (e.code === 'ResourceNotFoundException' || e.code === 'ValidationException')) return 'not-found';
        throw e;
      }
      if (opts.caller && !allows(fn, opts.caller.principal, opts.caller.sourceArn, env.accountId)) return 'forbidden';
      return runInvocation(deps.runner(), fn, functions.codeDir(fn), { payload, traceHeader: opts.traceHeader, requestId: opts.requestId, awaitCompletion: true, signal: opts.signal });
    },
    reservedTotal: () => reservedTotal(functions),
    hasPermission(functionName, principal, sourceArn) {
      const fn = functions.items.get(parseFunctionName(functionName).name);
      return fn ? allows(fn, principal, sourceArn, env.accountId) : false;
    },
  };
}
