import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/lab/config.js';
import { credentialSource, endpointCheck, nodeCheck } from '../../../src/lab/doctor/environment.js';

const aws = (flags: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) => resolveConfig({ target: 'aws', region: 'eu-west-1', ...flags }, { HOME: '/nonexistent', ...env });

describe('doctor environment checks', () => {
  it('fails Node older than 20 and passes newer', () => {
    expect(nodeCheck('v18.19.0')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/Node 20/) });
    expect(nodeCheck('v22.1.0').status).toBe('ok');
  });

  it('names the credential source without any secret', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'very-secret', AWS_SESSION_TOKEN: 'tok' };

    expect(credentialSource(aws({}, env), env)).toBe('environment variables (AWS_ACCESS_KEY_ID with a session token)');
    expect(credentialSource(aws({ profile: 'lab' }), {})).toBe('profile "lab" (--profile)');
    expect(credentialSource(aws({}, { AWS_PROFILE: 'sso' }), { AWS_PROFILE: 'sso' })).toBe('profile "sso" (AWS_PROFILE)');
    expect(credentialSource(aws(), {})).toMatch(/default chain/);
    expect(JSON.stringify(credentialSource(aws({}, env), env))).not.toMatch(/very-secret|tok\b/);
  });

  it('reports the standard AWS_ENDPOINT_URL variables the SDK honours, unless told to ignore them', () => {
    const env = { AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_ENDPOINT_URL_XRAY: 'http://localhost:2000' };

    expect(endpointCheck(aws(), env)).toMatchObject({ status: 'warn', detail: 'set by AWS_ENDPOINT_URL=http://localhost:4566, AWS_ENDPOINT_URL_XRAY=http://localhost:2000' });
    expect(endpointCheck(aws(), { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).detail).toBe('the public AWS endpoints');
    expect(endpointCheck(aws({ endpointUrl: 'http://127.0.0.1:9' }), env).detail).toBe('http://127.0.0.1:9 (--endpoint-url)');
  });
});
