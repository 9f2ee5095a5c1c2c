/**
 * Bad-input catalogue, CLI half: flags, files and state files a learner can get wrong. Each run must
 * end with exit 2 (or commander's usage exit) and one sentence naming the problem, no stack trace —
 * and leave the state file byte for byte and the lab's resources exactly as they were.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { inventory, sandboxEndpoint } from './support.js';

interface Case {
  name: string;
  args: string[];
  /** Files written into the case's own directory first; `{dir}` in args and env is replaced by it. */
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** Run on a copy of the state dir, for cases that are about a damaged state file. */
  stateCopy?: (text: string) => string;
  code: number;
  fragment: string;
}

const GOOD_RULE = { description: 'x', host: '*', http_method: '*', url_path: '/users/*', fixed_target: 1, rate: 0.1 };
const doc = (over: Record<string, unknown>) => JSON.stringify({ version: 2, default: { fixed_target: 1, rate: 0.05 }, rules: [GOOD_RULE], ...over });

const CASES: Case[] = [
  // Flags
  { name: 'step number that is not a number', args: ['step', 'abc'], code: 2, fragment: 'a step number is a whole number' },
  { name: 'step number that does not exist', args: ['step', '99'], code: 2, fragment: 'There is no lab step 99' },
  { name: 'unknown target', args: ['setup', '--target', 'gcp'], code: 2, fragment: 'Allowed choices are local, aws' },
  { name: 'region that is no region', args: ['setup', '--region', 'moon-base'], code: 2, fragment: 'is not an AWS region name' },
  { name: 'endpoint URL that is not http(s)', args: ['status', '--endpoint-url', 'ftp://example.com'], code: 2, fragment: '--endpoint-url must be an http(s) URL' },
  { name: 'port in the environment out of range', args: ['status'], env: { XRAY_LAB_LOCAL_PORT: '70000' }, code: 2, fragment: 'must be a port number from 0 to 65535' },
  { name: '--include-untagged without --discover', args: ['teardown', '--yes', '--include-untagged'], code: 2, fragment: '--include-untagged only makes sense with --discover' },
  { name: 'load with both --rate and --concurrency', args: ['load', '--rate', '2', '--concurrency', '2', '--requests', '5'], code: 2, fragment: 'two different modes' },
  { name: 'load with a non-http --url', args: ['load', '--url', 'file:///etc/passwd', '--requests', '1', '--no-warmup'], code: 2, fragment: '--url must be an http(s) URL' },
  { name: 'logs --since that is no span', args: ['logs', '--since', 'yesterday'], code: 2, fragment: '--since takes a span' },
  { name: 'invoke --user with a slash', args: ['invoke', '--user', '../admin'], code: 2, fragment: '--user takes a user id without spaces or slashes' },
  { name: 'guide --json', args: ['guide', '--json'], code: 2, fragment: 'guide has no JSON output' },
  { name: 'traces show with a malformed trace id', args: ['traces', 'show', 'not-a-trace'], code: 2, fragment: 'not-a-trace' },
  { name: 'an unknown command', args: ['frobnicate'], code: 2, fragment: "unknown command 'frobnicate'" },
  // Files
  { name: 'sampling document that does not exist', args: ['setup', '--sampling-rules', '{dir}/missing.json'], code: 2, fragment: 'Cannot read the sampling document' },
  { name: 'sampling document that is not JSON', args: ['setup', '--sampling-rules', '{dir}/rules.json'], files: { 'rules.json': '{"version": 2, "rules": [' }, code: 2, fragment: 'Invalid sampling document' },
  { name: 'sampling document with a rate above 1', args: ['setup', '--sampling-rules', '{dir}/rules.json'], files: { 'rules.json': doc({ rules: [{ ...GOOD_RULE, rate: 5 }] }) }, code: 2, fragment: 'must be between 0 and 1 (a fraction, not a percentage), got 5' },
  { name: 'sampling document with an unknown key', args: ['setup', '--sampling-rules', '{dir}/rules.json'], files: { 'rules.json': doc({ rules: [{ ...GOOD_RULE, priority: 3 }] }) }, code: 2, fragment: 'is not a known key' },
  { name: 'sampling document that is a directory', args: ['step', '1', '--sampling-rules', '{dir}'], files: { 'x.json': '{}' }, code: 2, fragment: 'Cannot read the sampling document' },
  // State
  { name: 'state file of a future schema version', args: ['status'], stateCopy: (t) => t.replace(/"schemaVersion":\s*\d+/, '"schemaVersion": 99'), code: 2, fragment: 'has schema version 99' },
];

