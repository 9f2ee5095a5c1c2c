/**
 * Resources, methods and integrations (the API's live definition; the data plane sees it only
 * after CreateDeployment). Validation copies AWS's rules and messages: path-part syntax, one
 * variable child per parent, no children under a greedy `{proxy+}`, duplicate siblings → 409.
 * Integrations: only AWS_PROXY to Lambda is emulated; other types answer NotImplemented rather
 * than being stored and then silently not served.
 */
import { notImplemented } from '../../core/errors.js';
import type { HttpResponse } from '../../core/types.js';
import type { RestRequest, RestRoute } from '../../protocols/rest-json.js';
import { paginate } from './apis.js';
import {
  AUTHORIZATION_TYPES, DEFAULT_TIMEOUT_MS, HTTP_METHODS, INTEGRATION_TYPES, MIN_TIMEOUT_MS, badRequest, conflict,
  integrationOutput, isGreedyPart, isVariablePart, methodOutput, optionalString, resourceOutput, validatePathPart,
  type StoredApi, type StoredIntegration, type StoredMethod, type StoredResource,
} from './model.js';
import type { ApiGatewayStore } from './store.js';

/** `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations` */
export const LAMBDA_URI = /^arn:aws[\w-]*:apigateway:[\w-]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

const embedsMethods = (req: RestRequest) => req.query.getAll('embed').some((e) => e.split(',').includes('methods'));
const noContent = (status: number): HttpResponse => ({ status, headers: {}, body: '' });

