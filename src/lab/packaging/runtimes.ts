/**
 * Node runtimes the handler bundle can target. Dates from the Lambda runtime deprecation table
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html): nodejs20.x was deprecated on
 * 2026-04-30 but can still be created for a while, so it stays allowed with a warning.
 */
import { UnsupportedRuntimeError } from './errors.js';

export const NODE_RUNTIMES = {
  'nodejs20.x': { target: 'node20', deprecated: 'deprecated since 2026-04-30' },
  'nodejs22.x': { target: 'node22' },
  'nodejs24.x': { target: 'node24' },
} as const satisfies Record<string, { target: string; deprecated?: string }>;

export type NodeRuntime = keyof typeof NODE_RUNTIMES;
export const DEFAULT_RUNTIME: NodeRuntime = 'nodejs22.x';

export interface RuntimeChoice {
  runtime: NodeRuntime;
  /** esbuild target matching the runtime's Node major. */
  target: string;
  /** Set when the runtime is allowed but deprecated; callers show it to the learner. */
  warning?: string;
}

export function resolveRuntime(runtime: string = DEFAULT_RUNTIME): RuntimeChoice {
  if (!Object.hasOwn(NODE_RUNTIMES, runtime)) {
    throw new UnsupportedRuntimeError(runtime, Object.keys(NODE_RUNTIMES));
  }
  const known = runtime as NodeRuntime;
  const spec: { target: string; deprecated?: string } = NODE_RUNTIMES[known];
  return spec.deprecated
    ? { runtime: known, target: spec.target, warning: `Runtime ${known} is ${spec.deprecated}; prefer ${DEFAULT_RUNTIME}.` }
    : { runtime: known, target: spec.target };
}
