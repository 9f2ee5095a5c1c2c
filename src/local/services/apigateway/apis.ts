/**
 * REST API and tag operations. DeleteRestApi copies AWS's tight rate limit through a fault switch
 * (`faults.apigatewayDeleteThrottles`): that many calls answer 429 TooManyRequestsException with
 * `Retry-After` before one succeeds, so teardown retry logic can be tested without waiting on AWS.
 */
import { ServiceError } from '../../core/errors.js';
import type { HttpResponse } from '../../core/types.js';
import type { LocalCloudEnv } from '../../env.js';
import { restJsonError, type RestRequest, type RestRoute } from '../../protocols/rest-json.js';
import { badRequest, optionalString, restApiOutput, stringMap, type StoredApi, type StoredStage } from './model.js';
import type { ApiGatewayStore } from './store.js';

/** AWS allows one DeleteRestApi per 30 s per account; that is what the throttle tells callers to wait. */
export const DELETE_RETRY_AFTER_SECONDS = 30;

/** `position` is an opaque token; ours is the index of the next item. */
export function paginate<T>(items: T[], req: RestRequest): { item: T[]; position?: string } {
  const limitRaw = req.query.get('limit');
  const limit = limitRaw === null ? 25 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('Limit must be an integer from 1 to 500.');
  const posRaw = req.query.get('position');
  const start = posRaw === null ? 0 : Number(posRaw);
  if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid position specified.');
  const page = items.slice(start, start + limit);
  return start + limit < items.length ? { item: page, position: String(start + limit) } : { item: page };
}

export function apiRoutes(env: LocalCloudEnv, store: ApiGatewayStore): RestRoute[] {
  return [
    {
      method: 'POST', path: '/restapis', operation: 'CreateRestApi', status: 201,
      handler: (req, ctx) => {
        const input = req.json();
        const name = optionalString(input, 'name');
        if (!name) throw badRequest('Invalid REST API name specified: name is required.');
        const endpointTypes = readEndpointTypes(input.endpointConfiguration);
        const binaryMediaTypes = Array.isArray(input.binaryMediaTypes) ? input.binaryMediaTypes.map(String) : [];
        const apiKeySource = optionalString(input, 'apiKeySource') ?? 'HEADER';
        if (apiKeySource !== 'HEADER' && apiKeySource !== 'AUTHORIZER') throw badRequest(`Invalid apiKeySource ${apiKeySource}: use HEADER or AUTHORIZER.`);
        const id = store.newId(10, (x) => store.apis.has(x));
        const rootId = store.newId(6, (x) => x === id);
        const now = env.clock.now();
        const api: StoredApi = {
          id, region: ctx.region, name,
          description: optionalString(input, 'description'),
          version: optionalString(input, 'version'),
          policy: optionalString(input, 'policy'),
          createdDate: now, binaryMediaTypes, apiKeySource, endpointTypes,
          disableExecuteApiEndpoint: input.disableExecuteApiEndpoint === true,
          rootResourceId: rootId,
          tags: stringMap(input, 'tags'),
          resources: { [rootId]: { id: rootId, path: '/', resourceMethods: {} } },
          stages: {},
        };
        store.save(api);
        return restApiOutput(api);
      },
    },
    {
      method: 'GET', path: '/restapis', operation: 'GetRestApis',
      handler: (req, ctx) => {
        const apis = store.apis.values().filter((a) => a.region === ctx.region);
        const page = paginate(apis, req);
        return { ...page, item: page.item.map(restApiOutput) };
      },
    },
    {
      method: 'GET', path: '/restapis/{restapi_id}', operation: 'GetRestApi',
      handler: (req, ctx) => restApiOutput(store.api(ctx.region, req.params.restapi_id!)),
    },
    {
      method: 'DELETE', path: '/restapis/{restapi_id}', operation: 'DeleteRestApi',
      handler: (req, ctx): HttpResponse => {
        const api = store.api(ctx.region, req.params.restapi_id!);
        if ((env.faults.apigatewayDeleteThrottles ?? 0) > 0) {
          env.faults.apigatewayDeleteThrottles! -= 1;
          const throttled = restJsonError(new ServiceError('TooManyRequestsException', 'Too Many Requests', 429), ctx.requestId);
          return { ...throttled, headers: { ...throttled.headers, 'retry-after': String(DELETE_RETRY_AFTER_SECONDS) } };
        }
        store.deleteApi(api.id);
        return { status: 202, headers: { 'content-type': 'application/json' }, body: '' };
      },
    },
    {
      method: 'PUT', path: '/tags/{resource_arn}', operation: 'TagResource', status: 204,
      handler: (req, ctx) => {
        const { api, stage } = taggable(store, ctx.region, req.params.resource_arn!);
        const target = stage ?? api;
        target.tags = { ...target.tags, ...stringMap(req.json(), 'tags') };
        if (Object.keys(target.tags).length > 50) throw badRequest('A resource can have at most 50 tags.');
        store.save(api);
        return noContent();
      },
    },
    {
      method: 'DELETE', path: '/tags/{resource_arn}', operation: 'UntagResource', status: 204,
      handler: (req, ctx) => {
        const { api, stage } = taggable(store, ctx.region, req.params.resource_arn!);
        const target = stage ?? api;
        const keys = req.query.getAll('tagKeys').flatMap((k) => k.split(','));
        target.tags = Object.fromEntries(Object.entries(target.tags).filter(([k]) => !keys.includes(k)));
        store.save(api);
        return noContent();
      },
    },
    {
      method: 'GET', path: '/tags/{resource_arn}', operation: 'GetTags',
      handler: (req, ctx) => {
        const { api, stage } = taggable(store, ctx.region, req.params.resource_arn!);
        return { tags: (stage ?? api).tags };
      },
    },
  ];
}

const noContent = (): HttpResponse => ({ status: 204, headers: {}, body: '' });

function readEndpointTypes(raw: unknown): string[] {
  if (raw === undefined || raw === null) return ['EDGE'];
  const types = (raw as { types?: unknown }).types;
  if (types === undefined) return ['EDGE'];
  if (!Array.isArray(types) || types.length !== 1 || !['EDGE', 'REGIONAL', 'PRIVATE'].includes(String(types[0]))) {
    throw badRequest('endpointConfiguration.types must hold exactly one of EDGE, REGIONAL or PRIVATE.');
  }
  return [String(types[0])];
}

/** Tag ARNs: `arn:aws:apigateway:{region}::/restapis/{id}` or `…/restapis/{id}/stages/{name}`. */
function taggable(store: ApiGatewayStore, region: string, arn: string): { api: StoredApi; stage?: StoredStage } {
  const m = /^arn:aws[\w-]*:apigateway:([\w-]+)::\/restapis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn);
  if (!m) throw badRequest(`Invalid ARN specified in the request: ${arn}. Only REST APIs and their stages can be tagged here.`);
  const api = store.api(m[1] ?? region, m[2]!);
  return m[3] === undefined ? { api } : { api, stage: store.stage(api, m[3]) };
}
