import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromAttributeValue, toUserProfile } from '../../handlers/user-service/item.js';
import { requestInfo, simulatedWorkMs, userIdFromPath } from '../../handlers/user-service/request.js';
import { type Dynamo, seedUserProfiles, startDynalite, USER_123 } from './handler-harness.js';

describe('user-service request helpers', () => {
  it('takes the user id from the last path segment, defaulting like the lab', () => {
    expect(userIdFromPath('/users/user456')).toBe('user456');
    expect(userIdFromPath('/users')).toBe('user123');
    expect(userIdFromPath(undefined)).toBe('user123');
    expect(userIdFromPath('/users/')).toBe('user123');
  });

  it('reads request info from a proxy event with null headers and no identity', () => {
    expect(requestInfo({ path: '/users/x', headers: null as never })).toEqual({ path: '/users/x', user_agent: '', source_ip: '' });
  });

  it('finds the user agent whatever the header case, and the source ip', () => {
    const info = requestInfo({
      path: '/users/x',
      headers: { 'user-agent': 'curl/8.5.0' },
      requestContext: { identity: { sourceIp: '203.0.113.9' } } as never,
    });
    expect(info).toEqual({ path: '/users/x', user_agent: 'curl/8.5.0', source_ip: '203.0.113.9' });
  });

  it('parses SIMULATED_WORK_MS, falling back to 100 on absent or invalid values', () => {
    expect(simulatedWorkMs(undefined)).toBe(100);
    expect(simulatedWorkMs('0')).toBe(0);
    expect(simulatedWorkMs('250')).toBe(250);
    expect(simulatedWorkMs('-5')).toBe(100);
    expect(simulatedWorkMs('soon')).toBe(100);
  });

  it('converts DynamoDB attribute values to plain JSON and keeps only profile fields', () => {
    expect(fromAttributeValue({ M: { on: { BOOL: true }, n: { N: '3' }, tags: { SS: ['a'] } } })).toEqual({ on: true, n: 3, tags: ['a'] });
    expect(fromAttributeValue({ N: '12345678901234567890' })).toBe('12345678901234567890');
    const profile = toUserProfile({ userId: { S: 'u' }, name: { S: 'n' }, email: { S: 'e' }, preferences: { S: 'p' }, secret: { S: 's' } });
    expect(profile).toEqual({ userId: 'u', name: 'n', email: 'e', preferences: 'p' });
  });
});

// Outside Lambda (no LAMBDA_TASK_ROOT, no trace header) the handler must still answer: the SDK only logs
// the missing context. Loaded after the environment is set because the DynamoDB client is module-scoped.
describe('user-service handler against dynalite, outside Lambda', () => {
  let dynamo: Dynamo;
  let handler: typeof import('../../handlers/user-service/index.js').handler;

  beforeAll(async () => {
    dynamo = await startDynalite();
    await seedUserProfiles(dynamo.endpoint);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      SIMULATED_WORK_MS: '0',
      AWS_XRAY_LOG_LEVEL: 'silent',
    });
    delete process.env.LAMBDA_TASK_ROOT;
    delete process.env.TABLE_NAME;
    ({ handler } = await import('../../handlers/user-service/index.js'));
  });

  afterAll(async () => {
    await dynamo?.close();
  });

  it('answers 200 with the profile for an existing user', async () => {
    const result = await handler({ httpMethod: 'GET', path: '/users/user123' });

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    expect(JSON.parse(result.body)).toEqual(USER_123);
  });

  it('uses the default user when the path has no id', async () => {
    const result = await handler({ httpMethod: 'GET', path: '/users' });

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).userId).toBe('user123');
  });

  it('answers 404 for an unknown user', async () => {
    const result = await handler({ httpMethod: 'GET', path: '/users/nonexistent' });

    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toEqual({ error: 'User not found' });
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe('*');
  });

  it('answers 500 when the table does not exist', async () => {
    process.env.TABLE_NAME = 'NoSuchTable';
    try {
      const result = await handler({ httpMethod: 'GET', path: '/users/user123' });

      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body)).toEqual({ error: 'Internal server error' });
    } finally {
      delete process.env.TABLE_NAME;
    }
  });
});
