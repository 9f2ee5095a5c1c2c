import { describe, expect, it } from 'vitest';
import { lambdaLimitsFromEnv as parseLambdaLimits } from '../../src/lab/config-env.js';

describe('local Lambda limits from the environment', () => {
  it('reads the concurrency limit and idle seconds, and leaves the defaults alone when unset', () => {
    expect(parseLambdaLimits({ XRAY_LAB_LAMBDA_CONCURRENCY: '8', XRAY_LAB_LAMBDA_IDLE_SECONDS: '30' })).toEqual({ concurrencyLimit: 8, idleTimeoutMs: 30_000 });
    expect(parseLambdaLimits({})).toEqual({});
  });

  it('reads the opt-in environment cap, 0 meaning none (AWS\'s model), and refuses a bad value', () => {
    expect(parseLambdaLimits({ XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS: '4' })).toEqual({ maxEnvironments: 4 });
    expect(parseLambdaLimits({ XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS: '0' })).toEqual({});
    expect(() => parseLambdaLimits({ XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS: 'four' })).toThrow('XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS must be a whole number from 0 to 1000, got "four".');
  });

  it('refuses a value that is not a whole number in range, naming the variable', () => {
    expect(() => parseLambdaLimits({ XRAY_LAB_LAMBDA_CONCURRENCY: '0' })).toThrow('XRAY_LAB_LAMBDA_CONCURRENCY must be a whole number from 1 to 1000, got "0".');
    expect(() => parseLambdaLimits({ XRAY_LAB_LAMBDA_IDLE_SECONDS: '5m' })).toThrow(/XRAY_LAB_LAMBDA_IDLE_SECONDS must be a whole number/);
  });
});