export function resourceRoutes(store: ApiGatewayStore): RestRoute[] {
  const R = '/restapis/{restapi_id}/resources';
  const M = `${R}/{resource_id}/methods/{http_method}`;
  const api = (req: RestRequest, region: string) => store.api(region, req.params.restapi_id!);
  const target = (req: RestRequest, region: string): { a: StoredApi; r: StoredResource } => {
    const a = api(req, region);
    return { a, r: store.resource(a, req.params.resource_id!) };
  };

  return [
    {
      method: 'GET', path: R, operation: 'GetResources',
      handler: (req, ctx) => {
        const a = api(req, ctx.region);
        const page = paginate(Object.values(a.resources), req);
        return { ...page, item: page.item.map((r) => resourceOutput(r, embedsMethods(req))) };
      },
    },
    {
      method: 'GET', path: `${R}/{resource_id}`, operation: 'GetResource',
      handler: (req, ctx) => resourceOutput(target(req, ctx.region).r, embedsMethods(req)),
    },
    {
      // The path label is the parent: POST /restapis/{id}/resources/{parent_id}
      method: 'POST', path: `${R}/{resource_id}`, operation: 'CreateResource', status: 201,
      handler: (req, ctx) => {
        const { a, r: parent } = target(req, ctx.region);
        const pathPart = validatePathPart(req.json().pathPart);
        if (isGreedyPart(parent.pathPart)) throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
        const siblings = Object.values(a.resources).filter((x) => x.parentId === parent.id);
        if (siblings.some((s) => s.pathPart === pathPart)) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
        const variableSibling = siblings.find((s) => isVariablePart(s.pathPart));
        if (isVariablePart(pathPart) && variableSibling) {
          throw badRequest(`A sibling (${variableSibling.pathPart}) of this resource already has a variable path part -- only one is allowed`);
        }
        const id = store.newId(6, (x) => x in a.resources || x === a.id);
        const created: StoredResource = { id, parentId: parent.id, pathPart, path: parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`, resourceMethods: {} };
        a.resources[id] = created;
        store.save(a);
        return resourceOutput(created, false);
      },
    },
    {
      method: 'DELETE', path: `${R}/{resource_id}`, operation: 'DeleteResource',
      handler: (req, ctx) => {
        const { a, r } = target(req, ctx.region);
        if (r.id === a.rootResourceId) throw badRequest('Cannot delete the root resource.');
        const doomed = new Set([r.id]);
        for (let grew = true; grew; ) {
          grew = false;
          for (const x of Object.values(a.resources)) {
            if (x.parentId && doomed.has(x.parentId) && !doomed.has(x.id)) grew = doomed.add(x.id) !== undefined;
          }
        }
        for (const id of doomed) delete a.resources[id];
        store.save(a);
        return noContent(202);
      },
    },
    {
      method: 'PUT', path: M, operation: 'PutMethod', status: 201,
      handler: (req, ctx) => {
        const { a, r } = target(req, ctx.region);
        const httpMethod = req.params.http_method!.toUpperCase();
        if (!HTTP_METHODS.has(httpMethod)) throw badRequest(`Invalid HttpMethod specified. Valid options are ${[...HTTP_METHODS].join(',')}`);
        const input = req.json();
        const authorizationType = optionalString(input, 'authorizationType');
        if (!authorizationType) throw badRequest('Invalid authorization type specified: authorizationType is required.');
        if (!AUTHORIZATION_TYPES.has(authorizationType)) throw badRequest(`Invalid authorization type specified. Valid options are ${[...AUTHORIZATION_TYPES].join(',')}`);
        if (r.resourceMethods[httpMethod]) throw conflict('Method already exists for this resource');
        const m: StoredMethod = {
          httpMethod, authorizationType,
          apiKeyRequired: input.apiKeyRequired === true,
          ...(optionalString(input, 'authorizerId') !== undefined && { authorizerId: optionalString(input, 'authorizerId') }),
          ...(optionalString(input, 'operationName') !== undefined && { operationName: optionalString(input, 'operationName') }),
          ...(isObject(input.requestParameters) && { requestParameters: input.requestParameters as Record<string, boolean> }),
          ...(isObject(input.requestModels) && { requestModels: input.requestModels as Record<string, string> }),
        };
        r.resourceMethods[httpMethod] = m;
        store.save(a);
        return methodOutput(m);
      },
    },
    {
      method: 'GET', path: M, operation: 'GetMethod',
      handler: (req, ctx) => {
        const { a, r } = target(req, ctx.region);
        return methodOutput(store.method(a, r, req.params.http_method!));
      },
    },
    {
      method: 'DELETE', path: M, operation: 'DeleteMethod',
      handler: (req, ctx) => {
        const { a, r } = target(req, ctx.region);
        const m = store.method(a, r, req.params.http_method!);
        delete r.resourceMethods[m.httpMethod];
        store.save(a);
        return noContent(204);
      },
    },
    {
      method: 'PUT', path: `${M}/integration`, operation: 'PutIntegration', status: 201,
      handler: (req, ctx) => {
        const { a, r } = target(req, ctx.region);
        const m = store.method(a, r, req.params.http_method!);
        const integration = validateIntegration(req.json(), r.id);
        m.methodIntegration = integration;
        store.save(a);
        return integrationOutput(integration);
      },
    },
    {
      method: 'GET', path: `${M}/integration`, operation: 'GetIntegration',
      handler: (req, ctx) => {
        const { a, r } = target(req, ctx.region);
        const m = store.method(a, r, req.params.http_method!);
        if (!m.methodIntegration) throw store.missingIntegration();
        return integrationOutput(m.methodIntegration);
      },
    },
    {
      method: 'DELETE', path: `${M}/integration`, operation: 'DeleteIntegration',
      handler: (req, ctx) => {
        const { a, r } = target(req, ctx.region);
        const m = store.method(a, r, req.params.http_method!);
        if (!m.methodIntegration) throw store.missingIntegration();
        delete m.methodIntegration;
        store.save(a);
        return noContent(204);
      },
    },
  ];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateIntegration(input: Record<string, unknown>, resourceId: string): StoredIntegration {
  const type = optionalString(input, 'type');
  if (!type || !INTEGRATION_TYPES.has(type)) throw badRequest(`Invalid integration type specified. Valid options are ${[...INTEGRATION_TYPES].join(',')}`);
  if (type !== 'AWS_PROXY') throw notImplemented('API Gateway', `PutIntegration of type ${type} (only AWS_PROXY to Lambda is emulated)`);
  const httpMethod = optionalString(input, 'httpMethod');
  if (!httpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
  const uri = optionalString(input, 'uri');
  if (!uri) throw badRequest('Invalid ARN specified in the request');
  if (!LAMBDA_URI.test(uri)) {
    throw badRequest(`Invalid ARN specified in the request: ${uri}. AWS_PROXY integrations here call Lambda: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`);
  }
  // Lambda's Invoke API is a POST; API Gateway refuses anything else for Lambda integrations.
  if (httpMethod.toUpperCase() !== 'POST') throw badRequest('Integrations of type AWS_PROXY with Lambda must use POST as the integration HTTP method (--integration-http-method POST).');
  const timeout = input.timeoutInMillis === undefined || input.timeoutInMillis === null ? DEFAULT_TIMEOUT_MS : input.timeoutInMillis;
  if (!Number.isInteger(timeout) || (timeout as number) < MIN_TIMEOUT_MS || (timeout as number) > DEFAULT_TIMEOUT_MS) {
    throw badRequest(`Timeout should be between ${MIN_TIMEOUT_MS} ms and ${DEFAULT_TIMEOUT_MS} ms`);
  }
  return {
    type, httpMethod: 'POST', uri,
    timeoutInMillis: timeout as number,
    passthroughBehavior: optionalString(input, 'passthroughBehavior') ?? 'WHEN_NO_MATCH',
    connectionType: 'INTERNET',
    cacheNamespace: optionalString(input, 'cacheNamespace') ?? resourceId,
    cacheKeyParameters: Array.isArray(input.cacheKeyParameters) ? input.cacheKeyParameters.map(String) : [],
    ...(isObject(input.requestParameters) && { requestParameters: input.requestParameters as Record<string, string> }),
    ...(isObject(input.requestTemplates) && { requestTemplates: input.requestTemplates as Record<string, string> }),
    ...(optionalString(input, 'contentHandling') !== undefined && { contentHandling: optionalString(input, 'contentHandling') }),
  };
}
