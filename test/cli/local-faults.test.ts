import { describe, expect, it } from 'vitest';
import { localFaultsFromEnv as parseLocalFaults } from '../../src/lab/config-env.js';
import { UserError } from '../../src/lab/errors.js';

describe('XRAY_LAB_LOCAL_FAULTS', () => {
  it('passes the known fault switches through', () => {
    expect(parseLocalFaults({ XRAY_LAB_LOCAL_FAULTS: '{"iamPropagationMs":4000,"apigatewayDeleteThrottles":1}' })).toEqual({ iamPropagationMs: 4000, apigatewayDeleteThrottles: 1 });
    expect(parseLocalFaults({})).toEqual({});
  });

  it.each([
    ['not JSON', '{iam:1}', /must be a JSON object/],
    ['an array', '[1]', /must be a JSON object/],
    ['an unknown fault', '{"lambdaColdStartMs":5}', /unknown fault "lambdaColdStartMs"/],
    ['a negative value', '{"iamPropagationMs":-1}', /whole number/],
  ])('refuses %s with a user error naming the problem', (_what, raw, message) => {
    const attempt = () => parseLocalFaults({ XRAY_LAB_LOCAL_FAULTS: raw });

    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(message);
  });
});
