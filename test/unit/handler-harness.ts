/**
 * Real collaborators for the handler and packaging tests: dynalite on port 0, a UDP socket standing in
 * for the X-Ray daemon, and a child-process runner (the X-Ray SDK keeps global state per process and
 * switches to Lambda mode at import time, so each traced scenario gets its own process).
 */
import { runChild } from '../support/child.js';
import dgram from 'node:dgram';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

// dynalite ships no types; typing the one call we make here avoids a global `declare module` that
// could clash with the local cloud's own declaration.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs?: number }) => Server;

export const TRACE_ROOT = '1-58406520-a006649127e371903a2de979';
export const TRACE_PARENT = '53995c3f42cd8ad8';
export const TRACE_HEADER = `Root=${TRACE_ROOT};Parent=${TRACE_PARENT};Sampled=1`;

export const USER_123 = {
  userId: 'user123',
  name: 'John Doe',
  email: 'john@example.com',
  preferences: 'theme:dark,notifications:enabled',
};

export interface Dynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<Dynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates the lab's table and the lab's sample user through the real SDK. */
export async function seedUserProfiles(endpoint: string, tableName = 'UserProfiles'): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const item = Object.fromEntries(Object.entries(USER_123).map(([k, v]) => [k, { S: v }]));
    await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  } finally {
    client.destroy();
  }
}

export type XRayDocument = Record<string, unknown> & {
  id: string;
  name: string;
  trace_id?: string;
  parent_id?: string;
  type?: string;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, Record<string, unknown>>;
  aws?: Record<string, unknown>;
};

export interface Daemon {
  /** `host:port` for AWS_XRAY_DAEMON_ADDRESS. */
  address: string;
  headers: string[];
  documents: XRayDocument[];
  /** Resolves once `count` documents have arrived; rejects after `guardMs` so a broken run fails, not hangs. */
  waitFor(count: number, guardMs?: number): Promise<XRayDocument[]>;
  close(): Promise<void>;
}

export async function startDaemon(): Promise<Daemon> {
  const socket = dgram.createSocket('udp4');
  const headers: string[] = [];
  const documents: XRayDocument[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (msg) => {
    const text = msg.toString('utf8');
    const newline = text.indexOf('\n');
    headers.push(text.slice(0, newline));
    documents.push(JSON.parse(text.slice(newline + 1)) as XRayDocument);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  const waitFor = (count: number, guardMs = 5_000) =>
    new Promise<XRayDocument[]>((resolve, reject) => {
      const guard = setTimeout(
        () => reject(new Error(`expected ${count} X-Ray documents, got ${documents.length}: ${JSON.stringify(documents)}`)),
        guardMs,
      );
      const check = () => {
        if (documents.length >= count) {
          clearTimeout(guard);
          resolve(documents.slice());
        } else waiters.push(check);
      };
      check();
    });
  return {
    address: `127.0.0.1:${port}`,
    headers,
    documents,
    waitFor,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A minimal, explicit environment: nothing from the host's AWS config or the test runner leaks in. */
export function functionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    ...extra,
  };
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runNode(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<ChildResult> {
  const { code, stdout, stderr } = await runChild(process.execPath, args, options);
  return { code, stdout, stderr };
}

/** The handler's JSON result is the child's last stdout line; everything else it logs goes to stderr. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
