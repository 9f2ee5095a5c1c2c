/**
 * Node runtimes the handler bundle can target, and what `--runtime` says about their lifecycle. The
 * dates live in one table with the local cloud's checks (src/local/lambda/runtime-lifecycle.ts, from the
 * Lambda runtimes page): a runtime past its block-create date is refused with AWS's own message, a
 * deprecated one is allowed with a warning saying until when it can still be created.
 *
 * Default nodejs24.x: a learner starting the lab in 2027 gets the one Node runtime that stays supported
 * all year (nodejs22.x is deprecated on 2027-04-30 and cannot be created from 2027-06-01; nodejs24.x
 * is supported until 2028-04-30).
 */
import { blockedRuntimeMessage, deprecationWarning, isBlocked } from '../../local/lambda/runtime-lifecycle.js';
import { PackagingError, UnsupportedRuntimeError } from './errors.js';

export const NODE_RUNTIMES = {
  'nodejs18.x': { target: 'node18' },
  'nodejs20.x': { target: 'node20' },
  'nodejs22.x': { target: 'node22' },
  'nodejs24.x': { target: 'node24' },
} as const satisfies Record<string, { target: string }>;

export type NodeRuntime = keyof typeof NODE_RUNTIMES;
export const DEFAULT_RUNTIME: NodeRuntime = 'nodejs24.x';

export interface RuntimeChoice {
  runtime: NodeRuntime;
  /** esbuild target matching the runtime's Node major. */
  target: string;
  /** Set when the runtime is allowed but deprecated; callers show it to the learner. */
  warning?: string;
}

/**
 * Checks `runtime` on the day `nowMs` (injected so tests pick the date): unknown → UnsupportedRuntimeError,
 * past its block-create date → AWS's InvalidParameterValueException text, deprecated → a warning.
 */
export function resolveRuntime(runtime: string = DEFAULT_RUNTIME, nowMs: number = Date.now()): RuntimeChoice {
  if (!Object.hasOwn(NODE_RUNTIMES, runtime)) {
    throw new UnsupportedRuntimeError(runtime, Object.keys(NODE_RUNTIMES));
  }
  if (isBlocked(runtime, 'create', nowMs)) {
    throw new PackagingError('BlockedRuntime', `${blockedRuntimeMessage(runtime, nowMs)} (Lambda: InvalidParameterValueException)`, true);
  }
  const known = runtime as NodeRuntime;
  const warning = deprecationWarning(known, nowMs);
  return warning ? { runtime: known, target: NODE_RUNTIMES[known].target, warning } : { runtime: known, target: NODE_RUNTIMES[known].target };
}
