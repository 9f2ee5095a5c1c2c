/**
 * The environment a function process sees (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime). Built from scratch on purpose: the
 * parent's AWS_* (the learner's own credentials), XRAY_LAB_* and NODE_OPTIONS (test loaders such as
 * tsx, which would also slow the cold start) must never reach user code.
 */
import type { IdGenerator } from '../core/types.js';
import type { FunctionSpec } from './types.js';

export interface EnvironmentFacts {
  region: string;
  endpoint: string;
  daemonAddress: string;
  runtimeApi: string;
  logGroup: string;
  logStream: string;
  runtimeDir: string;
}

/** Harmless process basics copied from the parent so Node and child tools behave normally. */
const PASSED_THROUGH = ['PATH', 'SYSTEMROOT', 'TMPDIR', 'TEMP', 'TMP'];

export function passedThrough(parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const v = parent[key];
    if (v !== undefined) env[key] = v;
  }
  return env;
}

/** Session credentials shaped like an assumed role's; the local cloud accepts any signed request. */
export function dummyRoleCredentials(ids: IdGenerator): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: `ASIA${ids.alnum(16).toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: ids.alnum(40),
    AWS_SESSION_TOKEN: `IQoJb3JpZ2luX2VjE${ids.alnum(120)}`,
  };
}

/** `nodejs22.x` → 22; undefined for a runtime that names no Node major. */
export function declaredNodeMajor(runtime: string): number | undefined {
  const m = /^nodejs(\d+)/.exec(runtime);
  return m ? Number(m[1]) : undefined;
}

const HOST_NODE_MAJOR = Number(process.versions.node.split('.')[0]);

export function buildEnvironment(
  spec: FunctionSpec,
  facts: EnvironmentFacts,
  ids: IdGenerator,
  parent: NodeJS.ProcessEnv = process.env,
  hostNodeMajor: number = HOST_NODE_MAJOR,
): Record<string, string> {
  const env = passedThrough(parent);
  const [daemonHost, daemonPort] = splitHostPort(facts.daemonAddress);
  // User variables first: reserved names below win, as Lambda rejects them at configuration time anyway.
  Object.assign(env, spec.env, {
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: spec.handler,
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: facts.runtimeDir,
    AWS_LAMBDA_RUNTIME_API: facts.runtimeApi,
    AWS_REGION: facts.region,
    AWS_DEFAULT_REGION: facts.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: facts.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: facts.logStream,
    AWS_XRAY_DAEMON_ADDRESS: facts.daemonAddress,
    _AWS_XRAY_DAEMON_ADDRESS: daemonHost,
    _AWS_XRAY_DAEMON_PORT: daemonPort,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_ENDPOINT_URL: facts.endpoint,
    ...dummyRoleCredentials(ids),
  });
  // Every function runs on this machine's Node. When that is older than the runtime the function
  // declares, the AWS SDK v3 inside it would log a warning about a Node version the function does not
  // have on AWS (e.g. "upgrade to node >=22" from a nodejs22.x function on Node 20): an artefact of the
  // emulation, so it is switched off. A function whose runtime is that old itself still gets the warning.
  const declared = declaredNodeMajor(spec.runtime);
  if (declared !== undefined && declared > hostNodeMajor) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return env;
}

function splitHostPort(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  return i < 0 ? [address, '2000'] : [address.slice(0, i), address.slice(i + 1)];
}
