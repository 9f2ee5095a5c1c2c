/**
 * API Gateway (REST v1) state as stored, and how it is shown on the wire. Dates are kept in ms and
 * sent as epoch seconds (restJson timestamps). Deployments hold a deep copy of the API's resources
 * taken at CreateDeployment: the data plane serves that snapshot, never the live resources.
 */
import { ServiceError } from '../../core/errors.js';

export interface StoredIntegration {
  type: string;
  /** Wire name `httpMethod`; the SDK calls it `integrationHttpMethod`. */
  httpMethod?: string;
  uri?: string;
  timeoutInMillis: number;
  passthroughBehavior: string;
  connectionType: string;
  cacheNamespace: string;
  cacheKeyParameters: string[];
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  contentHandling?: string;
}

export interface StoredMethod {
  httpMethod: string;
  authorizationType: string;
  apiKeyRequired: boolean;
  authorizerId?: string;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  methodIntegration?: StoredIntegration;
}

export interface StoredResource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods: Record<string, StoredMethod>;
}

export interface StoredStage {
  stageName: string;
  deploymentId: string;
  description?: string;
  tracingEnabled: boolean;
  variables: Record<string, string>;
  tags: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
}

export interface StoredApi {
  id: string;
  region: string;
  name: string;
  description?: string;
  version?: string;
  /** The resource policy JSON exactly as given; stored and returned, not enforced (the data plane has no IAM). */
  policy?: string;
  createdDate: number;
  binaryMediaTypes: string[];
  apiKeySource: string;
  endpointTypes: string[];
  disableExecuteApiEndpoint: boolean;
  rootResourceId: string;
  tags: Record<string, string>;
  resources: Record<string, StoredResource>;
  stages: Record<string, StoredStage>;
}

export interface StoredDeployment {
  id: string;
  apiId: string;
  description?: string;
  createdDate: number;
  /** The API's resources (with methods and integrations) when the deployment was created. */
  resources: StoredResource[];
}

export const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
export const AUTHORIZATION_TYPES = new Set(['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS']);
export const INTEGRATION_TYPES = new Set(['HTTP', 'AWS', 'MOCK', 'HTTP_PROXY', 'AWS_PROXY']);
export const DEFAULT_TIMEOUT_MS = 29_000;
export const MIN_TIMEOUT_MS = 50;

export const badRequest = (message: string) => new ServiceError('BadRequestException', message, 400);
export const notFound = (message: string) => new ServiceError('NotFoundException', message, 404);
export const conflict = (message: string) => new ServiceError('ConflictException', message, 409);

const seconds = (ms: number) => Math.floor(ms / 1000);

export function restApiOutput(api: StoredApi): Record<string, unknown> {
  return {
    id: api.id,
    name: api.name,
    ...(api.description !== undefined && { description: api.description }),
    ...(api.version !== undefined && { version: api.version }),
    ...(api.policy !== undefined && { policy: api.policy }),
    createdDate: seconds(api.createdDate),
    ...(api.binaryMediaTypes.length > 0 && { binaryMediaTypes: api.binaryMediaTypes }),
    apiKeySource: api.apiKeySource,
    endpointConfiguration: { types: api.endpointTypes },
    ...(Object.keys(api.tags).length > 0 && { tags: api.tags }),
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
    rootResourceId: api.rootResourceId,
  };
}

export function methodOutput(m: StoredMethod): Record<string, unknown> {
  return { ...m, ...(m.methodIntegration && { methodIntegration: integrationOutput(m.methodIntegration) }) };
}

export function integrationOutput(i: StoredIntegration): Record<string, unknown> {
  return { ...i };
}

/** GetResources lists only method names unless `embed=methods` asks for the whole Method. */
export function resourceOutput(r: StoredResource, embedMethods: boolean): Record<string, unknown> {
  const names = Object.keys(r.resourceMethods);
  const methods = embedMethods
    ? Object.fromEntries(Object.entries(r.resourceMethods).map(([k, m]) => [k, methodOutput(m)]))
    : Object.fromEntries(names.map((k) => [k, {}]));
  return {
    id: r.id,
    ...(r.parentId !== undefined && { parentId: r.parentId }),
    ...(r.pathPart !== undefined && { pathPart: r.pathPart }),
    path: r.path,
    ...(names.length > 0 && { resourceMethods: methods }),
  };
}

export function stageOutput(s: StoredStage): Record<string, unknown> {
  return {
    deploymentId: s.deploymentId,
    stageName: s.stageName,
    ...(s.description !== undefined && { description: s.description }),
    cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {},
    ...(Object.keys(s.variables).length > 0 && { variables: s.variables }),
    tracingEnabled: s.tracingEnabled,
    ...(Object.keys(s.tags).length > 0 && { tags: s.tags }),
    createdDate: seconds(s.createdDate),
    lastUpdatedDate: seconds(s.lastUpdatedDate),
  };
}

export function deploymentOutput(d: StoredDeployment): Record<string, unknown> {
  return { id: d.id, ...(d.description !== undefined && { description: d.description }), createdDate: seconds(d.createdDate) };
}

// AWS: "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end
// and an optional plus sign before the closing brace."
const PATH_PART = /^(?:[a-zA-Z0-9._:-]+|\{[a-zA-Z0-9._-]+\+?\})$/;

export function validatePathPart(pathPart: unknown): string {
  if (typeof pathPart !== 'string' || pathPart.length === 0) throw badRequest('Invalid path part: pathPart is required.');
  if (!PATH_PART.test(pathPart)) {
    throw badRequest(
      `Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace. Got: ${pathPart}`,
    );
  }
  return pathPart;
}

export const isVariablePart = (part: string | undefined) => part !== undefined && part.startsWith('{');
export const isGreedyPart = (part: string | undefined) => part !== undefined && part.endsWith('+}');

export function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string.`);
  return v;
}

export function stringMap(input: Record<string, unknown>, key: string): Record<string, string> {
  const v = input[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw badRequest(`${key} must be a map of strings.`);
  }
  return { ...(v as Record<string, string>) };
}

/** Stage variable names and values as AWS validates them. */
export function validateVariables(vars: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(vars)) {
    if (!/^[a-zA-Z0-9_]{1,64}$/.test(k)) throw badRequest(`Stage variable name ${k} must be alphanumeric or underscore, 1 to 64 characters.`);
    if (!/^[a-zA-Z0-9\-._~:/?#&=,]{0,512}$/.test(v)) throw badRequest(`Stage variable value for ${k} contains characters API Gateway does not allow.`);
  }
  return vars;
}
