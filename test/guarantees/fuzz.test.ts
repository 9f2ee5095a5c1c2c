/**
 * Garbage in, the service's error format out: a fixed number of seeded random requests per protocol
 * endpoint, then the cloud must still answer. No request may crash it, hang it, or pollute it.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { seededRandom } from '../../src/local/xray/synthetic.js';
import { listenerPort, withLocalCloud } from '../support/local-cloud.js';
import { recordedTree } from '../support/otel.js';
import { exportRaw, spansMessage } from '../support/otlp-grpc.js';

/** Requests per endpoint, from seededRandom so a failure replays. */
const ITERATIONS = 150;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(cloud: LocalCloud, method: string, path: string, headers: Record<string, string>, body: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${cloud.endpoint}${path}`, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sig = (service: string) => `AWS4-HMAC-SHA256 Credential=AKIAFUZZ/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;
const amzDate = { 'x-amz-date': '20260101T000000Z' };

function garbage(rand: () => number): Buffer {
  const kinds: (() => string | Buffer)[] = [
    () => Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))),
    () => '{"a":'.repeat(1 + Math.floor(rand() * 50)),
    () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    () => JSON.stringify({ TableName: rand(), Item: [1, 2], Tags: 'x', RoleName: { a: 1 }, SamplingRule: [null], logGroupName: 12, FunctionName: null }),
    () => JSON.stringify([1, 2, 3]),
    () => 'null',
    () => '"just a string"',
    () => `Action=CreateRole&Version=2010-05-08&RoleName=${'x'.repeat(Math.floor(rand() * 100))}&AssumeRolePolicyDocument=%7B`,
    () => 'Action=TagRole&Version=2010-05-08&RoleName=r&Tags.member.4294967295.Key=a&Tags.member.4294967295.Value=b',
    () => 'Action=CreateRole&Version=2010-05-08&__proto__.polluted=yes&constructor.prototype.polluted=yes&RoleName=p&AssumeRolePolicyDocument=%7B%7D',
    () => '%%%&&&===',
    () => '<?xml version="1.0"?><a><b>',
    () => '',
  ];
  const v = kinds[Math.floor(rand() * kinds.length)]!();
  return typeof v === 'string' ? Buffer.from(v) : v;
}

type Endpoint = { name: string; method: string; path: (r: () => number) => string; headers: (r: () => number) => Record<string, string>; check(reply: Reply): void };

const jsonError = (reply: Reply) => {
  expect(reply.status, reply.body).toBeGreaterThanOrEqual(200);
  expect(reply.status).toBeLessThan(600);
  if (reply.status >= 400 && reply.body) {
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(typeof (body.__type ?? body.message ?? body.Message), reply.body).toBe('string');
  }
};

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)]!;

const ENDPOINTS: Endpoint[] = [
  { name: 'awsJson (Logs)', method: 'POST', path: () => '/', headers: (r) => ({ 'x-amz-target': `Logs_20140328.${pick(r, ['CreateLogGroup', 'PutLogEvents', 'FilterLogEvents', 'Bogus', ''])}`, 'content-type': 'application/x-amz-json-1.1', authorization: sig('logs'), ...amzDate }), check: jsonError },
  { name: 'awsJson (Tagging)', method: 'POST', path: () => '/', headers: (r) => ({ 'x-amz-target': `ResourceGroupsTaggingAPI_20170126.${pick(r, ['GetResources', 'TagResources'])}`, 'content-type': 'application/x-amz-json-1.1', authorization: sig('tagging'), ...amzDate }), check: jsonError },
  { name: 'awsJson (DynamoDB)', method: 'POST', path: () => '/', headers: (r) => ({ 'x-amz-target': `DynamoDB_20120810.${pick(r, ['PutItem', 'CreateTable', 'Query', 'Nope'])}`, 'content-type': 'application/x-amz-json-1.0', authorization: sig('dynamodb'), ...amzDate }), check: jsonError },
  { name: 'restJson (X-Ray)', method: 'POST', path: (r) => pick(r, ['/CreateSamplingRule', '/GetSamplingRules', '/TagResource', '/TraceSegments', '/TraceSummaries', '/Nope']), headers: () => ({ 'content-type': 'application/json', authorization: sig('xray'), ...amzDate }), check: jsonError },
  { name: 'restJson (Lambda)', method: 'POST', path: (r) => pick(r, ['/2015-03-31/functions', '/2015-03-31/functions/%E0%A4%A/invocations', '/2015-03-31/functions/user-service/policy', '/2017-03-31/tags/arn%3Ax']), headers: () => ({ 'content-type': 'application/json', authorization: sig('lambda'), ...amzDate }), check: jsonError },
  { name: 'restJson (API Gateway)', method: 'POST', path: (r) => pick(r, ['/restapis', '/restapis/abc/deployments', '/restapis/%zz/resources/x', '/tags/arn']), headers: () => ({ 'content-type': 'application/json', authorization: sig('apigateway'), ...amzDate }), check: jsonError },
  {
    name: 'awsQuery (IAM, STS)', method: 'POST', path: () => '/', headers: (r) => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: sig(pick(r, ['iam', 'sts'])), ...amzDate }),
    check: (reply) => {
      expect(reply.status).toBeLessThan(600);
      if (reply.status >= 400) expect(reply.body).toMatch(/^<ErrorResponse xmlns="[^"]+"><Error><Type>(Sender|Receiver)<\/Type><Code>\w+<\/Code><Message>/);
    },
  },
  { name: 'API Gateway data plane', method: 'POST', path: (r) => pick(r, ['/_aws/execute-api/nope/prod/users/1', '/_aws/execute-api/%%/x', '/_aws/execute-api/a']), headers: () => ({ 'content-type': 'application/json' }), check: (reply) => expect(reply.status).toBeLessThan(600) },
];

