/**
 * API Gateway for the local cloud: the control-plane service (mounted like any other) and the
 * data plane the server consults before service routing. Both share one store.
 */
import type { LocalService } from '../core/types.js';
import type { LocalCloudEnv } from '../env.js';
import { createApiGatewayService } from '../services/apigateway/index.js';
import { ApiGatewayStore } from '../services/apigateway/store.js';
import { ApiGatewayDataPlane } from './data-plane.js';
import type { DataPlaneDeps } from './types.js';

export { ApiGatewayDataPlane, matchDataPlane, type DataPlaneRequest, type DataPlaneTarget } from './data-plane.js';
export type { DataPlaneDeps, InvokeResult, LambdaInvoker, SamplingRequest, SegmentSink, StageSampler } from './types.js';

export interface LocalApiGateway {
  service: LocalService;
  store: ApiGatewayStore;
  dataPlane: ApiGatewayDataPlane;
}

export function createApiGateway(env: LocalCloudEnv, deps: DataPlaneDeps = {}): LocalApiGateway {
  const store = new ApiGatewayStore(env);
  return { service: createApiGatewayService(env, store), store, dataPlane: new ApiGatewayDataPlane(env, store, deps) };
}
