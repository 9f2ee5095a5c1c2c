/**
 * Lambda runtime lifecycle dates, the one home for them: the local cloud's CreateFunction and
 * UpdateFunction* checks and the CLI's `--runtime` check both read this table. Pure data and date
 * arithmetic on an injected "now", so tests pick the day.
 *
 * Source: the AWS Lambda runtimes page (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html),
 * "Supported runtimes" and "Deprecated runtimes" tables, as quoted by the stored copies found with `search`
 * (the page itself was only partly stored). nodejs18.x / nodejs20.x / python3.9 block dates 2027-02-01 and
 * 2027-03-03 (AWS moved them back from 2026 more than once); nodejs22.x 2027-04-30 / 2027-06-01 /
 * 2027-07-01; nodejs24.x deprecation 2028-04-30 and block-update 2028-07-01 (block-create 2028-06-01
 * follows AWS's usual one-month step and is not in the stored sources). Re-check the page when a date nears.
 */

export interface RuntimeLifecycle {
  /** Deprecated: no more patches; still created and updated until the block dates. */
  deprecated?: string;
  /** From this day (UTC) CreateFunction refuses the runtime. */
  blockCreate?: string;
  /** From this day UpdateFunctionConfiguration / UpdateFunctionCode refuse it too. */
  blockUpdate?: string;
}

export const RUNTIME_LIFECYCLE: Readonly<Record<string, RuntimeLifecycle>> = {
  'nodejs16.x': { deprecated: '2024-06-12', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  'nodejs18.x': { deprecated: '2025-09-01', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  'nodejs20.x': { deprecated: '2026-04-30', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  'nodejs22.x': { deprecated: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs24.x': { deprecated: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
  'python3.8': { deprecated: '2024-10-14', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  'python3.9': { deprecated: '2025-12-15', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
};

/** Runtimes whose creation AWS blocked long before the table above (Lambda's own messages name them the same way). */
const LONG_BLOCKED = /^(nodejs(4\.3(-edge)?|6\.10|8\.10|10\.x|12\.x|14\.x)?|python(2\.7|3\.[67])|dotnetcore[123]\.\d|dotnet6|ruby2\.[57]|java8|go1\.x|provided)$/;

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

export type RuntimeState = 'supported' | 'deprecated' | 'create-blocked' | 'update-blocked';

export function runtimeState(runtime: string, nowMs: number): RuntimeState {
  if (LONG_BLOCKED.test(runtime)) return 'update-blocked';
  const life = RUNTIME_LIFECYCLE[runtime];
  if (!life) return 'supported';
  if (life.blockUpdate && nowMs >= day(life.blockUpdate)) return 'update-blocked';
  if (life.blockCreate && nowMs >= day(life.blockCreate)) return 'create-blocked';
  if (life.deprecated && nowMs >= day(life.deprecated)) return 'deprecated';
  return 'supported';
}

/** The newest runtime of the same language that is not deprecated on `nowMs` (what AWS's message recommends). */
export function recommendedRuntime(runtime: string, nowMs: number): string | undefined {
  const family = /^[a-z]+/.exec(runtime)?.[0];
  const candidates = Object.keys(RUNTIME_LIFECYCLE).filter((r) => r.startsWith(family ?? '\0') && runtimeState(r, nowMs) === 'supported');
  return candidates.at(-1);
}

/** AWS's InvalidParameterValueException text for a runtime past its block date. */
export function blockedRuntimeMessage(runtime: string, nowMs: number): string {
  const next = recommendedRuntime(runtime, nowMs);
  return `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. ` +
    (next ? `We recommend you use the new runtime (${next}) while creating or updating functions.` : 'We recommend you use a supported runtime while creating or updating functions.');
}

/** Is the runtime refused for this operation on `nowMs`? */
export function isBlocked(runtime: string, op: 'create' | 'update', nowMs: number): boolean {
  const state = runtimeState(runtime, nowMs);
  return state === 'update-blocked' || (op === 'create' && state === 'create-blocked');
}

/** For a deprecated runtime: a warning saying since when, and until when it can still be created. */
export function deprecationWarning(runtime: string, nowMs: number): string | undefined {
  if (runtimeState(runtime, nowMs) !== 'deprecated') return undefined;
  const life = RUNTIME_LIFECYCLE[runtime]!;
  const next = recommendedRuntime(runtime, nowMs);
  return `Runtime ${runtime} is deprecated since ${life.deprecated}` +
    (life.blockCreate ? `; new functions can use it until ${prevDay(life.blockCreate)}` : '') +
    (life.blockUpdate ? ` and existing ones be updated until ${prevDay(life.blockUpdate)}` : '') +
    (next ? `. Prefer ${next}.` : '.');
}

function prevDay(iso: string): string {
  return new Date(day(iso) - 86_400_000).toISOString().slice(0, 10);
}
