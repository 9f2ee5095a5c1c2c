import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSamplingRulesCommand } from '@aws-sdk/client-xray';
import { describe, expect } from 'vitest';
import { type Clients } from '../../src/lab/clients.js';
import { type LabContext } from '../../src/lab/context.js';
import { UserError } from '../../src/lab/errors.js';
import { RecordingIO } from '../../src/lab/io.js';
import { runSteps } from '../../src/lab/runner.js';
import { StateStore } from '../../src/lab/state.js';
import { executeTeardown } from '../../src/lab/teardown.js';
import { steps } from '../../steps/index.js';
import { samplingRulesStep } from '../../steps/sampling-rules.js';
import { userTableStep } from '../../steps/user-table.js';
import { labTest as it } from '../support/fixtures.js';
import type { LabFixture } from '../support/lab-context.js';

describe('lab steps 1–2 against the local cloud', () => {
  let dir: string;
  let clients: Clients;
  let state: StateStore;
  let io: RecordingIO;
  let lab: LabFixture;

  it.beforeEach(({ lab: fresh }) => {
    lab = fresh;
    ({ dir, clients, state } = lab);
    io = new RecordingIO();
  });
  it.afterEach(async () => {
    // Leave the shared cloud empty for the next test.
    await executeTeardown(context(), steps);
  });

  function context(samplingRules?: string): LabContext {
    return lab.context({ io, flags: { samplingRules } });
  }

  async function ruleNames(): Promise<string[]> {
    const out = await (await clients.xray()).send(new GetSamplingRulesCommand({}));
    return (out.SamplingRuleRecords ?? []).map((r) => r.SamplingRule!.RuleName!).sort();
  }

  it("step 1 creates the converted guide rule and the stage rule, and leaves Default alone", async () => {
    const before = await (await clients.xray()).send(new GetSamplingRulesCommand({}));

    const [run] = await runSteps(context(), steps, [samplingRulesStep]);

    const after = await (await clients.xray()).send(new GetSamplingRulesCommand({}));
    const byName = new Map(after.SamplingRuleRecords!.map((r) => [r.SamplingRule!.RuleName!, r.SamplingRule!]));
    expect([...byName.keys()].sort()).toEqual(['Default', 'xray-lab-high-priority-service', 'xray-lab-user-api-prod']);
    expect(byName.get('xray-lab-user-api-prod')).toMatchObject({ ServiceName: 'user-api/prod', ReservoirSize: 2, FixedRate: 0.5, Version: 1 });
    expect(byName.get('Default')).toEqual(before.SamplingRuleRecords!.find((r) => r.SamplingRule!.RuleName === 'Default')!.SamplingRule);
    expect(run.outcome.notes!.join(' ')).toMatch(/xray-lab-high-priority-service .*cannot match any request of this lab/);
    expect(state.resources().map((r) => [r.id, r.status])).toEqual([
      ['xray-lab-high-priority-service', 'created'],
      ['xray-lab-user-api-prod', 'created'],
    ]);
  });

  it('step 1 with an invalid document names the field and creates nothing', async () => {
    const file = join(dir, 'rules.json');
    await writeFile(file, JSON.stringify({ version: 2, default: { fixed_target: 1, rate: 0.1 }, rules: [{ host: '*', http_method: '*', url_path: '*', fixed_target: 1, rate: 5 }] }));

    const err = await runSteps(context(file), steps, [samplingRulesStep]).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain('rules[0].rate');
    expect(await ruleNames()).toEqual(['Default']);
    expect(state.resources()).toEqual([]);
  });

  it('step 2 creates the table with the sample item, and a re-run adopts it', async () => {
    await runSteps(context(), steps, [userTableStep]);
    const again = await runSteps(context(), steps, [userTableStep]);

    const ddb = await clients.dynamodb();
    const table = await ddb.send(new DescribeTableCommand({ TableName: 'UserProfiles' }));
    const item = await ddb.send(new GetItemCommand({ TableName: 'UserProfiles', Key: { userId: { S: 'user123' } } }));
    expect(table.Table).toMatchObject({ TableStatus: 'ACTIVE', BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } });
    expect(item.Item).toEqual({
      userId: { S: 'user123' },
      name: { S: 'John Doe' },
      email: { S: 'john@example.com' },
      preferences: { S: 'theme:dark,notifications:enabled' },
    });
    expect(again[0].outcome.details).toMatchObject({ adopted: true });
    expect(state.resources().filter((r) => r.type === 'dynamodb:Table')).toHaveLength(1);
  });

  it('step 2 reports a UserProfiles table it did not create and leaves it untouched', async () => {
    const ddb = await clients.dynamodb();
    await ddb.send(
      new CreateTableCommand({
        TableName: 'UserProfiles',
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    try {
      const err = await runSteps(context(), steps, [userTableStep]).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/UserProfiles already exists .* not created by xray-lab/);
      const item = await ddb.send(new GetItemCommand({ TableName: 'UserProfiles', Key: { userId: { S: 'user123' } } }));
      expect(item.Item).toBeUndefined();
      expect(state.resources()).toEqual([]);
    } finally {
      const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
      await ddb.send(new DeleteTableCommand({ TableName: 'UserProfiles' }));
    }
  });

  it('teardown deletes everything, treats already-gone resources as deleted, and is harmless twice', async () => {
    // Steps 1–2 only: steps 3–4 have their own test file.
    await runSteps(context(), steps, steps.slice(0, 2));
    const { DeleteSamplingRuleCommand } = await import('@aws-sdk/client-xray');
    await (await clients.xray()).send(new DeleteSamplingRuleCommand({ RuleName: 'xray-lab-user-api-prod' }));

    const first = await executeTeardown(context(), steps);
    const second = await executeTeardown(context(), steps);

    expect(first.deleted.map((r) => r.id)).toEqual(['UserProfiles', 'xray-lab-high-priority-service']);
    expect(first.alreadyGone.map((r) => r.id)).toEqual(['xray-lab-user-api-prod']);
    expect(first.failed).toEqual([]);
    expect(second.deleted).toEqual([]);
    expect(await ruleNames()).toEqual(['Default']);
    await expect((await clients.dynamodb()).send(new DescribeTableCommand({ TableName: 'UserProfiles' }))).rejects.toThrow(/not found/i);
    expect(state.resources()).toEqual([]);
  });
});
