/**
 * Test support: the real AWS CLI v2 (Debian's awscli at /usr/bin/aws). An `aws` earlier on PATH may be
 * the Python CLI v1, so the binary is checked for `aws-cli/2`. No shared config files, dummy credentials.
 */
import { execFileSync } from 'node:child_process';
import { runChild } from './child.js';
import { existsSync } from 'node:fs';
import { TEST_CREDENTIALS_ENV } from './local-cloud.js';

const CANDIDATES = ['/usr/bin/aws', '/usr/local/bin/aws'];

export const awsCliV2: string | undefined = CANDIDATES.find((bin) => {
  if (!existsSync(bin)) return false;
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).startsWith('aws-cli/2');
  } catch {
    return false;
  }
});

if (!awsCliV2) console.warn('AWS CLI v2 not found at /usr/bin/aws: the AWS CLI suites are skipped (CI installs it).');

export interface AwsResult {
  status: number;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * Runs the CLI asynchronously (runChild): a synchronous spawn would block the event loop of the test
 * process, which also hosts the in-process local cloud the CLI is talking to.
 */
export async function aws(endpoint: string, args: string[], opts: { cwd?: string; region?: string; env?: Record<string, string> } = {}): Promise<AwsResult> {
  const { code, stdout, stderr } = await runChild(awsCliV2!, [...args, '--endpoint-url', endpoint], {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...TEST_CREDENTIALS_ENV,
        AWS_DEFAULT_REGION: opts.region ?? 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...opts.env,
    },
  });
  return { status: code ?? -1, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}
