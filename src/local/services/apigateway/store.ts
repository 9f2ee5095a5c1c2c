/**
 * Where API Gateway state lives: one document per REST API (resources, methods, integrations,
 * stages, tags) and one per deployment (its frozen snapshot), both write-through to SQLite.
 * Lookups answer AWS's NotFoundException messages so every operation reports misses the same way.
 */
import { Collection } from '../../core/db.js';
import type { LocalCloudEnv } from '../../env.js';
import { notFound, type StoredApi, type StoredDeployment, type StoredMethod, type StoredResource, type StoredStage } from './model.js';

export class ApiGatewayStore {
  readonly apis: Collection<StoredApi>;
  readonly deployments: Collection<StoredDeployment>;

  constructor(private readonly env: LocalCloudEnv) {
    this.apis = new Collection<StoredApi>(env.db, 'apigateway.apis');
    this.deployments = new Collection<StoredDeployment>(env.db, 'apigateway.deployments');
  }

  /** Any region: the data plane does not know the caller's region, only the API id. */
  findApi(apiId: string): StoredApi | undefined {
    return this.apis.get(apiId);
  }

  api(region: string, apiId: string): StoredApi {
    const api = this.apis.get(apiId);
    if (!api || api.region !== region) throw notFound(`Invalid API identifier specified ${this.env.accountId}:${apiId}`);
    return api;
  }

  resource(api: StoredApi, resourceId: string): StoredResource {
    const r = api.resources[resourceId];
    if (!r) throw notFound('Invalid Resource identifier specified');
    return r;
  }

  method(api: StoredApi, resource: StoredResource, httpMethod: string): StoredMethod {
    const m = resource.resourceMethods[httpMethod.toUpperCase()];
    if (!m) throw notFound('Invalid Method identifier specified');
    return m;
  }

  stage(api: StoredApi, stageName: string): StoredStage {
    const s = api.stages[stageName];
    if (!s) throw notFound('Invalid Stage identifier specified');
    return s;
  }

  missingIntegration(): Error {
    return notFound('Invalid Integration identifier specified');
  }

  deployment(apiId: string, deploymentId: string): StoredDeployment {
    const d = this.deployments.get(`${apiId}/${deploymentId}`);
    if (!d) throw notFound('Invalid Deployment identifier specified');
    return d;
  }

  findDeployment(apiId: string, deploymentId: string): StoredDeployment | undefined {
    return this.deployments.get(`${apiId}/${deploymentId}`);
  }

  deploymentsOf(apiId: string): StoredDeployment[] {
    return this.deployments.values().filter((d) => d.apiId === apiId);
  }

  save(api: StoredApi): void {
    this.apis.put(api.id, api);
  }

  saveDeployment(d: StoredDeployment): void {
    this.deployments.put(`${d.apiId}/${d.id}`, d);
  }

  deleteApi(apiId: string): void {
    for (const d of this.deploymentsOf(apiId)) this.deployments.delete(`${apiId}/${d.id}`);
    this.apis.delete(apiId);
  }

  /** A fresh id nobody uses yet: AWS gives APIs 10 characters, resources and deployments 6. */
  newId(length: number, taken: (id: string) => boolean): string {
    for (;;) {
      const id = this.env.ids.alnum(length);
      // An all-digit key would jump to the front of a JS object's key order and reorder resources.
      if (!/^\d+$/.test(id) && !taken(id)) return id;
    }
  }
}
