/**
 * Acknowledged writes survive: a SIGKILL of the local cloud in the middle of a write burst, and a
 * thousand concurrent writers. Writes go to all three stores (SQLite collections via IAM, the logs
 * tables, dynalite's LevelDB), and are checked through the API after the fact.
 */
import { Agent } from 'node:http';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/lab/clients.js';
import { startLocalCloud } from '../../src/local/server.js';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { tempDir } from '../support/local-cloud.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

function writers(endpoint: string, maxSockets = 64) {
  const cfg = { endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1, requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets }) } };
  const iam = new IAMClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  return {
    createTable: () => ddb.send(new CreateTableCommand({ TableName: 'Burst', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] })),
    /** Write number n to one of the three stores; resolves with its key once acknowledged. */
    write: async (n: number): Promise<string> => {
      const kind = n % 3;
      if (kind === 0) await iam.send(new CreateRoleCommand({ RoleName: `burst-${n}`, AssumeRolePolicyDocument: TRUST }));
      else if (kind === 1) await logs.send(new CreateLogGroupCommand({ logGroupName: `/burst/${n}` }));
      else await ddb.send(new PutItemCommand({ TableName: 'Burst', Item: { id: { S: `item-${n}` } } }));
      return ['role', 'group', 'item'][kind] + `-${n}`;
    },
    /** Every stored key, read back through the API. */
    async readAll(): Promise<Set<string>> {
      const keys = new Set<string>();
      for (let Marker: string | undefined, more = true; more; ) {
        const page = await iam.send(new ListRolesCommand({ MaxItems: 1000, ...(Marker ? { Marker } : {}) }));
        for (const r of page.Roles ?? []) if (r.RoleName!.startsWith('burst-')) keys.add(`role-${r.RoleName!.slice(6)}`);
        more = page.IsTruncated === true;
        Marker = page.Marker;
      }
      for (let nextToken: string | undefined, first = true; first || nextToken; first = false) {
        const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/burst/', ...(nextToken ? { nextToken } : {}) }));
        for (const g of page.logGroups ?? []) keys.add(`group-${g.logGroupName!.slice(7)}`);
        nextToken = page.nextToken;
      }
      for (let start: Record<string, never> | undefined, first = true; first || start; first = false) {
        const page = await ddb.send(new ScanCommand({ TableName: 'Burst', ...(start ? { ExclusiveStartKey: start } : {}) }));
        for (const i of page.Items ?? []) keys.add(`item-${i.id!.S!.slice(5)}`);
        start = page.LastEvaluatedKey as Record<string, never> | undefined;
      }
      return keys;
    },
    destroy() {
      for (const c of [iam, ddb, logs]) c.destroy();
    },
  };
}

describe('a SIGKILL of the local cloud during a write burst', () => {
  let sb: Sandbox;
  afterAll(async () => {
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  it('loses no acknowledged write, and the next start recovers by itself', async () => {
    // Arrange: the real background cloud process, a table, and writers that keep 32 requests in flight.
    sb = await makeSandbox();
    const started = JSON.parse((await sb.run(['local', 'start', '--json'])).stdout) as { endpoint: string; pid: number };
    const w = writers(started.endpoint);
    await w.createTable();
    const acked: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const n = next++;
        try {
          acked.push(await w.write(n));
        } catch {
          return; // the connection died with the process: not acknowledged, so not promised
        }
        if (acked.length === 600 && !killed) {
          killed = true;
          process.kill(started.pid, 'SIGKILL');
        }
      }
    };

    // Act
    await Promise.all(Array.from({ length: 32 }, worker));
    w.destroy();
    const restarted = await sb.run(['local', 'start', '--json']);
    const again = JSON.parse(restarted.stdout) as { endpoint: string; pid: number };
    const r = writers(again.endpoint);
    const stored = await r.readAll();
    r.destroy();

    // Assert
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(again.pid).not.toBe(started.pid);
    expect(acked.length).toBeGreaterThanOrEqual(600);
    expect(acked.filter((k) => !stored.has(k))).toEqual([]);
  });
});

describe('a thousand concurrent writers', () => {
  it('all get an answer, and every acknowledged write is stored exactly once', async () => {
    const dir = tempDir();
    const cloud = await startLocalCloud({ port: 0, dataDir: dir.path });
    const w = writers(cloud.endpoint, 1000);
    try {
      await w.createTable();

      const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, n) => w.write(n)));
      const acked = results.filter((r): r is PromiseFulfilledResult<string> => r.status === 'fulfilled').map((r) => r.value);
      const stored = await w.readAll();

      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      expect(acked).toHaveLength(1000);
      expect(stored.size).toBe(1000);
      expect(acked.filter((k) => !stored.has(k))).toEqual([]);
    } finally {
      w.destroy();
      await cloud.close();
      dir.remove();
    }
  });
});