describe('bad-input catalogue: the CLI', () => {
  let sb: Sandbox;
  let endpoint: string;
  let stateFile: string;
  let stateBytes: Buffer;
  let before: string[];

  beforeAll(async () => {
    sb = await makeSandbox();
    const setup = await sb.run(['setup', '--json']);
    if (setup.code !== 0) throw new Error(setup.stderr);
    endpoint = await sandboxEndpoint(sb);
    const files = (await readdir(sb.stateDir)).filter((f) => f.endsWith('.json'));
    if (files.length !== 1) throw new Error(`expected one state file, found ${files.join(', ')}`);
    stateFile = join(sb.stateDir, files[0]!);
    stateBytes = await readFile(stateFile);
    before = await inventory(endpoint);
  }, 120_000);
  afterAll(async () => {
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  it('has at least 20 cases of its own', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES.map((k, i) => [k.name, k, i] as const))('%s', async (_name, k, i) => {
    // Arrange: the case's own directory for its files and, when asked, a damaged copy of the state.
    const dir = join(sb.root, `case-${i}`);
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(k.files ?? {})) await writeFile(join(dir, name), text);
    const env: Record<string, string> = { ...k.env };
    let copy: string | undefined;
    let copyBytes: Buffer | undefined;
    if (k.stateCopy) {
      const stateDir = join(dir, 'state');
      await mkdir(stateDir);
      copy = join(stateDir, stateFile.split('/').pop()!);
      await copyFile(stateFile, copy);
      await writeFile(copy, k.stateCopy(await readFile(copy, 'utf8')));
      copyBytes = await readFile(copy);
      env.XRAY_LAB_STATE_DIR = stateDir;
    }
    const args = k.args.map((a) => a.replace('{dir}', dir));

    // Act
    const r = await sb.run(args, env);

    // Assert: the exit code and one sentence that names the problem, without a stack trace.
    expect(r.code, r.stderr).toBe(k.code);
    expect(r.stderr).toContain(k.fragment);
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(r.stdout).not.toContain('"resources"');
    // Nothing lost, nothing made.
    expect(await readFile(stateFile)).toEqual(stateBytes);
    if (copy) expect(await readFile(copy)).toEqual(copyBytes);
    expect(await inventory(endpoint)).toEqual(before);
  });

  it('a state file that is not JSON is moved aside byte for byte, never deleted, exit 2', async () => {
    // Arrange
    const stateDir = join(sb.root, 'corrupt-state');
    await mkdir(stateDir);
    const name = stateFile.split('/').pop()!;
    const garbage = Buffer.from('{"schemaVersion": 1, "resources": [ {"id": "UserProf');
    await writeFile(join(stateDir, name), garbage);

    // Act
    const r = await sb.run(['status'], { XRAY_LAB_STATE_DIR: stateDir });

    // Assert
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('is not valid JSON; it was moved aside to');
    const aside = (await readdir(stateDir)).filter((f) => f.startsWith(`${name}.corrupt-`));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(stateDir, aside[0]!))).toEqual(garbage);
    expect(await readFile(stateFile)).toEqual(stateBytes);
    expect(await inventory(endpoint)).toEqual(before);
  });
});
