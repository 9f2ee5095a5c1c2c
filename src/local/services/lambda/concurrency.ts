/**
 * Reserved concurrency (PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency) and
 * GetAccountSettings, with Lambda's rule that the reserved total must leave a minimum unreserved.
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html
 * The limit itself is enforced by the execution engine (src/local/lambda/concurrency.ts), which
 * reads the stored values through `runSpec` and `reservedTotal`.
 */
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../../core/types.js';
import type { RestRequest, RestRoute } from '../../protocols/rest-json.js';
import { unreservedMinimum } from '../../lambda/concurrency.js';
import type { FunctionStore } from './functions.js';
import type { StoredFunction } from './model.js';
import { validationError } from './validate.js';

export function reservedTotal(functions: FunctionStore, except?: string): number {
  let total = 0;
  for (const fn of functions.items.values()) if (fn.FunctionName !== except) total += fn.reservedConcurrency ?? 0;
  return total;
}

export function concurrencyRoutes(
  functions: FunctionStore,
  fnOf: (req: RestRequest, ctx: RequestContext) => StoredFunction,
  accountLimit: number,
): RestRoute[] {
  return [
    {
      method: 'PUT', path: '/2017-10-31/functions/{FunctionName}/concurrency', operation: 'PutFunctionConcurrency',
      handler: (req, ctx) => {
        const fn = fnOf(req, ctx);
        const value = (req.json() as { ReservedConcurrentExecutions?: unknown }).ReservedConcurrentExecutions;
        if (typeof value !== 'number' || !Number.isInteger(value)) throw validationError(value, 'reservedConcurrentExecutions', 'Member must not be null');
        if (value < 0) throw validationError(value, 'reservedConcurrentExecutions', 'Member must have value greater than or equal to 0');
        const minimum = unreservedMinimum(accountLimit);
        if (accountLimit - reservedTotal(functions, fn.FunctionName) - value < minimum) {
          throw new ServiceError('InvalidParameterValueException',
            `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`, 400, { Type: 'User' });
        }
        functions.put({ ...fn, reservedConcurrency: value });
        return { ReservedConcurrentExecutions: value };
      },
    },
    {
      method: 'GET', path: '/2019-09-30/functions/{FunctionName}/concurrency', operation: 'GetFunctionConcurrency',
      handler: (req, ctx) => {
        const fn = fnOf(req, ctx);
        return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
      },
    },
    {
      method: 'DELETE', path: '/2017-10-31/functions/{FunctionName}/concurrency', operation: 'DeleteFunctionConcurrency',
      handler: (req, ctx) => {
        const fn = fnOf(req, ctx);
        const { reservedConcurrency: _dropped, ...rest } = fn;
        functions.put(rest);
        return { status: 204, headers: {}, body: '' };
      },
    },
    {
      method: 'GET', path: '/2016-08-19/account-settings', operation: 'GetAccountSettings',
      handler: () => {
        const all = functions.items.values();
        const codeSize = all.reduce((n, f) => n + f.CodeSize, 0);
        return {
          AccountLimit: {
            TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800,
            ConcurrentExecutions: accountLimit, UnreservedConcurrentExecutions: accountLimit - reservedTotal(functions),
          },
          AccountUsage: { TotalCodeSize: codeSize, FunctionCount: all.length },
        };
      },
    },
  ];
}
