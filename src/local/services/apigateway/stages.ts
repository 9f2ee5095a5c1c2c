/**
 * Deployments and stages. A deployment freezes a deep copy of the API's resources; a stage points
 * at one deployment and carries the X-Ray switch (`tracingEnabled`) and stage variables.
 * UpdateStage takes JSON-Patch-like operations whose values are always strings (https://docs.aws.amazon.com/apigateway/latest/api/API_PatchOperation.html);
 * the paths supported are the ones the lab and its teardown need — others answer BadRequest.
 */
import type { HttpResponse } from '../../core/types.js';
import type { LocalCloudEnv } from '../../env.js';
import type { RestRequest, RestRoute } from '../../protocols/rest-json.js';
import { paginate } from './apis.js';
import {
  badRequest, conflict, deploymentOutput, optionalString, stageOutput, stringMap, validateVariables,
  type StoredApi, type StoredDeployment, type StoredStage,
} from './model.js';
import type { ApiGatewayStore } from './store.js';

const STAGE_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

function validateStageName(name: unknown): string {
  if (typeof name !== 'string' || !STAGE_NAME.test(name)) {
    throw badRequest('Stage name only allows a-zA-Z0-9_- and must be 1 to 128 characters long.');
  }
  return name;
}

function bool(input: Record<string, unknown>, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${key} must be a boolean.`);
  return v;
}

export function stageRoutes(env: LocalCloudEnv, store: ApiGatewayStore): RestRoute[] {
  const D = '/restapis/{restapi_id}/deployments';
  const S = '/restapis/{restapi_id}/stages';
  const api = (req: RestRequest, region: string) => store.api(region, req.params.restapi_id!);

  const putStage = (a: StoredApi, name: string, fields: Partial<StoredStage> & { deploymentId: string }): StoredStage => {
    const now = env.clock.now();
    const existing = a.stages[name];
    const stage: StoredStage = existing
      ? { ...existing, ...fields, lastUpdatedDate: now }
      : { stageName: name, tracingEnabled: false, variables: {}, tags: {}, createdDate: now, lastUpdatedDate: now, ...fields };
    a.stages[name] = stage;
    return stage;
  };

  return [
    {
      method: 'POST', path: D, operation: 'CreateDeployment', status: 201,
      handler: (req, ctx) => {
        const a = api(req, ctx.region);
        const input = req.json();
        const stageName = input.stageName === undefined || input.stageName === null ? undefined : validateStageName(input.stageName);
        const methods = Object.values(a.resources).flatMap((r) => Object.values(r.resourceMethods));
        if (methods.length === 0) throw badRequest("The REST API doesn't contain any methods");
        if (methods.some((m) => !m.methodIntegration)) throw badRequest('No integration defined for method');
        const variables = validateVariables(stringMap(input, 'variables'));
        const tracingEnabled = bool(input, 'tracingEnabled');
        const deployment: StoredDeployment = {
          id: store.newId(6, (x) => store.findDeployment(a.id, x) !== undefined),
          apiId: a.id,
          description: optionalString(input, 'description'),
          createdDate: env.clock.now(),
          resources: structuredClone(Object.values(a.resources)),
        };
        store.saveDeployment(deployment);
        if (stageName) {
          const existing = a.stages[stageName];
          putStage(a, stageName, {
            deploymentId: deployment.id,
            ...(optionalString(input, 'stageDescription') !== undefined && { description: optionalString(input, 'stageDescription') }),
            ...(tracingEnabled !== undefined && { tracingEnabled }),
            ...(Object.keys(variables).length > 0 && { variables: { ...existing?.variables, ...variables } }),
          });
          store.save(a);
        }
        return deploymentOutput(deployment);
      },
    },
    {
      method: 'GET', path: D, operation: 'GetDeployments',
      handler: (req, ctx) => {
        const page = paginate(store.deploymentsOf(api(req, ctx.region).id), req);
        return { ...page, item: page.item.map(deploymentOutput) };
      },
    },
    {
      method: 'GET', path: `${D}/{deployment_id}`, operation: 'GetDeployment',
      handler: (req, ctx) => deploymentOutput(store.deployment(api(req, ctx.region).id, req.params.deployment_id!)),
    },
    {
      method: 'DELETE', path: `${D}/{deployment_id}`, operation: 'DeleteDeployment',
      handler: (req, ctx): HttpResponse => {
        const a = api(req, ctx.region);
        const d = store.deployment(a.id, req.params.deployment_id!);
        if (Object.values(a.stages).some((s) => s.deploymentId === d.id)) {
          throw badRequest('Active stages pointing to this deployment must be moved or deleted');
        }
        store.deployments.delete(`${a.id}/${d.id}`);
        return { status: 202, headers: {}, body: '' };
      },
    },
    {
      method: 'POST', path: S, operation: 'CreateStage', status: 201,
      handler: (req, ctx) => {
        const a = api(req, ctx.region);
        const input = req.json();
        const name = validateStageName(input.stageName);
        const deploymentId = optionalString(input, 'deploymentId');
        if (!deploymentId) throw badRequest('Invalid deployment identifier specified: deploymentId is required.');
        store.deployment(a.id, deploymentId);
        if (a.stages[name]) throw conflict('Stage already exists');
        const stage = putStage(a, name, {
          deploymentId,
          ...(optionalString(input, 'description') !== undefined && { description: optionalString(input, 'description') }),
          tracingEnabled: bool(input, 'tracingEnabled') ?? false,
          variables: validateVariables(stringMap(input, 'variables')),
          tags: stringMap(input, 'tags'),
        });
        store.save(a);
        return stageOutput(stage);
      },
    },
    {
      method: 'GET', path: S, operation: 'GetStages',
      handler: (req, ctx) => {
        const deploymentId = req.query.get('deploymentId');
        const stages = Object.values(api(req, ctx.region).stages).filter((s) => deploymentId === null || s.deploymentId === deploymentId);
        return { item: stages.map(stageOutput) };
      },
    },
    {
      method: 'GET', path: `${S}/{stage_name}`, operation: 'GetStage',
      handler: (req, ctx) => {
        const a = api(req, ctx.region);
        return stageOutput(store.stage(a, req.params.stage_name!));
      },
    },
    {
      method: 'PATCH', path: `${S}/{stage_name}`, operation: 'UpdateStage',
      handler: (req, ctx) => {
        const a = api(req, ctx.region);
        const current = store.stage(a, req.params.stage_name!);
        const ops = req.json().patchOperations ?? [];
        if (!Array.isArray(ops)) throw badRequest('patchOperations must be a list.');
        // Apply to a copy so a bad operation later in the list leaves the stage untouched, as in AWS.
        const next: StoredStage = structuredClone(current);
        for (const op of ops) applyStagePatch(store, a, next, op);
        next.lastUpdatedDate = env.clock.now();
        a.stages[next.stageName] = next;
        store.save(a);
        return stageOutput(next);
      },
    },
    {
      method: 'DELETE', path: `${S}/{stage_name}`, operation: 'DeleteStage',
      handler: (req, ctx): HttpResponse => {
        const a = api(req, ctx.region);
        const s = store.stage(a, req.params.stage_name!);
        delete a.stages[s.stageName];
        store.save(a);
        return { status: 202, headers: {}, body: '' };
      },
    },
  ];
}

export function applyStagePatch(store: ApiGatewayStore, api: StoredApi, stage: StoredStage, raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) throw badRequest('Each patch operation must be an object with op, path and value.');
  const { op, path, value } = raw as { op?: unknown; path?: unknown; value?: unknown };
  if (op !== 'replace' && op !== 'add' && op !== 'remove') {
    throw badRequest(`Invalid patch operation specified. Must be one of: [replace, add, remove] (got ${String(op)})`);
  }
  if (typeof path !== 'string') throw badRequest('Invalid patch path: path is required.');
  if (value !== undefined && value !== null && typeof value !== 'string') throw badRequest('Patch operation values must be strings.');
  const text = value as string | undefined;
  const varMatch = /^\/variables\/([^/]+)$/.exec(path);
  if (varMatch) {
    const name = decodeURIComponent(varMatch[1]!);
    if (op === 'remove') delete stage.variables[name];
    else stage.variables = { ...stage.variables, ...validateVariables({ [name]: text ?? '' }) };
    return;
  }
  if (op !== 'replace') throw badRequest(`Invalid patch operation specified. Must be 'replace' when modifying ${path}`);
  switch (path) {
    case '/tracingEnabled':
      if (text !== 'true' && text !== 'false') throw badRequest(`Invalid value for /tracingEnabled: ${String(text)}. Must be 'true' or 'false'.`);
      stage.tracingEnabled = text === 'true';
      return;
    case '/description':
      stage.description = text ?? '';
      return;
    case '/deploymentId':
      if (!text || !store.findDeployment(api.id, text)) throw badRequest(`Deployment id does not exist: ${String(text)}`);
      stage.deploymentId = text;
      return;
    default:
      throw badRequest(`Invalid patch path ${path}`);
  }
}
