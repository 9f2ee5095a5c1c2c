/** Checks that need no AWS call beyond STS: Node, where the credentials come from, who they are, region, endpoints. */
import type { Clients } from '../clients.js';
import type { LabConfig } from '../config.js';
import { isMissingCredentials } from '../errors.js';
import { check, isBadCredentials, type Check } from './types.js';

export const MIN_NODE_MAJOR = 20;

export function nodeCheck(version: string): Check {
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  return major >= MIN_NODE_MAJOR
    ? check('node', 'Node.js version', 'ok', `Node ${version}`)
    : check('node', 'Node.js version', 'fail', `Node ${version} is older than ${MIN_NODE_MAJOR}`, `Install Node ${MIN_NODE_MAJOR} or newer.`);
}

/** Where the SDK's chain will find credentials, named without ever showing a secret. */
export function credentialSource(config: LabConfig, env: NodeJS.ProcessEnv): string {
  if (config.target === 'local') return "xray-lab's fixed local credentials (your own keys are never sent to the local cloud)";
  if (config.profile) return `profile "${config.profile}"${env.AWS_PROFILE === config.profile ? ' (AWS_PROFILE)' : ' (--profile)'}`;
  if (env.AWS_ACCESS_KEY_ID) return `environment variables (AWS_ACCESS_KEY_ID${env.AWS_SESSION_TOKEN ? ' with a session token' : ''})`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE)';
  return 'the default chain: the [default] profile in ~/.aws (keys, SSO or a role), else container/instance credentials';
}

export async function identityCheck(clients: Clients, config: LabConfig, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<{ check: Check; accountId?: string }> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const source = credentialSource(config, env);
  try {
    const id = await (await clients.sts()).send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    return { check: check('identity', 'Credentials', 'ok', `${id.Arn ?? 'unknown identity'} (account ${id.Account}), from ${source}`), ...(id.Account ? { accountId: id.Account } : {}) };
  } catch (e) {
    if (signal.aborted) throw e;
    if (isMissingCredentials(e)) {
      return { check: check('identity', 'Credentials', 'fail', `no credentials found (looked in ${source})`, 'Run `aws configure` or `aws sso login`, set AWS_PROFILE, or pass --profile.') };
    }
    if (isBadCredentials(e)) {
      return { check: check('identity', 'Credentials', 'fail', `the credentials from ${source} were rejected (${(e as Error).name})`, 'Refresh them (expired session or SSO login?) and try again.') };
    }
    const where = config.endpoint ?? `STS in ${config.region}`;
    return { check: check('identity', 'Credentials', 'fail', `could not reach ${where}: ${(e as Error).message}`, 'Check the network, the region and any endpoint settings.') };
  }
}

export function regionCheck(config: LabConfig, env: NodeJS.ProcessEnv): Check {
  const from = env.AWS_REGION ? 'AWS_REGION' : env.AWS_DEFAULT_REGION ? 'AWS_DEFAULT_REGION' : 'the flag, the AWS config file or the default';
  return check('region', 'Region', 'ok', `${config.region} (from ${from})`);
}

/** The endpoint every client uses: the flag, else the standard AWS_ENDPOINT_URL(_<SERVICE>) variables the SDK reads itself. */
export function endpointCheck(config: LabConfig, env: NodeJS.ProcessEnv): Check {
  if (config.endpoint) return check('endpoint', 'Endpoint', 'ok', `${config.endpoint}${config.target === 'local' ? ' (local cloud)' : ' (--endpoint-url)'}`);
  const vars = Object.keys(env).filter((k) => k === 'AWS_ENDPOINT_URL' || k.startsWith('AWS_ENDPOINT_URL_')).sort();
  if (vars.length === 0 || env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return check('endpoint', 'Endpoint', 'ok', 'the public AWS endpoints');
  return check('endpoint', 'Endpoint', 'warn', `set by ${vars.map((v) => `${v}=${env[v]}`).join(', ')}`, 'These redirect the AWS calls away from AWS; unset them unless that is what you want.');
}
