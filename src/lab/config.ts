/**
 * Resolves the options every lab command shares (flags, then environment, then the AWS config file,
 * then defaults) into one plain object. No SDK imports: resolving config must stay cheap.
 * The XRAY_LAB_* variables are read by config-env.ts, called from here only.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from './errors.js';
import { blockedRuntimeMessage, isBlocked } from '../local/lambda/runtime-lifecycle.js';
import { DEFAULT_OTLP_GRPC_PORT, DEFAULT_OTLP_PORT } from '../local/otlp/ports.js';
import { INSTRUMENTATIONS, type Instrumentation } from './packaging/bundle.js';
import { NODE_RUNTIMES } from './packaging/runtimes.js';
import { crashPointFromEnv, defaultDataDir, defaultStateDir, guideLoadSecondsFromEnv, lambdaLimitsFromEnv, localFaultsFromEnv, localPortsFromEnv, maxRetryWaitFromEnv } from './config-env.js';
import type { CrashPoint } from './crash-point.js';
import type { LocalFaults } from '../local/env.js';
import type { LocalLambdaLimits } from '../local/lambda/types.js';
import type { Target } from './state-types.js';

export interface CommonFlags {
  target?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  stateDir?: string;
  yes?: boolean;
  json?: boolean;
  debug?: boolean;
  samplingRules?: string;
  /** Step 3: attach the guide's managed policies instead of the least-privilege inline policy. */
  labPolicies?: boolean;
  /** Step 3: the function's Node runtime (default nodejs24.x). */
  runtime?: string;
  /** Step 3: the handler's simulated work in ms (the function's SIMULATED_WORK_MS; default: the handler's 100). */
  simulatedWorkMs?: string;
  /** Step 3: how user-service is traced, `xray-sdk` (default) or `otel`. */
  instrumentation?: string;
}

export interface LabConfig {
  target: Target;
  region: string;
  profile?: string;
  /** Explicit endpoint for every client; for the local target, the local cloud's URL. */
  endpoint?: string;
  stateDir: string;
  yes: boolean;
  json: boolean;
  debug: boolean;
  /** `--sampling-rules FILE` for step 1; omitted = the guide's own document. */
  samplingRulesFile?: string;
  /** `--lab-policies` for step 3; omitted = least privilege. */
  labPolicies?: boolean;
  /** `--runtime` for step 3; omitted = the packaging default. */
  runtime?: string;
  /** `--simulated-work-ms` for step 3; omitted = the handler's default (100 ms, as in the lab). */
  simulatedWorkMs?: number;
  /** `--instrumentation` for step 3; omitted = what the state file records, else xray-sdk. */
  instrumentation?: Instrumentation;
  /** Local cloud settings (used by the local target and `local` commands). */
  local: LocalCloudConfig;
  /** XRAY_LAB_MAX_RETRY_WAIT_MS: the longest single wait of the retry helpers (tests shorten AWS's 30 s). */
  maxRetryWaitMs?: number;
  /** XRAY_LAB_CRASH_AT: where the crash-injection tests kill the process. */
  crashPoint?: CrashPoint;
  /** XRAY_LAB_GUIDE_LOAD_SECONDS: the guide's step-5 load length. */
  guideLoadSeconds?: number;
}

export interface LocalCloudConfig {
  port: number;
  /** UDP port of the X-Ray daemon intake (default 2000, env XRAY_LAB_DAEMON_PORT; 0 = any free port, the default when `port` is 0). */
  daemonPort: number;
  /** TCP port of the OTLP/HTTP receiver (default 4318, env XRAY_LAB_OTLP_PORT; 0 = any free port; false = off). */
  otlpPort: number | false;
  /** TCP port of the OTLP/gRPC receiver (default 4317, env XRAY_LAB_OTLP_GRPC_PORT; 0 = any free port; false = off). */
  otlpGrpcPort: number | false;
  dataDir: string;
  host: string;
  /** XRAY_LAB_LOCAL_FAULTS: AWS behaviours the local cloud simulates (tests and teaching). */
  faults: LocalFaults;
  /** XRAY_LAB_LAMBDA_CONCURRENCY / _IDLE_SECONDS / _MAX_ENVIRONMENTS: the local Lambda's limits (unset = defaults). */
  lambda: LocalLambdaLimits;
}

export { DEFAULT_OTLP_GRPC_PORT, DEFAULT_OTLP_PORT } from '../local/otlp/ports.js';

export const DEFAULT_LOCAL_PORT = 4566;
export const DEFAULT_DAEMON_PORT = 2000;
export const DEFAULT_REGION = 'us-east-1';

export function parsePort(value: string, source: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UserError(`${source} must be a port number from 0 to 65535, got "${value}".`);
  return n;
}

/** An optional receiver's port: the flag, else the env variable, else its default (0 when the API port is 0); "off" turns it off. */
function receiverPort(flag: string | undefined, fromEnv: string | undefined, names: [flag: string, env: string], fallback: number, httpPort: number): number | false {
  const v = flag ?? fromEnv;
  if (v === undefined) return httpPort === 0 ? 0 : fallback;
  if (v.trim().toLowerCase() === 'off') return false;
  return parsePort(v, flag !== undefined ? names[0] : names[1]);
}

