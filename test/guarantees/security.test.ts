import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/lab/clients.js';
import { startLocalCloud } from '../../src/local/server.js';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { createRole, zipWithRawName } from '../local/lambda-fixtures.js';
import { tempDir } from '../support/local-cloud.js';
import { allText } from './support.js';

/** Credentials a user might have in the environment: they must never reach the local target's files or output. */
const USER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAGUARANTEELEAK001', AWS_SECRET_ACCESS_KEY: 'guarantee-secret-must-not-leak-0123456789', AWS_SESSION_TOKEN: 'guarantee-token-must-not-leak' };

describe('the local cloud listens on loopback only', () => {
  it.each(['0.0.0.0', '::', '10.1.2.3', 'example.com'])('refuses to bind to %s', async (host) => {
    await expect(startLocalCloud({ port: 0, host })).rejects.toThrow(/only listens on loopback/);
  });

  it('binds to 127.0.0.1 by default', async () => {
    const cloud = await startLocalCloud({ port: 0 });
    await cloud.close();

    expect(cloud.host).toBe('127.0.0.1');
    expect(cloud.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('a zip-slip upload', () => {
  it('is rejected, and nothing is written outside the function folder', async () => {
    const dir = tempDir();
    const data = join(dir.path, 'data');
    const cloud = await startLocalCloud({ port: 0, dataDir: data });
    const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    try {
      const role = await createRole(cloud.endpoint);
      const zip = await zipWithRawName('../../../../escaped.js');

      const attempt = lambda.send(new CreateFunctionCommand({ FunctionName: 'slip', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zip } }));

      await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
      expect(existsSync(join(dir.path, 'escaped.js'))).toBe(false);
      expect(existsSync(join(data, 'escaped.js'))).toBe(false);
      expect((await allText(dir.path)).includes('pwned')).toBe(false);
    } finally {
      lambda.destroy();
      await cloud.close();
      dir.remove();
    }
  });
});

describe('files and output of a lab run on the local target', () => {
  let sb: Sandbox;
  const outputs: string[] = [];

  beforeAll(async () => {
    sb = await makeSandbox();
    for (const args of [['setup', '--json'], ['status', '--json'], ['teardown', '--yes', '--json'], ['setup'], ['status']]) {
      const r = await sb.run(args, USER_CREDENTIALS);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
      outputs.push(r.stdout, r.stderr);
    }
  });
  afterAll(async () => {
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  it('creates the state and data directories 0700 and the state file and database 0600', async () => {
    const mode = async (p: string) => (await stat(p)).mode & 0o777;
    const stateFiles = (await readdir(sb.stateDir)).filter((f) => f.endsWith('.json'));

    expect(await mode(sb.stateDir)).toBe(0o700);
    expect(await mode(sb.dataDir)).toBe(0o700);
    expect(stateFiles).toHaveLength(1);
    expect(await mode(join(sb.stateDir, stateFiles[0]!))).toBe(0o600);
    expect(await mode(join(sb.dataDir, 'local-cloud.sqlite'))).toBe(0o600);
  });

  it('leaves no file readable or writable by group or others, anywhere under the state and data dirs', async () => {
    const open: string[] = [];
    for (const root of [sb.stateDir, sb.dataDir]) {
      for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
        const p = join(e.parentPath, e.name);
        const m = (await stat(p).catch(() => undefined))?.mode;
        if (m !== undefined && (m & 0o077) !== 0) open.push(`${p} ${(m & 0o777).toString(8)}`);
      }
    }

    expect(open).toEqual([]);
  });

  it('writes no credential value into the state, the local cloud files, logs or --json output', async () => {
    const text = [await allText(sb.stateDir), await allText(sb.dataDir), await allText(sb.home), ...outputs].join('\n');

    for (const secret of [USER_CREDENTIALS.AWS_SECRET_ACCESS_KEY, USER_CREDENTIALS.AWS_SESSION_TOKEN, USER_CREDENTIALS.AWS_ACCESS_KEY_ID, LOCAL_CREDENTIALS.secretAccessKey]) {
      expect(text.includes(secret), secret).toBe(false);
    }
  });
});
