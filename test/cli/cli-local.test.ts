import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { localCliTest } from '../support/fixtures.js';

/** Every file under dir, concatenated, to scan for leaks. */
async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'latin1')));
  return texts.join('\n');
}

describe('xray-lab CLI, input handling', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox();
  });
  afterAll(async () => {
    await sb.dispose();
  });

  it('shows help with exit 0', async () => {
    const r = await sb.run(['--help']);

    expect(r.code).toBe(0);
    expect(r.stdout).toContain('setup');
  });

  it.each([
    ['an unknown flag', ['setup', '--bogus'], /unknown option '--bogus'/],
    ['an unknown target', ['status', '--target', 'gcp'], /--target/],
    ['a step number that is not a number', ['step', 'two'], /whole number/],
    ['a step that does not exist', ['step', '7'], /no lab step 7; the steps available are 1, 2/],
    ['a bad region', ['status', '--region', 'Mars'], /not an AWS region/],
    ['a bad endpoint URL', ['status', '--target', 'aws', '--endpoint-url', 'ftp://x'], /--endpoint-url/],
  ])('exits 2 on %s, with one clear line on stderr', async (_what, args, message) => {
    const r = await sb.run(args);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

describe('xray-lab CLI on the local target', () => {

  localCliTest('setup starts the local cloud, runs steps 1–4 and prints one JSON document', async ({ box: sb }) => {
    const r = await sb.run(['setup', '--json']);

    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.target).toBe('local');
    expect(doc.steps.map((s: { number: number }) => s.number)).toEqual([1, 2, 3, 4]);
    expect(doc.steps[0].notes.join(' ')).toMatch(/cannot match any request of this lab/);
  });

  localCliTest('local status --json reports the running cloud', async ({ box: sb }) => {
    const r = await sb.run(['local', 'status', '--json']);

    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ running: true, dataDir: sb.dataDir });
    expect(doc.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(typeof doc.pid).toBe('number');
    // The trace store's size: traces held and the database's bytes on disk (never empty: it has tables).
    expect(Number.isInteger(doc.xray.traces)).toBe(true);
    expect(doc.xray.diskBytes).toBeGreaterThan(0);
  });

  localCliTest('status --json lists every recorded resource with step, type, id and creation time', async ({ box: sb }) => {
    const r = await sb.run(['status', '--json']);

    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.resources.map((x: { step: string; type: string; id: string }) => `${x.step} ${x.type} ${x.id}`)).toEqual([
      'sampling-rules xray:SamplingRule xray-lab-high-priority-service',
      'sampling-rules xray:SamplingRule xray-lab-user-api-prod',
      'user-table dynamodb:Table UserProfiles',
      'user-function iam:Role XRayLambdaRole',
      'user-function iam:RolePolicy xray-lab-user-service',
      'user-function lambda:Function user-service',
      'user-function logs:LogGroup /aws/lambda/user-service',
      expect.stringMatching(/^user-api apigateway:RestApi [a-z0-9]{10}$/),
      'user-api lambda:Permission user-service/xray-lab-apigateway-invoke',
    ]);
    for (const x of doc.resources) expect(Number.isNaN(Date.parse(x.createdAt))).toBe(false);
  });

  localCliTest('teardown without a terminal and without --yes refuses with exit 2 naming --yes', async ({ box: sb }) => {
    const r = await sb.run(['teardown']);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
  });

  localCliTest('teardown --yes deletes everything; a second teardown has nothing to do', async ({ box: sb }) => {
    const first = await sb.run(['teardown', '--yes', '--json']);
    const second = await sb.run(['teardown', '--yes', '--json']);
    const status = await sb.run(['status', '--json']);

    expect(first.code, first.stderr).toBe(0);
    // Nothing invoked the function, so Lambda never created its log group: teardown says it was already gone.
    const report = JSON.parse(first.stdout) as { deleted: unknown[]; alreadyGone: { id: string }[] };
    expect(report.deleted).toHaveLength(8);
    expect(report.alreadyGone.map((r) => r.id)).toEqual(['/aws/lambda/user-service']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).deleted).toEqual([]);
    expect(JSON.parse(status.stdout).resources).toEqual([]);
  });

  localCliTest('step 1 with a missing or malformed sampling document exits 2 naming it, and records nothing', async ({ box: sb }) => {
    const missing = join(sb.root, 'missing.json');
    const bad = join(sb.root, 'bad.json');
    await writeFile(bad, JSON.stringify({ version: 2, default: { fixed_target: 1, rate: 0.1 }, rules: [{ host: '*', http_method: '*', url_path: '*', fixed_target: -1, rate: 0.5 }] }));

    const r1 = await sb.run(['step', '1', '--sampling-rules', missing]);
    const r2 = await sb.run(['step', '1', '--sampling-rules', bad]);
    const status = await sb.run(['status', '--json']);

    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(missing);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${bad}: rules[0].fixed_target`);
    expect(JSON.parse(status.stdout).resources).toEqual([]);
  });

  localCliTest('never writes the local credentials into the state or the local cloud files', async ({ box: sb }) => {
    const text = (await allText(sb.stateDir)) + (await allText(sb.dataDir));

    expect(text).not.toContain('xray-lab-local-not-a-secret');
  });

  localCliTest('local stop stops it, and a second stop says it is not running', async ({ box: sb }) => {
    const stop = await sb.run(['local', 'stop', '--json']);
    const again = await sb.run(['local', 'stop', '--json']);
    const status = await sb.run(['local', 'status', '--json']);

    expect(JSON.parse(stop.stdout).outcome).toBe('stopped');
    expect(JSON.parse(again.stdout).outcome).toBe('not-running');
    expect(JSON.parse(status.stdout).running).toBe(false);
  });
});