export function resolveLocalConfig(env: NodeJS.ProcessEnv, port?: string, daemonPort?: string, otlpPort?: string, otlpGrpcPort?: string): LocalCloudConfig {
  const fromEnv = localPortsFromEnv(env);
  const p = port ?? fromEnv.port;
  const d = daemonPort ?? fromEnv.daemonPort;
  const httpPort = p === undefined ? DEFAULT_LOCAL_PORT : parsePort(p, port !== undefined ? '--port' : 'XRAY_LAB_LOCAL_PORT');
  return {
    port: httpPort,
    // "Any free port" for HTTP means the same for the daemon, so parallel clouds never collide on 2000.
    daemonPort: d === undefined ? (httpPort === 0 ? 0 : DEFAULT_DAEMON_PORT) : parsePort(d, daemonPort !== undefined ? '--daemon-port' : 'XRAY_LAB_DAEMON_PORT'),
    otlpPort: receiverPort(otlpPort, fromEnv.otlpPort, ['--otlp-port', 'XRAY_LAB_OTLP_PORT'], DEFAULT_OTLP_PORT, httpPort),
    otlpGrpcPort: receiverPort(otlpGrpcPort, fromEnv.otlpGrpcPort, ['--otlp-grpc-port', 'XRAY_LAB_OTLP_GRPC_PORT'], DEFAULT_OTLP_GRPC_PORT, httpPort),
    dataDir: defaultDataDir(env),
    host: '127.0.0.1',
    faults: localFaultsFromEnv(env),
    lambda: lambdaLimitsFromEnv(env),
  };
}

/** The region of a profile in the shared config file (`[default]` or `[profile name]`), if any. */
export function regionFromConfigFile(env: NodeJS.ProcessEnv, profile: string): string | undefined {
  const file = env.AWS_CONFIG_FILE || join(env.HOME || homedir(), '.aws', 'config');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inSection = false;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section) {
      inSection = wanted.includes(section[1].trim());
      continue;
    }
    const kv = /^\s*region\s*=\s*(\S+)\s*$/.exec(line);
    if (inSection && kv) return kv[1];
  }
  return undefined;
}

/** `nowMs` is the day runtime block dates are judged on (injected so tests pick it). */
export function resolveConfig(flags: CommonFlags, env: NodeJS.ProcessEnv = process.env, nowMs: number = Date.now()): LabConfig {
  const target = flags.target ?? 'local';
  if (target !== 'local' && target !== 'aws') throw new UserError(`--target must be "local" or "aws", got "${target}".`);
  const profile = flags.profile ?? env.AWS_PROFILE;
  const region =
    flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? regionFromConfigFile(env, profile ?? 'default') ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UserError(`"${region}" is not an AWS region name (e.g. us-east-1).`);
  if (flags.endpointUrl !== undefined) {
    try {
      const u = new URL(flags.endpointUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new UserError(`--endpoint-url must be an http(s) URL, got "${flags.endpointUrl}".`);
    }
  }
  if (flags.runtime !== undefined && !Object.hasOwn(NODE_RUNTIMES, flags.runtime)) {
    // Checked here so a bad flag fails before any step creates anything.
    throw new UserError(`--runtime "${flags.runtime}" is not a runtime the user-service function can use; choose one of ${Object.keys(NODE_RUNTIMES).join(', ')}.`);
  }
  if (flags.runtime !== undefined && isBlocked(flags.runtime, 'create', nowMs)) {
    throw new UserError(`--runtime ${flags.runtime}: ${blockedRuntimeMessage(flags.runtime, nowMs)}`);
  }
  if (flags.simulatedWorkMs !== undefined && !(/^\d+$/.test(flags.simulatedWorkMs) && Number(flags.simulatedWorkMs) <= 10_000)) {
    throw new UserError(`--simulated-work-ms must be a whole number of milliseconds from 0 to 10000, got "${flags.simulatedWorkMs}".`);
  }
  if (flags.instrumentation !== undefined && !(INSTRUMENTATIONS as readonly string[]).includes(flags.instrumentation)) {
    throw new UserError(`--instrumentation "${flags.instrumentation}" is not one the lab offers; choose ${INSTRUMENTATIONS.join(' or ')}.`);
  }
  const local = resolveLocalConfig(env);
  const endpoint = flags.endpointUrl ?? (target === 'local' ? `http://${local.host}:${local.port}` : undefined);
  return {
    target,
    region,
    ...(profile !== undefined ? { profile } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    stateDir: flags.stateDir ?? defaultStateDir(env),
    yes: flags.yes ?? false,
    json: flags.json ?? false,
    debug: flags.debug ?? false,
    ...(flags.samplingRules !== undefined ? { samplingRulesFile: flags.samplingRules } : {}),
    ...(flags.labPolicies ? { labPolicies: true } : {}),
    ...(flags.runtime !== undefined ? { runtime: flags.runtime } : {}),
    ...(flags.simulatedWorkMs !== undefined ? { simulatedWorkMs: Number(flags.simulatedWorkMs) } : {}),
    ...(flags.instrumentation !== undefined ? { instrumentation: flags.instrumentation as Instrumentation } : {}),
    local,
    ...optional('maxRetryWaitMs', maxRetryWaitFromEnv(env)),
    ...optional('crashPoint', crashPointFromEnv(env)),
    ...optional('guideLoadSeconds', guideLoadSecondsFromEnv(env)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