describe('garbage input fuzzing of every protocol endpoint', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await withLocalCloud();
  });
  afterAll(async () => {
    await cloud.close();
  });

  it.each(ENDPOINTS.map((e, i) => [e.name, e, i] as const))(`%s: ${ITERATIONS} random requests, each answered in the service's error format`, async (_name, ep, i) => {
    const rand = seededRandom(1000 + i);
    for (let n = 0; n < ITERATIONS; n++) {
      const reply = await send(cloud, ep.method, ep.path(rand), ep.headers(rand), garbage(rand));
      ep.check(reply);
    }
    const health = await send(cloud, 'GET', '/_xray-lab/health', {}, '');
    expect(health.status).toBe(200);
    // Form keys like __proto__.x must never reach Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`OTLP/gRPC: ${ITERATIONS} random and mutated messages, each answered OK or INVALID_ARGUMENT with one sentence`, async () => {
    const rand = seededRandom(2000);
    const port = listenerPort(cloud, 'otlp-grpc');
    const valid = spansMessage(recordedTree('fuzz-grpc', 'f-1', 'Fuzz').spans);
    for (let n = 0; n < ITERATIONS; n++) {
      let message: Buffer;
      if (rand() < 0.5) {
        message = garbage(rand);
      } else {
        // A valid export with a few bytes changed: field tags, lengths, ids and values all get hit.
        message = Buffer.from(valid);
        for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) message[Math.floor(rand() * message.length)] = Math.floor(rand() * 256);
      }
      const r = await exportRaw(port, message);
      if (!r.ok) {
        expect(r.code, r.details).toBe('INVALID_ARGUMENT');
        expect(r.details).toMatch(/^[^\n]+\.$/);
      }
    }
    expect(await exportRaw(port, valid)).toMatchObject({ ok: true });
  });

  it('survives clients that hang up in the middle of a body, on every protocol', async () => {
    const port = cloud.port;
    const targets = [
      'x-amz-target: DynamoDB_20120810.PutItem\r\ncontent-type: application/x-amz-json-1.0',
      'x-amz-target: Logs_20140328.PutLogEvents\r\ncontent-type: application/x-amz-json-1.1',
      `authorization: ${sig('iam')}\r\ncontent-type: application/x-www-form-urlencoded`,
      `authorization: ${sig('lambda')}`,
    ];
    for (const extra of targets) {
      await new Promise<void>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.write(`POST ${extra.includes('lambda') ? '/2015-03-31/functions' : '/'} HTTP/1.1\r\nhost: x\r\n${extra}\r\ncontent-length: 100000\r\n\r\n{"TableName":"a`);
          setImmediate(() => sock.destroy());
        });
        sock.on('close', () => resolve());
        sock.on('error', () => resolve());
      });
    }

    const health = await send(cloud, 'GET', '/_xray-lab/health', {}, '');

    expect(health.status).toBe(200);
  });

  it('refuses bodies over the limit with 413, by declared length and by streamed size', async () => {
    const small = await withLocalCloud({ maxBodyBytes: 1024 });
    try {
      const declared = await send(small, 'POST', '/', { 'x-amz-target': 'Logs_20140328.CreateLogGroup', 'content-type': 'application/x-amz-json-1.1', authorization: sig('logs'), ...amzDate }, Buffer.alloc(4096, 0x20));
      const streamed = await new Promise<number>((resolve, reject) => {
        const req = request(`${small.endpoint}/`, { method: 'POST', headers: { 'x-amz-target': 'Logs_20140328.CreateLogGroup', 'transfer-encoding': 'chunked', authorization: sig('logs'), ...amzDate } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 8; i++) req.write(Buffer.alloc(512, 0x20));
        req.end();
      });

      expect(declared.status).toBe(413);
      expect(JSON.parse(declared.body).message).toContain('larger than the local cloud accepts');
      expect(streamed).toBe(413);
    } finally {
      await small.close();
    }
  });
});
