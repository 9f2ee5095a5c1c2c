/**
 * A test-only switch for crash-injection: `XRAY_LAB_CRASH_AT=<step>:<n>[:before|mid|after]` makes the
 * process SIGKILL itself around the n-th AWS call (1-based) made while lab step <step> runs, and
 * `XRAY_LAB_CRASH_AT=<step>:done` right after the step returns, before it is marked done.
 *   before: nothing of the call has been sent;
 *   mid:    the service answered (it did the work) but the response was not read yet;
 *   after:  the response was parsed, but the step never saw it.
 * Unset (always, outside tests) it adds nothing to the clients. config-env.ts reads the variable.
 */
export interface CrashPoint {
  step: string;
  /** 0 for `done`. */
  call: number;
  when: 'before' | 'mid' | 'after' | 'done';
}

export const CRASH_ENV = 'XRAY_LAB_CRASH_AT';

let currentStep: string | undefined;
let calls = 0;

export function parseCrashPoint(value: string | undefined): CrashPoint | undefined {
  if (!value) return undefined;
  const m = /^([a-z0-9-]+):(?:(done)|(\d+)(?::(before|mid|after))?)$/.exec(value);
  if (!m) throw new Error(`${CRASH_ENV} must look like <step>:<n>[:before|mid|after] or <step>:done, got "${value}"`);
  return m[2] ? { step: m[1]!, call: 0, when: 'done' } : { step: m[1]!, call: Number(m[3]), when: (m[4] as CrashPoint['when']) ?? 'before' };
}

function crash(): Promise<never> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => undefined);
}

/** The runner says which step runs now; calls are counted per step. */
export function enterStep(stepId: string | undefined): void {
  currentStep = stepId;
  calls = 0;
}

/** Called by the runner after a step's run() returned, before recording it as done. */
export async function stepFinished(stepId: string, point: CrashPoint | undefined): Promise<void> {
  if (point?.when === 'done' && point.step === stepId) await crash();
}

interface MiddlewareStackLike {
  add(mw: unknown, options: { step: string; name: string; priority?: string }): void;
}

type Next = (args: unknown) => Promise<unknown>;

/** Adds the crash middleware to an SDK v3 client when the switch is set. */
export function attachCrashPoint(client: { middlewareStack: MiddlewareStackLike }, point: CrashPoint | undefined): void {
  if (!point || point.when === 'done') return;
  const CALL = Symbol.for('xray-lab.crash.call');
  client.middlewareStack.add(
    (next: Next, context: Record<symbol, number>) => async (args: unknown) => {
      const n = currentStep === point.step ? ++calls : 0;
      context[CALL] = n;
      if (n === point.call && point.when === 'before') await crash();
      const out = await next(args);
      if (n === point.call && point.when === 'after') await crash();
      return out;
    },
    { step: 'initialize', name: 'xrayLabCrashPointOuter', priority: 'high' },
  );
  // Innermost deserialize middleware: runs once the raw response arrived, before it is parsed.
  client.middlewareStack.add(
    (next: Next, context: Record<symbol, number>) => async (args: unknown) => {
      const out = await next(args);
      if (context[CALL] === point.call && point.when === 'mid') await crash();
      return out;
    },
    { step: 'deserialize', name: 'xrayLabCrashPointMid', priority: 'low' },
  );
}
