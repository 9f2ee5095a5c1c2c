/**
 * The API port's edge (issue 13): unsigned, cross-site and rebinding requests are refused 403 in
 * the service's own protocol before anything is routed; the SDK v3, the AWS CLI v2 and presigned
 * URLs still get through; the data plane, the X-Ray SDKs' sampling calls and the health probe stay
 * callable without a signature.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApiServer } from '../../src/local/lambda/runtime-api.js';
import type { LocalCloud } from '../../src/local/server.js';
import { ALLOWED_HOSTS_ENV } from '../../src/local/edge/request-guard.js';
import { aws, awsCliV2 } from '../support/awscli.js';
import { createRole, handlerZip } from '../local/lambda-fixtures.js';
import { clientConfig, TEST_CREDENTIALS, withLocalCloud } from '../support/local-cloud.js';
import { fakeSigV4, rawCall } from '../support/raw-http.js';
import { NodeSha256 as Sha256 } from '../support/signed-request.js';

const call = rawCall;
const sig = fakeSigV4;
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

describe('the API port edge', () => {
  let cloud: LocalCloud;
  let port: number;

  beforeAll(async () => {
    cloud = await withLocalCloud({ allowedHosts: ['lab.example.test'] });
    port = cloud.port;
  });
  afterAll(async () => cloud?.close());

  describe('refuses unsigned requests with 403 in the service’s own protocol', () => {
    it('restJson (Lambda): MissingAuthenticationTokenException', async () => {
      const res = await call(port, 'GET', '/2015-03-31/functions');
      expect(res.status).toBe(403);
      expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
      expect(JSON.parse(res.body).message).toMatch(/^Missing Authentication Token: .*Signature Version 4/);
    });

    it('awsQuery (IAM form post): <Code>MissingAuthenticationToken</Code>, nothing created', async () => {
      const res = await call(port, 'POST', '/', FORM, 'Action=CreateRole&Version=2010-05-08&RoleName=unsigned&AssumeRolePolicyDocument=%7B%7D');
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toBe('text/xml');
      expect(res.body).toContain('<Code>MissingAuthenticationToken</Code>');
      const listed = await call(port, 'POST', '/', { ...FORM, authorization: sig('iam') }, 'Action=ListRoles&Version=2010-05-08');
      expect(listed.status).toBe(200);
      expect(listed.body).not.toContain('unsigned');
    });

    it('awsQuery (STS GET): XML', async () => {
      const res = await call(port, 'GET', '/?Action=GetCallerIdentity&Version=2011-06-15');
      expect(res.status).toBe(403);
      expect(res.body).toMatch(/^<ErrorResponse .*<Code>MissingAuthenticationToken<\/Code>/);
    });

    it('awsJson (DynamoDB, Logs): __type …MissingAuthenticationTokenException', async () => {
      const ddb = await call(port, 'POST', '/', { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' }, '{}');
      expect(ddb.status).toBe(403);
      expect(JSON.parse(ddb.body).__type).toBe('com.amazonaws.dynamodb.v20120810#MissingAuthenticationTokenException');
      const logs = await call(port, 'POST', '/', { 'x-amz-target': 'Logs_20140328.CreateLogGroup', 'content-type': 'application/x-amz-json-1.1' }, '{"logGroupName":"x"}');
      expect(logs.status).toBe(403);
      expect(logs.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    });

    it('a malformed Authorization header: IncompleteSignature', async () => {
      const rest = await call(port, 'GET', '/2015-03-31/functions', { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request' });
      expect(rest.status).toBe(403);
      expect(rest.headers['x-amzn-errortype']).toBe('IncompleteSignatureException');
      const query = await call(port, 'POST', '/', { ...FORM, authorization: 'Bearer x' }, 'Action=ListRoles&Version=2010-05-08');
      expect(query.body).toContain('<Code>IncompleteSignature</Code>');
    });
  });

  describe('refuses browser and rebinding context even when signed', () => {
    it.each([
      [{ origin: 'https://evil.example.com' }, 'Origin'],
      [{ origin: 'null' }, 'Origin'],
      [{ 'sec-fetch-site': 'cross-site' }, 'Sec-Fetch-Site: cross-site'],
      [{ 'sec-fetch-site': 'same-site' }, 'Sec-Fetch-Site: same-site'],
      [{ 'sec-fetch-mode': 'no-cors' }, 'Sec-Fetch-Mode: no-cors'],
      [{ 'sec-fetch-mode': 'navigate' }, 'Sec-Fetch-Mode: navigate'],
    ])('%o → 403 AccessDeniedException', async (headers, fragment) => {
      const res = await call(port, 'GET', '/2015-03-31/functions', { authorization: sig('lambda'), ...headers });
      expect(res.status).toBe(403);
      expect(res.headers['x-amzn-errortype']).toBe('AccessDeniedException');
      expect(JSON.parse(res.body).message).toContain(fragment);
    });

    it('a non-loopback Host is refused before routing, and never echoed into a URL', async () => {
      const res = await call(port, 'GET', '/2015-03-31/functions/anything', { host: `rebind.evil.example.com:${port}`, authorization: sig('lambda') });
      expect(res.status).toBe(403);
      expect(res.headers['x-amzn-errortype']).toBe('AccessDeniedException');
      expect(JSON.parse(res.body).message).toContain('loopback name');
      const query = await call(port, 'POST', '/', { ...FORM, host: 'rebind.test', authorization: sig('iam') }, 'Action=ListRoles&Version=2010-05-08');
      expect(query.body).toContain('<Code>AccessDenied</Code>');
    });

    it('loopback origins and same-origin fetches pass', async () => {
      const passing: Record<string, string>[] = [{ origin: `http://localhost:${port}` }, { origin: 'http://console.localhost:8080' }, { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' }];
      for (const headers of passing) {
        expect((await call(port, 'GET', '/2015-03-31/functions', { authorization: sig('lambda'), ...headers })).status).toBe(200);
      }
    });

    it('names the user allows (option and XRAY_LAB_ALLOWED_HOSTS) pass the Host check', async () => {
      expect((await call(port, 'GET', '/2015-03-31/functions', { host: `lab.example.test:${port}`, authorization: sig('lambda') })).status).toBe(200);
      process.env[ALLOWED_HOSTS_ENV] = '*.from-env.test';
      const other = await withLocalCloud();
      delete process.env[ALLOWED_HOSTS_ENV];
      try {
        expect((await call(other.port, 'GET', '/2015-03-31/functions', { host: `a.from-env.test:${other.port}`, authorization: sig('lambda') })).status).toBe(200);
        expect((await call(other.port, 'GET', '/2015-03-31/functions', { host: `lab.example.test:${other.port}`, authorization: sig('lambda') })).status).toBe(403);
      } finally {
        await other.close();
      }
    });
  });

  describe('what stays callable without a signature', () => {
    it('the X-Ray SDK’s sampling calls and the health probe, but only with a loopback Host and no cross-site context', async () => {
      expect((await call(port, 'POST', '/GetSamplingRules', { 'content-type': 'application/json' }, '{}')).status).toBe(200);
      const targets = await call(port, 'POST', '/SamplingTargets', { 'content-type': 'application/json' }, '{"SamplingStatisticsDocuments":[]}');
      expect(targets.status).toBe(200);
      expect((await call(port, 'GET', '/_xray-lab/health')).status).toBe(200);
      expect((await call(port, 'POST', '/GetSamplingRules', { host: 'rebind.test' }, '{}')).status).toBe(403);
      expect((await call(port, 'POST', '/GetSamplingRules', { 'sec-fetch-site': 'cross-site' }, '{}')).status).toBe(403);
      expect((await call(port, 'GET', '/_xray-lab/health', { origin: 'http://evil.test' })).status).toBe(403);
      // Other X-Ray operations are control plane: signed only.
      expect((await call(port, 'POST', '/CreateSamplingRule', { 'content-type': 'application/json' }, '{}')).status).toBe(403);
    });

    it('the data plane, from any origin, but not under a rebinding Host', async () => {
      // An API that does not exist: the data plane's own answer, the same with or without a browser's headers.
      const plain = await call(port, 'GET', '/_aws/execute-api/abcdefghij/prod/users/1');
      const fromPage = await call(port, 'GET', '/_aws/execute-api/abcdefghij/prod/users/1', { origin: 'https://anywhere.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' });
      const byHost = await call(port, 'GET', '/prod/users/1', { host: `abcdefghij.execute-api.localhost:${port}`, 'sec-fetch-site': 'cross-site' });
      for (const res of [fromPage, byHost]) {
        expect(res.status).toBe(plain.status);
        expect(res.body).toBe(plain.body);
      }
      expect(plain.body).not.toMatch(/refused|loopback|Signature/);
      const rebound = await call(port, 'GET', '/_aws/execute-api/abcdefghij/prod/users/1', { host: 'rebind.test' });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain('loopback name');
    });
  });

  describe('clients still get through', () => {
    it('the SDK v3, and GetFunction’s Code.Location opens with a plain GET under the caller’s own Host only', async () => {
      const lambda = new LambdaClient(clientConfig(cloud));
      const localhostLambda = new LambdaClient({ ...clientConfig(cloud), endpoint: `http://localhost:${port}` });
      try {
        const role = await createRole(cloud.endpoint, 'EdgeRole');
        const zip = await handlerZip();
        await lambda.send(new CreateFunctionCommand({ FunctionName: 'edge-fn', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zip } }));
        const location = (await localhostLambda.send(new GetFunctionCommand({ FunctionName: 'edge-fn' }))).Code!.Location!;
        expect(location.startsWith(`http://localhost:${port}/2015-03-31/functions/edge-fn/code-package/`)).toBe(true);
        const got = await fetch(location);
        expect(got.status).toBe(200);
        expect(Buffer.from(await got.arrayBuffer()).equals(zip)).toBe(true);
        // A made-up signature on the same URL is not the cloud's: refused.
        const forged = await fetch(location.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'a'.repeat(64)}`));
        expect(forged.status).toBe(403);
        expect(forged.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
      } finally {
        lambda.destroy();
        localhostLambda.destroy();
      }
    });

    it('a presigned URL (SigV4 in the query)', async () => {
      const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256 });
      const presigned = await signer.presign({
        method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: `127.0.0.1:${port}` },
      }, { expiresIn: 300 });
      const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
      const res = await fetch(`${cloud.endpoint}/?${qs}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<Account>000000000000</Account>');
      const sts = new STSClient(clientConfig(cloud));
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
      sts.destroy();
    });

    it.skipIf(!awsCliV2)('the AWS CLI v2 (query, restJson and awsJson services)', async () => {
      const who = await aws(cloud.endpoint, ['sts', 'get-caller-identity']);
      expect(who.status, who.stderr).toBe(0);
      const fns = await aws(cloud.endpoint, ['lambda', 'list-functions']);
      expect(fns.status, fns.stderr).toBe(0);
      const tables = await aws(cloud.endpoint, ['dynamodb', 'list-tables']);
      expect(tables.status, tables.stderr).toBe(0);
      const rules = await aws(cloud.endpoint, ['xray', 'get-sampling-rules']);
      expect(rules.status, rules.stderr).toBe(0);
    });

    it('the service still answers signed requests after all the refusals', async () => {
      const lambda = new LambdaClient(clientConfig(cloud));
      expect((await lambda.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName)).toEqual(['edge-fn']);
      lambda.destroy();
    });
  });
});

describe('the Runtime API port', () => {
  it('answers only a loopback Host without cross-site browser context', async () => {
    const delivered: string[] = [];
    const server = await RuntimeApiServer.start({
      onNext: () => undefined,
      onResult: (id) => (delivered.push(id), true),
      onInitError: () => undefined,
    });
    const rtPort = Number(server.address.split(':')[1]);
    try {
      const path = '/2018-06-01/runtime/invocation/forged/response';
      const rebind = await call(rtPort, 'POST', path, { host: `rebind.test:${rtPort}` }, '{"forged":true}');
      expect(rebind.status).toBe(403);
      expect(JSON.parse(rebind.body).errorType).toBe('AccessDenied');
      const crossSite = await call(rtPort, 'POST', path, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }, '{"forged":true}');
      expect(crossSite.status).toBe(403);
      expect(delivered).toEqual([]);
      const own = await call(rtPort, 'POST', path, {}, '{"ok":true}');
      expect(own.status).toBe(202);
      expect(delivered).toEqual(['forged']);
    } finally {
      await server.close();
    }
  });
});
