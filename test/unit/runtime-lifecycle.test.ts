import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/lab/config.js';
import { resolveRuntime } from '../../src/lab/packaging/runtimes.js';
import { deprecationWarning, runtimeState } from '../../src/local/lambda/runtime-lifecycle.js';

const at = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

describe('runtime lifecycle (one table for the local cloud and --runtime)', () => {
  it('walks nodejs20.x through supported, deprecated, create-blocked and update-blocked by date', () => {
    expect(runtimeState('nodejs20.x', at('2026-04-29'))).toBe('supported');
    expect(runtimeState('nodejs20.x', at('2026-04-30'))).toBe('deprecated');
    expect(runtimeState('nodejs20.x', at('2027-02-01'))).toBe('create-blocked');
    expect(runtimeState('nodejs20.x', at('2027-03-03'))).toBe('update-blocked');
    expect(runtimeState('nodejs24.x', at('2027-12-31'))).toBe('supported');
  });

  it('--runtime warns on a deprecated runtime and says until when it can be created', () => {
    const choice = resolveRuntime('nodejs18.x', at('2026-12-05'));

    expect(choice.warning).toBe('Runtime nodejs18.x is deprecated since 2025-09-01; new functions can use it until 2027-01-31 and existing ones be updated until 2027-03-02. Prefer nodejs24.x.');
    expect(resolveRuntime('nodejs24.x', at('2026-12-05')).warning).toBeUndefined();
    expect(deprecationWarning('nodejs22.x', at('2027-05-01'))).toContain('until 2027-05-31');
  });

  it('--runtime refuses a blocked runtime with AWS message before any step runs', () => {
    const early = resolveConfig({ runtime: 'nodejs20.x' }, {}, at('2027-01-31'));
    const refused = (() => {
      try {
        resolveConfig({ runtime: 'nodejs20.x' }, {}, at('2027-02-01'));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();

    expect(early.runtime).toBe('nodejs20.x');
    expect(refused?.name).toBe('UserError');
    expect(refused?.message).toBe('--runtime nodejs20.x: The runtime parameter of nodejs20.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions.');
    expect(() => resolveRuntime('nodejs20.x', at('2027-02-01'))).toThrow(/no longer supported for creating or updating/);
  });

  it('defaults to nodejs24.x, which stays supported through 2027', () => {
    expect(resolveRuntime(undefined, at('2027-01-01')).runtime).toBe('nodejs24.x');
    expect(runtimeState('nodejs24.x', at('2027-12-31'))).toBe('supported');
  });
});
