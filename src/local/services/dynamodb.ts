/**
 * DynamoDB is dynalite (a real DynamoDB implementation on LevelDB), mounted on the shared port:
 * its request handler receives our requests directly, no proxy hop. Tables become ACTIVE at once,
 * so the AWS CLI's `wait table-exists` returns on its first poll. https://github.com/architect/dynalite
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

type DynaliteFactory = (options: Record<string, unknown>) => Server;

export interface DynamoDbBackend {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

export async function createDynamoDb(opts: { dataDir?: string; region: string; accountId: string }): Promise<DynamoDbBackend> {
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as DynaliteFactory;
  const path = opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined;
  if (path) mkdirSync(path, { recursive: true, mode: 0o700 });
  // dynalite reads the account and region for its ARNs from the environment when it opens its store.
  const saved = { region: process.env.AWS_REGION, account: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = opts.region;
  process.env.AWS_ACCOUNT_ID = opts.accountId;
  let server: Server;
  try {
    server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    restoreEnv('AWS_REGION', saved.region);
    restoreEnv('AWS_ACCOUNT_ID', saved.account);
  }
  // Listening (on a private loopback port nobody uses) lets dynalite's close() shut its LevelDB cleanly.
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const listener = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  return {
    handle: (req, res) => listener(req, res),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
