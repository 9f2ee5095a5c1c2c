/**
 * The one place that reads `XRAY_LAB_*` variables. resolveConfig / resolveLocalConfig call these and put
 * the values in LabConfig; everything else gets them from the config it is handed, never from
 * process.env. README.md's "Environment variables" table lists the same names: keep the two in step.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCrashPoint, type CrashPoint } from './crash-point.js';
import { UserError } from './errors.js';
import type { LocalFaults } from '../local/env.js';
import type { LocalLambdaLimits } from '../local/lambda/types.js';

type Env = NodeJS.ProcessEnv;

/** `XRAY_LAB_STATE_DIR`, else `$XDG_STATE_HOME/xray-lab`, else `~/.local/state/xray-lab`. */
export function defaultStateDir(env: Env): string {
  if (env.XRAY_LAB_STATE_DIR) return env.XRAY_LAB_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'xray-lab');
}

/** `XRAY_LAB_DATA_DIR` (the local cloud's data), else `$XDG_DATA_HOME/xray-lab/local`. */
export function defaultDataDir(env: Env): string {
  if (env.XRAY_LAB_DATA_DIR) return env.XRAY_LAB_DATA_DIR;
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'xray-lab', 'local');
}

/** `XRAY_LAB_LOCAL_PORT` / `XRAY_LAB_DAEMON_PORT` / `XRAY_LAB_OTLP_PORT` / `XRAY_LAB_OTLP_GRPC_PORT`: the local cloud's ports, as text (resolveLocalConfig checks them). */
export function localPortsFromEnv(env: Env): { port?: string; daemonPort?: string; otlpPort?: string; otlpGrpcPort?: string } {
  return { port: env.XRAY_LAB_LOCAL_PORT, daemonPort: env.XRAY_LAB_DAEMON_PORT, otlpPort: env.XRAY_LAB_OTLP_PORT, otlpGrpcPort: env.XRAY_LAB_OTLP_GRPC_PORT };
}

/**
 * `XRAY_LAB_MAX_RETRY_WAIT_MS` caps any single wait of the retry helpers. A test and teaching knob: the
 * local cloud's throttle fault answers `Retry-After: 30` like AWS, and a test should not sit through 30 s.
 */
export function maxRetryWaitFromEnv(env: Env): number | undefined {
  const raw = env.XRAY_LAB_MAX_RETRY_WAIT_MS;
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** `XRAY_LAB_CRASH_AT`: the crash-injection tests' kill point (see crash-point.ts). */
export function crashPointFromEnv(env: Env): CrashPoint | undefined {
  return parseCrashPoint(env.XRAY_LAB_CRASH_AT);
}

/**
 * `XRAY_LAB_GUIDE_LOAD_SECONDS` shortens step 5's load (default 20 s) in the guide, so a scripted run
 * (the guide's own tests) stays quick; the lab's other commands ignore it.
 */
export function guideLoadSecondsFromEnv(env: Env): number | undefined {
  const raw = env.XRAY_LAB_GUIDE_LOAD_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UserError(`XRAY_LAB_GUIDE_LOAD_SECONDS must be a number of seconds, not ${JSON.stringify(raw)}`);
  return seconds;
}

const KNOWN_FAULTS = ['iamPropagationMs', 'apigatewayDeleteThrottles'] as const;

/**
 * `XRAY_LAB_LOCAL_FAULTS` — a test and teaching aid: JSON fault switches for the local cloud, e.g.
 * `{"iamPropagationMs":4000,"apigatewayDeleteThrottles":1}` makes a new IAM role unusable by Lambda for
 * 4 s and throttles the next DeleteRestApi, the way AWS does. Used by `local start --foreground` (and so
 * by the background cloud, which inherits the environment).
 */
export function localFaultsFromEnv(env: Env): LocalFaults {
  const raw = env.XRAY_LAB_LOCAL_FAULTS;
  if (raw === undefined || raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new UserError(`XRAY_LAB_LOCAL_FAULTS must be a JSON object, got ${JSON.stringify(raw)}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError('XRAY_LAB_LOCAL_FAULTS must be a JSON object.');
  const faults: LocalFaults = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(KNOWN_FAULTS as readonly string[]).includes(key)) throw new UserError(`XRAY_LAB_LOCAL_FAULTS: unknown fault "${key}"; known: ${KNOWN_FAULTS.join(', ')}.`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new UserError(`XRAY_LAB_LOCAL_FAULTS: ${key} must be a whole number ≥ 0.`);
    faults[key as (typeof KNOWN_FAULTS)[number]] = v;
  }
  return faults;
}

/**
 * The local Lambda's limits (used by `local start`, inherited by the background cloud):
 * `XRAY_LAB_LAMBDA_CONCURRENCY` — the account concurrency limit (default 20: ~65 MB per environment
 * fits a laptop, still 2.5× the lab's 8 load connections); `XRAY_LAB_LAMBDA_IDLE_SECONDS` — how long an
 * idle execution environment lives (default 300); `XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS` — opt-in cap on the
 * execution environments of one function, beyond which invocations queue (unset or 0: none, AWS's model).
 */
export function lambdaLimitsFromEnv(env: Env): LocalLambdaLimits {
  const whole = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
      throw new UserError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
    }
    return Number(raw);
  };
  const concurrencyLimit = whole('XRAY_LAB_LAMBDA_CONCURRENCY', 1, 1000);
  const idleSeconds = whole('XRAY_LAB_LAMBDA_IDLE_SECONDS', 1, 3600);
  const maxEnvironments = whole('XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS', 0, 1000);
  return {
    ...(concurrencyLimit !== undefined && { concurrencyLimit }),
    ...(idleSeconds !== undefined && { idleTimeoutMs: idleSeconds * 1000 }),
    // 0 means "no cap", the same as unset: nothing to pass on.
    ...(maxEnvironments !== undefined && maxEnvironments > 0 && { maxEnvironments }),
  };
}
