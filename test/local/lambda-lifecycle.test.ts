import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { createRole, credentials, handlerZip, zipWithRawName } from './lambda-fixtures.js';

let base: string;
const clouds: LocalCloud[] = [];
const clock = { t: Date.UTC(2026, 0, 1), now() { return this.t; } };

beforeEach(() => {
  clock.t = Date.UTC(2026, 0, 1);
  base = mkdtempSync(join(tmpdir(), 'xray-lab-lambda-'));
});
afterEach(async () => {
  for (const c of clouds.splice(0)) await c.close();
  rmSync(base, { recursive: true, force: true });
});

async function start(opts: Parameters<typeof startLocalCloud>[0] = {}): Promise<{ cloud: LocalCloud; lambda: LambdaClient }> {
  const cloud = await startLocalCloud({ port: 0, clock, ...opts });
  clouds.push(cloud);
  return { cloud, lambda: new LambdaClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }) };
}

const createInput = async (Role: string, ZipFile?: Uint8Array) => ({
  FunctionName: 'user-service', Runtime: 'nodejs22.x' as const, Role, Handler: 'index.handler', Code: { ZipFile: ZipFile ?? (await handlerZip()) },
});

describe('IAM propagation', () => {
  it('refuses a fresh role until the propagation delay has passed, then accepts it', async () => {
    const { cloud, lambda } = await start({ faults: { iamPropagationMs: 8000 } });
    const role = await createRole(cloud.endpoint);

    const early = await lambda.send(new CreateFunctionCommand(await createInput(role))).catch((e: unknown) => e);
    clock.t += 8000;
    const later = await lambda.send(new CreateFunctionCommand(await createInput(role)));

    expect(early).toMatchObject({ name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.' });
    expect(later.State).toBe('Active');
  });
});

describe('uploads', () => {
  it('rejects a zip-slip package and writes nothing outside the data dir', async () => {
    const dataDir = join(base, 'data');
    const { cloud, lambda } = await start({ dataDir });
    const role = await createRole(cloud.endpoint);
    const hostile = await zipWithRawName('../../../escaped.txt');

    const res = await lambda.send(new CreateFunctionCommand(await createInput(role, hostile))).catch((e: unknown) => e);

    expect(res).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('Could not unzip uploaded file') });
    expect(readdirSync(base)).toEqual(['data']);
    expect(existsSync(join(dataDir, 'escaped.txt'))).toBe(false);
    expect(readdirSync(join(dataDir, 'lambda', 'user-service'))).toEqual([]);
    const missing = await lambda.send(new GetFunctionCommand({ FunctionName: 'user-service' })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('persistence', () => {
  it('keeps a function and its code across a restart on the same data dir', async () => {
    const dataDir = join(base, 'data');
    const first = await start({ dataDir });
    const role = await createRole(first.cloud.endpoint);
    const created = await first.lambda.send(new CreateFunctionCommand(await createInput(role)));
    first.lambda.destroy();
    await first.cloud.close();

    const second = await start({ dataDir });
    const got = await second.lambda.send(new GetFunctionCommand({ FunctionName: 'user-service' }));
    const res = await second.lambda.send(new InvokeCommand({ FunctionName: 'user-service', Payload: JSON.stringify({ httpMethod: 'GET', path: '/users/user123' }) }));
    second.lambda.destroy();

    expect(got.Configuration).toMatchObject({ CodeSha256: created.CodeSha256, RevisionId: created.RevisionId });
    expect(res.StatusCode).toBe(200);
    expect(JSON.parse(JSON.parse(Buffer.from(res.Payload!).toString()).body)).toMatchObject({ path: '/users/user123' });
  });

  it('removes the temp code dir of an in-memory cloud at close', async () => {
    const { cloud, lambda } = await start();
    const role = await createRole(cloud.endpoint);
    await lambda.send(new CreateFunctionCommand(await createInput(role)));
    const codeDir = cloud.lambda.functions.codeDir(cloud.lambda.functions.items.get('user-service')!);
    const existedBefore = existsSync(codeDir);

    lambda.destroy();
    await cloud.close();

    expect(existedBefore).toBe(true);
    expect(existsSync(codeDir)).toBe(false);
  });
});

describe('code preparation', () => {
  it('prepares a code cache beside each deployed package, and drops it with the old code on update', async () => {
    const dataDir = join(base, 'data');
    const { cloud, lambda } = await start({ dataDir });
    const role = await createRole(cloud.endpoint);
    const fnDir = join(dataDir, 'lambda', 'user-service');
    const caches = () => readdirSync(fnDir).filter((f) => f.endsWith('.v8cache'));

    // Only handlers big enough for compiling to matter get a cache.
    const padding = `\n${'// padding\n'.repeat(7000)}`;
    const created = await lambda.send(new CreateFunctionCommand(await createInput(role, await handlerZip(`exports.handler = async () => "v1";${padding}`))));
    const first = `${Buffer.from(created.CodeSha256!, 'base64').toString('hex')}.v8cache`;
    await vi.waitFor(() => expect(caches()).toEqual([first]), { timeout: 10_000, interval: 20 });
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'user-service', ZipFile: await handlerZip(`exports.handler = async () => "v2";${padding}`) }));
    const second = `${Buffer.from(updated.CodeSha256!, 'base64').toString('hex')}.v8cache`;
    await vi.waitFor(() => expect(caches()).toEqual([second]), { timeout: 10_000, interval: 20 });
    const r = await lambda.send(new InvokeCommand({ FunctionName: 'user-service' }));

    expect(second).not.toBe(first);
    expect(Buffer.from(r.Payload!).toString()).toBe('"v2"');
    expect(readdirSync(join(fnDir, second.replace('.v8cache', '')))).toEqual(['index.js']);
  });
});
