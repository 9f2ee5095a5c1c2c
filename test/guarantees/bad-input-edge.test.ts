/**
 * Bad-input catalogue, edge part (issue 13 items 4 and 5): operation names that are JavaScript
 * built-ins, and honest NotImplemented answers for what the local cloud does not do, each in the
 * caller's protocol, each followed by a normal answer.
 */
import {
  APIGatewayClient, CreateRestApiCommand, GetRestApiCommand, GetRestApisCommand, ImportRestApiCommand, PutRestApiCommand, UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { aws, awsCliV2 } from '../support/awscli.js';
import { clientConfig, serviceErrorOf, withLocalCloud } from '../support/local-cloud.js';
import { fakeSigV4, rawCall, type RawReply } from '../support/raw-http.js';

/** A POST to the cloud's API port, with exactly these headers. */
const call = (cloud: LocalCloud, headers: Record<string, string>, body: string, path = '/'): Promise<RawReply> =>
  rawCall(cloud.port, 'POST', path, headers, body);
const sig = fakeSigV4;
const BUILT_INS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('bad input at the edge', () => {
  let cloud: LocalCloud;
  let apigw: APIGatewayClient;

  beforeAll(async () => {
    cloud = await withLocalCloud();
    apigw = new APIGatewayClient(clientConfig(cloud));
  });
  afterAll(async () => {
    apigw?.destroy();
    await cloud?.close();
  });

  const logs = (op: string) => call(cloud, { 'x-amz-target': `Logs_20140328.${op}`, 'content-type': 'application/x-amz-json-1.1', authorization: sig('logs') }, '{"logGroupName":"echo-me"}');
  const iam = (action: string) => call(cloud, { 'content-type': 'application/x-www-form-urlencoded', authorization: sig('iam') }, `Action=${encodeURIComponent(action)}&Version=2010-05-08&RoleName=%3Cb%3Eechoed%3C%2Fb%3E`);

  it.each(BUILT_INS)('awsJson X-Amz-Target Logs_20140328.%s → 400 UnknownOperationException, nothing echoed', async (op) => {
    const res = await logs(op);

    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(JSON.parse(res.body).message).toBe(`CloudWatch Logs has no operation named "${op}".`);
    expect(res.body).not.toContain('echo-me');
    expect((await logs('DescribeLogGroups')).status).toBe(200);
  });

  it.each([...BUILT_INS, '<x>&"\''])('awsQuery Action=%s → 400 InvalidAction, escaped, nothing echoed', async (action) => {
    const res = await iam(action);

    expect(res.status).toBe(400);
    expect(res.body).toMatch(/^<ErrorResponse [^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>Could not find operation /);
    expect(res.body).not.toContain('<b>');
    expect(res.body).not.toContain('echoed');
    // Only the error envelope's own elements: the action name cannot open one.
    const elements = new Set([...res.body.matchAll(/<\/?([^\s>/]+)/g)].map((m) => m[1]));
    expect([...elements].sort()).toEqual(['Code', 'Error', 'ErrorResponse', 'Message', 'RequestId', 'Type']);
    expect((await iam('ListRoles')).status).toBe(200);
  });

  it('a well-formed but unimplemented operation name is NotImplemented, naming it', async () => {
    const json = await logs('PutQueryDefinition');
    expect(json.status).toBe(501);
    expect(json.headers['x-amzn-errortype']).toBe('NotImplemented');
    expect(JSON.parse(json.body).message).toContain('CloudWatch Logs PutQueryDefinition');
    const query = await iam('CreateSAMLProvider');
    expect(query.status).toBe(501);
    expect(query.body).toContain('<Code>NotImplemented</Code>');
    expect(query.body).toContain('CreateSAMLProvider');
  });

  describe('API Gateway operations it leaves out answer NotImplemented naming the operation', () => {
    it.each([
      ['PutRestApi', () => new PutRestApiCommand({ restApiId: 'abcdefghij', body: Buffer.from('{"openapi":"3.0.1"}') })],
      ['UpdateRestApi', () => new UpdateRestApiCommand({ restApiId: 'abcdefghij', patchOperations: [{ op: 'replace', path: '/name', value: 'x' }] })],
      ['ImportRestApi', () => new ImportRestApiCommand({ body: Buffer.from('{"openapi":"3.0.1","info":{"title":"t"}}') })],
    ])('%s', async (operation, command) => {
      const err = await serviceErrorOf(apigw.send(command() as PutRestApiCommand));

      expect(err).toMatchObject({ name: 'NotImplemented', status: 501 });
      expect(err.message).toBe(`The xray-lab local cloud does not implement API Gateway ${operation}; it emulates only what the X-Ray lab uses.`);
      expect((await apigw.send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
    });

    it('CreateRestApi keeps the policy it is given', async () => {
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*' }] });
      const created = await apigw.send(new CreateRestApiCommand({ name: 'with-policy', policy }));

      expect(created.policy).toBe(policy);
      expect((await apigw.send(new GetRestApiCommand({ restApiId: created.id }))).policy).toBe(policy);
    });
  });

  describe('a service the local cloud does not speak gets NotImplemented in its own protocol', () => {
    it('query protocol (CloudFormation): XML naming the operation', async () => {
      const res = await call(cloud, { 'content-type': 'application/x-www-form-urlencoded', authorization: sig('cloudformation') }, 'Action=ListStacks&Version=2010-05-15');

      expect(res.status).toBe(501);
      expect(res.headers['content-type']).toBe('text/xml');
      expect(res.body).toContain('<Code>NotImplemented</Code>');
      expect(res.body).toContain('does not emulate the cloudformation service, so it cannot answer ListStacks');
    });

    it('awsJson (SQS): JSON naming the operation', async () => {
      const res = await call(cloud, { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0', authorization: sig('sqs') }, '{}');

      expect(res.status).toBe(501);
      expect(res.headers['x-amzn-errortype']).toBe('NotImplemented');
      expect(JSON.parse(res.body).message).toContain('cannot answer ListQueues');
    });

    it.skipIf(!awsCliV2)('the AWS CLI v2 reads the CloudFormation answer as a NotImplemented error', async () => {
      const res = await aws(cloud.endpoint, ['cloudformation', 'list-stacks']);

      expect(res.status).not.toBe(0);
      expect(res.stderr).toContain('An error occurred (NotImplemented) when calling the ListStacks operation');
      expect(res.stderr).not.toMatch(/Traceback|Unable to parse/);
    });
  });
});
