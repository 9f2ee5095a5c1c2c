import { describe, expect, it } from 'vitest';
import {
  ALLOWED_HOSTS_ENV, hostNameOf, isAllowedHost, refuseBrowser, refuseControlPlane, refuseHost, refuseUnsigned,
  refuseUnsignedEndpoint, resolveAllowedHosts,
} from '../../../src/local/edge/request-guard.js';

const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';

describe('request guard: Host allowlist', () => {
  it.each(['127.0.0.1:4566', '127.0.0.1', '127.1.2.3:80', '[::1]:4566', '[::1]', 'localhost', 'LocalHost.:4566', 'abc123.execute-api.localhost:4566'])('allows %s', (host) => {
    expect(refuseHost({ host })).toBeUndefined();
  });

  it.each(['rebind.test:4566', 'evil.example.com', '10.0.0.1:4566', '0.0.0.0:4566', '2130706433', 'localhost.evil.com', '[::2]:80', 'user@localhost', 'localhost:4566/x', ''])('refuses %s', (host) => {
    expect(refuseHost({ host })).toMatchObject({ reason: 'host-not-allowed', awsCode: 'AccessDenied', status: 403 });
  });

  it('refuses a request with no Host header in one sentence', () => {
    expect(refuseHost({})?.message).toMatch(/no Host header/);
  });

  it('allows names the user adds, exactly or as a *. suffix, from the option and the environment', () => {
    const allowed = resolveAllowedHosts(['Docker.Internal'], { [ALLOWED_HOSTS_ENV]: ' *.lab.test , ,myhost.' });
    expect(allowed).toEqual(['docker.internal', '*.lab.test', 'myhost']);
    expect(isAllowedHost('docker.internal:4566', allowed)).toBe(true);
    expect(isAllowedHost('a.lab.test', allowed)).toBe(true);
    expect(isAllowedHost('lab.test', allowed)).toBe(false);
    expect(isAllowedHost('evillab.test', allowed)).toBe(false);
    expect(isAllowedHost('myhost:1', allowed)).toBe(true);
    expect(isAllowedHost('other', allowed)).toBe(false);
  });

  it('parses the name out of a Host header', () => {
    expect(hostNameOf('[::1]:4566')).toBe('::1');
    expect(hostNameOf('Example.COM:80')).toBe('example.com');
    expect(hostNameOf('a b')).toBeUndefined();
  });

  it('clips and sanitises the echoed Host', () => {
    const r = refuseHost({ host: `${'x'.repeat(300)}\u0007` });
    expect(r?.message.length).toBeLessThan(400);
  });
});

describe('request guard: browser context', () => {
  it.each([
    [{ origin: 'http://evil.example.com' }, 'origin-not-loopback'],
    [{ origin: 'null' }, 'origin-not-loopback'],
    [{ origin: 'file://' }, 'origin-not-loopback'],
    [{ 'sec-fetch-site': 'cross-site' }, 'cross-site-fetch'],
    [{ 'sec-fetch-site': 'same-site' }, 'cross-site-fetch'],
    [{ 'sec-fetch-mode': 'no-cors' }, 'browser-fetch-mode'],
    [{ 'sec-fetch-mode': 'navigate' }, 'browser-fetch-mode'],
  ] as const)('refuses %o', (headers, reason) => {
    expect(refuseBrowser(headers)).toMatchObject({ reason, awsCode: 'AccessDenied', status: 403 });
  });

  it.each([
    {},
    { origin: 'http://localhost:3000' },
    { origin: 'http://127.0.0.1:8080' },
    { origin: 'http://[::1]:8080' },
    { origin: 'http://console.localhost' },
    { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
    { 'sec-fetch-site': 'none' },
  ])('allows %o', (headers) => {
    expect(refuseBrowser(headers)).toBeUndefined();
  });
});

describe('request guard: SigV4 presence', () => {
  it('accepts a well-formed Authorization header, without verifying it', () => {
    expect(refuseUnsigned({ authorization: SIGNED }, '/2015-03-31/functions')).toBeUndefined();
  });

  it('accepts a presigned query', () => {
    const url = '/?Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abcdef0123456789abcdef';
    expect(refuseUnsigned({}, url)).toBeUndefined();
  });

  it('refuses a request with no signature as MissingAuthenticationToken', () => {
    expect(refuseUnsigned({}, '/2015-03-31/functions')).toMatchObject({ reason: 'missing-signature', awsCode: 'MissingAuthenticationToken' });
  });

  it.each([
    'Bearer abc',
    'AWS4-HMAC-SHA256',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host',
    'AWS4-HMAC-SHA256 Credential=AKID/2026/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abcdef0123456789abcdef',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=not-hex',
  ])('refuses a malformed Authorization %s as IncompleteSignature', (authorization) => {
    expect(refuseUnsigned({ authorization }, '/')).toMatchObject({ reason: 'incomplete-signature', awsCode: 'IncompleteSignature' });
  });

  it('refuses a partial presigned query as IncompleteSignature', () => {
    expect(refuseUnsigned({}, new URL('http://localhost/?X-Amz-Algorithm=AWS4-HMAC-SHA256'))).toMatchObject({ reason: 'incomplete-signature' });
  });
});

describe('request guard: combined checks', () => {
  it('checks Host first, then the browser context, then the signature', () => {
    expect(refuseControlPlane({ host: 'rebind.test', origin: 'http://rebind.test' }, '/')?.reason).toBe('host-not-allowed');
    expect(refuseControlPlane({ host: 'localhost', origin: 'http://evil.test', authorization: SIGNED }, '/')?.reason).toBe('origin-not-loopback');
    expect(refuseControlPlane({ host: 'localhost' }, '/')?.reason).toBe('missing-signature');
    expect(refuseControlPlane({ host: 'localhost', authorization: SIGNED }, '/')).toBeUndefined();
    expect(refuseControlPlane({ host: 'rebind.test', authorization: SIGNED }, '/', { allowedHosts: ['rebind.test'] })).toBeUndefined();
  });

  it('lets unsigned local-tool endpoints through only with a loopback Host and no cross-site browser context', () => {
    expect(refuseUnsignedEndpoint({ host: '127.0.0.1:2000' })).toBeUndefined();
    expect(refuseUnsignedEndpoint({ host: '127.0.0.1:2000', 'sec-fetch-site': 'cross-site' })?.reason).toBe('cross-site-fetch');
    expect(refuseUnsignedEndpoint({ host: 'rebind.test:2000' })?.reason).toBe('host-not-allowed');
  });
});
