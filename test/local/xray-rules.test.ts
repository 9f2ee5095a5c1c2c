import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSamplingRuleCommand, DeleteSamplingRuleCommand, GetSamplingRulesCommand, ListTagsForResourceCommand, TagResourceCommand,
  UntagResourceCommand, UpdateSamplingRuleCommand, XRayClient, paginateGetSamplingRules, type SamplingRule,
} from '@aws-sdk/client-xray';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, serviceErrorOf as errorOf, withLocalCloud } from '../support/local-cloud.js';

let cloud: LocalCloud;
let xray: XRayClient;
beforeAll(async () => {
  cloud = await withLocalCloud();
  xray = new XRayClient(clientConfig(cloud));
});
afterAll(() => cloud.close());

const rule = (overrides: Partial<SamplingRule> = {}): SamplingRule => ({
  RuleName: 'user-api-prod', ResourceARN: '*', Priority: 1000, FixedRate: 0.5, ReservoirSize: 2, ServiceName: 'user-api/prod',
  ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1, ...overrides,
});


describe('X-Ray sampling rules', () => {
  it('always has the built-in Default rule (1 request/s + 5 %)', async () => {
    const { SamplingRuleRecords } = await xray.send(new GetSamplingRulesCommand({}));
    const def = SamplingRuleRecords?.find((r) => r.SamplingRule?.RuleName === 'Default')?.SamplingRule;
    expect(def).toMatchObject({ Priority: 10000, ReservoirSize: 1, FixedRate: 0.05, ServiceName: '*', Version: 1 });
    expect(def?.RuleARN).toBe('arn:aws:xray:us-east-1:000000000000:sampling-rule/Default');
  });

  it('creates, updates, tags and deletes a rule', async () => {
    const created = await xray.send(new CreateSamplingRuleCommand({ SamplingRule: rule(), Tags: [{ Key: 'xray-lab:run', Value: 'r1' }] }));
    expect(created.SamplingRuleRecord?.SamplingRule?.RuleARN).toBe('arn:aws:xray:us-east-1:000000000000:sampling-rule/user-api-prod');
    expect(created.SamplingRuleRecord?.CreatedAt).toBeInstanceOf(Date);

    const updated = await xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'user-api-prod', FixedRate: 0.25 } }));
    expect(updated.SamplingRuleRecord?.SamplingRule).toMatchObject({ FixedRate: 0.25, ReservoirSize: 2 });

    const arn = created.SamplingRuleRecord!.SamplingRule!.RuleARN!;
    await xray.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'team', Value: 'obs' }] }));
    await xray.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['team'] }));
    expect((await xray.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([{ Key: 'xray-lab:run', Value: 'r1' }]);

    const deleted = await xray.send(new DeleteSamplingRuleCommand({ RuleARN: arn }));
    expect(deleted.SamplingRuleRecord?.SamplingRule?.RuleName).toBe('user-api-prod');
    expect(await errorOf(xray.send(new DeleteSamplingRuleCommand({ RuleName: 'user-api-prod' })))).toMatchObject({ name: 'InvalidRequestException', status: 400 });
    expect(await errorOf(xray.send(new ListTagsForResourceCommand({ ResourceARN: arn })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it.each([
    ['priority 0', rule({ Priority: 0 }), /Priority must be an integer from 1 to 9999/],
    ['priority 10000', rule({ Priority: 10000 }), /Priority/],
    ['rate above 1', rule({ FixedRate: 5 }), /FixedRate must be a number from 0 to 1/],
    ['negative reservoir', rule({ ReservoirSize: -1 }), /ReservoirSize/],
    ['version 2', rule({ Version: 2 }), /Version must be 1/],
    ['name too long', rule({ RuleName: 'x'.repeat(33) }), /1 to 32 characters/],
    ['reserved name', rule({ RuleName: 'Default' }), /reserved/],
    ['missing members', { RuleName: 'partial', Priority: 5 } as SamplingRule, /missing required member\(s\): ResourceARN, FixedRate/],
  ])('rejects an invalid rule: %s', async (_label, bad, message) => {
    const err = await errorOf(xray.send(new CreateSamplingRuleCommand({ SamplingRule: bad })));
    expect(err).toMatchObject({ name: 'InvalidRequestException', status: 400 });
    expect(err.message).toMatch(message);
  });

  it('rejects a duplicate name', async () => {
    await xray.send(new CreateSamplingRuleCommand({ SamplingRule: rule({ RuleName: 'dup' }) }));
    const err = await errorOf(xray.send(new CreateSamplingRuleCommand({ SamplingRule: rule({ RuleName: 'dup' }) })));
    expect(err).toMatchObject({ name: 'InvalidRequestException', message: 'A sampling rule named dup already exists.' });
  });

  it("rejects the lab guide's version-2 local-rules document and says why", async () => {
    const labDocument = { version: 2, default: { fixed_target: 1, rate: 0.1 }, rules: [{ description: 'x', service_name: 'user-service', http_method: '*', url_path: '/api/users/*', fixed_target: 2, rate: 0.5 }] };
    // SDK v3 drops unknown members, so this arrives as {"SamplingRule":{}}, exactly as AWS would receive it.
    const err = await errorOf(xray.send(new CreateSamplingRuleCommand({ SamplingRule: labDocument as unknown as SamplingRule })));
    expect(err).toMatchObject({ name: 'InvalidRequestException', status: 400 });
    expect(err.message).toMatch(/local-rules document/);
  });

  it('lets only rate and reservoir of Default change, and never deletes it', async () => {
    const updated = await xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'Default', FixedRate: 0.1 } }));
    expect(updated.SamplingRuleRecord?.SamplingRule?.FixedRate).toBe(0.1);
    expect(await errorOf(xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'Default', URLPath: '/x' } })))).toMatchObject({ name: 'InvalidRequestException' });
    expect(await errorOf(xray.send(new DeleteSamplingRuleCommand({ RuleName: 'Default' })))).toMatchObject({ name: 'InvalidRequestException' });
    await xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'Default', FixedRate: 0.05 } }));
  });

  it('paginates and keeps regions apart', async () => {
    const eu = new XRayClient(clientConfig(cloud, 'eu-west-1'));
    for (let i = 0; i < 3; i++) await eu.send(new CreateSamplingRuleCommand({ SamplingRule: rule({ RuleName: `eu-${i}`, Priority: 10 + i }) }));
    const names: string[] = [];
    for await (const page of paginateGetSamplingRules({ client: eu }, {})) names.push(...page.SamplingRuleRecords!.map((r) => r.SamplingRule!.RuleName!));
    expect(names).toEqual(['eu-0', 'eu-1', 'eu-2', 'Default']);
    const us = await xray.send(new GetSamplingRulesCommand({}));
    expect(us.SamplingRuleRecords?.map((r) => r.SamplingRule?.RuleName)).not.toContain('eu-0');
  });
});
