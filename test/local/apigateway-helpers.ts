/** Shared pieces of the API Gateway tests: an in-process Lambda invoker and the lab's step-4 setup. */
import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand,
  PutIntegrationCommand, PutMethodCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { AddPermissionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateSamplingRuleCommand, XRayClient } from '@aws-sdk/client-xray';
import { request } from 'node:http';
import type { InvokeResult, LambdaInvoker } from '../../src/local/apigateway/index.js';
import { TEST_CREDENTIALS, clientConfig } from '../support/local-cloud.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const lambdaUri = (name: string) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${fnArn(name)}/invocations`;

/** Parsed JSON documents whose shape each test asserts on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = Record<string, any>;

export type Handler = (event: Record<string, unknown>) => unknown;

/** A real (in-process) Lambda: runs JS handlers by function name, reports thrown errors as Lambda does. */
export class InProcessLambda implements LambdaInvoker {
  readonly calls: { functionArn: string; event: Record<string, unknown>; traceHeader?: string; sourceArn?: string }[] = [];
  constructor(private readonly handlers: Record<string, Handler>) {}

  async invoke(functionArn: string, event: Buffer, opts: { traceHeader?: string; sourceArn?: string }): Promise<InvokeResult> {
    const name = /:function:([^:]+)/.exec(functionArn)?.[1] ?? functionArn;
    const handler = this.handlers[name];
    if (!handler) return { notFound: true };
    const parsed = JSON.parse(event.toString('utf8')) as Record<string, unknown>;
    this.calls.push({ functionArn, event: parsed, traceHeader: opts.traceHeader, sourceArn: opts.sourceArn });
    try {
      const result = await handler(parsed);
      return { payload: Buffer.from(JSON.stringify(result ?? null)) };
    } catch (e) {
      const err = e as Error;
      return { payload: Buffer.from(JSON.stringify({ errorType: err.name, errorMessage: err.message })), functionError: 'Unhandled' };
    }
  }
}

export function apiClient(endpoint: string, maxAttempts = 3): APIGatewayClient {
  return new APIGatewayClient({ endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts });
}

/** The lab's step 4 through the SDK: GET /users/{userId} → AWS_PROXY → user-service, deployed to prod. */
export async function createLabApi(client: APIGatewayClient, opts: { tracing?: boolean; fn?: string } = {}) {
  const api = await client.send(new CreateRestApiCommand({ name: 'user-api', description: 'User service API' }));
  const resources = await client.send(new GetResourcesCommand({ restApiId: api.id }));
  const rootId = resources.items![0]!.id!;
  const users = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: rootId, pathPart: 'users' }));
  const userId = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: users.id, pathPart: '{userId}' }));
  await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: userId.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({
    restApiId: api.id, resourceId: userId.id, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri(opts.fn ?? 'user-service'),
  }));
  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'prod' }));
  if (opts.tracing) {
    await client.send(new UpdateStageCommand({ restApiId: api.id, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/tracingEnabled', value: 'true' }] }));
  }
  return { apiId: api.id!, rootId, usersId: users.id!, userIdResourceId: userId.id! };
}

/** The lab's step 5: lets API Gateway invoke `fn` for GET /users/* of this API. */
export async function allowApiGatewayInvoke(lambda: LambdaClient, fn: string, apiId: string, accountId: string): Promise<void> {
  await lambda.send(new AddPermissionCommand({
    FunctionName: fn, StatementId: 'apigateway-invoke', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
    SourceArn: `arn:aws:execute-api:${REGION}:${accountId}:${apiId}/*/GET/users/*`,
  }));
}

/**
 * In front of an existing function `fn`: a rule sampling every request (rate 1 on the stage wins over
 * Default), step 4's traced API, and, as step 4 does, API Gateway allowed to invoke `fn` for GET /users/*
 * of this API only. Returns the API id.
 */
export async function tracedLabApi(cloud: { endpoint: string; env: { accountId: string } }, fn = 'user-service'): Promise<string> {
  const xray = new XRayClient(clientConfig(cloud));
  const lambda = new LambdaClient(clientConfig(cloud));
  const gw = apiClient(cloud.endpoint);
  try {
    await xray.send(new CreateSamplingRuleCommand({ SamplingRule: { RuleName: 'all', ResourceARN: '*', Priority: 1, FixedRate: 1, ReservoirSize: 0, ServiceName: 'user-api/prod', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1 } }));
    const { apiId } = await createLabApi(gw, { tracing: true, fn });
    await allowApiGatewayInvoke(lambda, fn, apiId, cloud.env.accountId);
    return apiId;
  } finally {
    for (const c of [xray, lambda, gw]) c.destroy();
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Plain HTTP with full control of the Host header (fetch forbids setting it). */
export function httpCall(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const invokePath = (apiId: string, path: string) => `/_aws/execute-api/${apiId}/prod${path}`;
