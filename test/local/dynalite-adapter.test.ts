/**
 * The dynalite adapter reaches inside dynalite and classic-level (src/local/services/dynalite-adapter.ts).
 * If an upgrade moves what it relies on, these fail with a message that says what to fix, instead of the
 * local cloud silently getting slower or writing ARNs for the wrong account.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classicLevelPrototypeOfDynalite, hasSyncReads } from '../../src/local/services/dynalite-adapter.js';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, tempDir, withLocalCloud } from '../support/local-cloud.js';

describe('dynalite adapter', () => {
  const dir = tempDir('xray-lab-dynalite-');
  const envBefore = { region: process.env.AWS_REGION, account: process.env.AWS_ACCOUNT_ID };
  let cloud: LocalCloud;
  let ddb: DynamoDBClient;

  beforeAll(async () => {
    // On disk: the synchronous-read patch concerns classic-level, the store dynalite uses for a path.
    cloud = await withLocalCloud({ dataDir: dir.path });
    ddb = new DynamoDBClient(clientConfig(cloud));
  });
  afterAll(async () => {
    ddb.destroy();
    await cloud.close();
    dir.remove();
  });

  it('finds classic-level\'s synchronous get where dynalite loads it, and routes reads through it', () => {
    const proto = classicLevelPrototypeOfDynalite();
    expect(typeof proto._getSync, 'classic-level no longer has _getSync: update dynalite-adapter.ts readLevelDbSynchronously').toBe('function');
    expect(hasSyncReads(), 'the synchronous-read patch was not applied to the classic-level dynalite uses').toBe(true);
  });

  it('gives dynalite the cloud\'s account and region for ARNs, and leaves process.env as it found it', async () => {
    const out = await ddb.send(new CreateTableCommand({
      TableName: 'adapter-check', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }));

    expect(out.TableDescription?.TableArn).toBe(`arn:aws:dynamodb:${cloud.env.defaultRegion}:${cloud.env.accountId}:table/adapter-check`);
    expect({ region: process.env.AWS_REGION, account: process.env.AWS_ACCOUNT_ID }).toEqual(envBefore);
  });

  it('reads back what it wrote through the patched path', async () => {
    await ddb.send(new PutItemCommand({ TableName: 'adapter-check', Item: { id: { S: 'u1' }, name: { S: 'John Doe' } } }));

    const got = await ddb.send(new GetItemCommand({ TableName: 'adapter-check', Key: { id: { S: 'u1' } } }));
    expect(got.Item).toEqual({ id: { S: 'u1' }, name: { S: 'John Doe' } });
    const missing = await ddb.send(new GetItemCommand({ TableName: 'adapter-check', Key: { id: { S: 'nobody' } } }));
    expect(missing.Item).toBeUndefined();
  });
});
