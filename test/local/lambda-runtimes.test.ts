/**
 * Runtime block dates in the local cloud, on an injected clock: CreateFunction refuses a runtime past its
 * block-create date and UpdateFunction* one past its block-update date, with AWS's message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CreateFunctionCommand, LambdaClient, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, serviceErrorOf, withLocalCloud } from '../support/local-cloud.js';
import { createRole, handlerZip } from './lambda-fixtures.js';

const clock = { t: 0, now() { return this.t; } };
let cloud: LocalCloud | undefined;
afterEach(async () => cloud?.close());

async function start(iso: string): Promise<{ lambda: LambdaClient; role: string }> {
  clock.t = Date.parse(iso);
  cloud = await withLocalCloud({ clock });
  return { lambda: new LambdaClient(clientConfig(cloud)), role: await createRole(cloud.endpoint) };
}

const create = async (lambda: LambdaClient, role: string, Runtime: string, FunctionName = 'fn') =>
  lambda.send(new CreateFunctionCommand({ FunctionName, Role: role, Runtime: Runtime as 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: await handlerZip() } }));

describe('runtime block dates', () => {
  it('creates nodejs20.x the day before its block-create date and refuses it on that date with AWS message', async () => {
    const { lambda, role } = await start('2027-01-31T23:59:00Z');

    const before = await create(lambda, role, 'nodejs20.x', 'early');
    clock.t = Date.parse('2027-02-01T00:00:00Z');
    const refused = await serviceErrorOf(create(lambda, role, 'nodejs20.x', 'late'));

    expect(before.Runtime).toBe('nodejs20.x');
    expect(refused).toEqual({
      name: 'InvalidParameterValueException', status: 400,
      message: 'The runtime parameter of nodejs20.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions.',
    });
  });

  it('still updates a nodejs18.x function between block-create and block-update, and refuses after', async () => {
    const { lambda, role } = await start('2026-06-01T00:00:00Z');
    await create(lambda, role, 'nodejs18.x');

    clock.t = Date.parse('2027-02-15T00:00:00Z');
    const between = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Timeout: 5 }));
    clock.t = Date.parse('2027-03-03T00:00:00Z');
    const config = await serviceErrorOf(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Timeout: 6 })));
    const code = await serviceErrorOf(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: await handlerZip() })));
    const moved = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Runtime: 'nodejs24.x' }));

    expect(between.Timeout).toBe(5);
    expect(config).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('The runtime parameter of nodejs18.x is no longer supported') });
    expect(code.name).toBe('InvalidParameterValueException');
    expect(moved.Runtime).toBe('nodejs24.x');
  });

  it('refuses runtimes blocked long ago (nodejs14.x) whatever the date', async () => {
    const { lambda, role } = await start('2026-01-01T00:00:00Z');

    const refused = await serviceErrorOf(create(lambda, role, 'nodejs14.x'));

    expect(refused.message).toBe('The runtime parameter of nodejs14.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions.');
  });
});
