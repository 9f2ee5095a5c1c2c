/**
 * API Gateway REST v1 control plane (restJson1, signing name `apigateway`, paths under /restapis
 * and /tags): what the lab's step 4 and its teardown use — REST APIs, resources, methods, AWS_PROXY
 * integrations, deployments, stages (with `tracingEnabled`) and tags.
 * https://docs.aws.amazon.com/apigateway/latest/api/API_Operations.html
 * Errors copy AWS's codes and statuses (NotFoundException 404, ConflictException 409,
 * BadRequestException 400, TooManyRequestsException 429 + Retry-After). Left out on purpose:
 * authorizers, models, API keys, usage plans, domain names, method/integration responses,
 * non-Lambda integrations, canaries, caches, import/export (ImportRestApi, PutRestApi), UpdateRestApi and
 * HTTP APIs (v2).
 */
import type { LocalService } from '../../core/types.js';
import type { LocalCloudEnv } from '../../env.js';
import { restJsonService } from '../../protocols/rest-json.js';
import { apiRoutes } from './apis.js';
import { resourceRoutes } from './resources.js';
import { stageRoutes } from './stages.js';
import { ApiGatewayStore } from './store.js';

export { ApiGatewayStore } from './store.js';

export function createApiGatewayService(env: LocalCloudEnv, store: ApiGatewayStore = new ApiGatewayStore(env)): LocalService {
  return restJsonService({
    name: 'apigateway',
    title: 'API Gateway',
    routes: [...apiRoutes(env, store), ...resourceRoutes(store), ...stageRoutes(env, store)],
    // Named so their callers get a NotImplemented naming them, never CreateRestApi's or another operation's answer.
    unimplementedRoutes: [
      { method: 'POST', path: '/restapis', query: { mode: 'import' }, operation: 'ImportRestApi' },
      { method: 'PUT', path: '/restapis/{restapi_id}', operation: 'PutRestApi' },
      { method: 'PATCH', path: '/restapis/{restapi_id}', operation: 'UpdateRestApi' },
    ],
  });
}
