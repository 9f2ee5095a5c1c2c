/** Test support: an in-process local cloud on a free port, and SDK client settings pointing at it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../src/local/server.js';

/**
 * The one source of test credentials for the local cloud (it accepts any signed request). The secret is
 * recognisable so a leak check can search output for it.
 */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIAXRAYLABTEST00001', secretAccessKey: 'xray-lab-test-secret-do-not-leak' };

/** The same credentials as environment variables, for child processes (the AWS CLI, xray-lab, handlers). */
export const TEST_CREDENTIALS_ENV = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };

export function clientConfig(cloud: { endpoint: string }, region = 'us-east-1') {
  return { endpoint: cloud.endpoint, region, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
}

export function tempDir(prefix = 'xray-lab-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The port of one of the cloud's tracing listeners (`otlp-http`, `otlp-grpc`, `xray-daemon-tcp` …). */
export function listenerPort(cloud: Pick<LocalCloud, 'listeners'>, name: string): number {
  const listener = cloud.listeners.find((l) => l.name === name);
  if (!listener) throw new Error(`the local cloud has no ${name} listener (it has ${cloud.listeners.map((l) => l.name).join(', ')})`);
  return listener.port;
}

export async function withLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({ port: 0, ...options });
}

/** The failure of an SDK call as `{ name, message, status }`; fails the test when the call succeeds. */
export async function serviceErrorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
