/**
 * The walkthrough's claims about the X-Ray SDK's local sampling rules (issue 20, items 3 and 4), checked
 * against the real Node SDK in the tree (aws-xray-sdk-core) rather than taken on trust.
 */
import { GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import AWSXRay from 'aws-xray-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_SAMPLING_DOCUMENT } from '../../../src/lab/guide.js';
import type { LocalCloud } from '../../../src/local/server.js';
import { clientConfig, withLocalCloud } from '../../support/local-cloud.js';

interface LocalRule { service_name?: string; host?: string; http_method: string; url_path: string; fixed_target: number; rate: number }
const document = (version: number, rule: LocalRule, def = { fixed_target: 1, rate: 0.1 }) => ({ version, default: def, rules: [rule] });
const guideRule: LocalRule = { service_name: 'user-service', http_method: '*', url_path: '/api/users/*', fixed_target: 2, rate: 0.5 };

// Local rules only, as inside Lambda: no rule or quota is ever fetched from X-Ray.
AWSXRay.middleware.disableCentralizedSampling();
type SampleRequest = { host?: string; httpMethod?: string; urlPath?: string };
const sampler = (): { shouldSample(r: SampleRequest): boolean } =>
  (AWSXRay.middleware as unknown as { sampler: { shouldSample(r: SampleRequest): boolean } }).sampler;
/** The SDK's typings describe only valid documents; these tests feed it invalid ones on purpose. */
const load = (doc: unknown): void => AWSXRay.middleware.setSamplingRules(doc as Parameters<typeof AWSXRay.middleware.setSamplingRules>[0]);

describe('the Node X-Ray SDK and local sampling rules', () => {
  it("rejects the guide's own document: service_name is not a key of a version 2 rule", () => {
    expect(() => load(structuredClone(GUIDE_SAMPLING_DOCUMENT))).toThrow(/invalid attribute: service_name/);
  });

  it('rejects service_name in any version 2 rule, and accepts host there', () => {
    expect(() => load(document(2, guideRule))).toThrow(/invalid attribute: service_name/);
    const { service_name: name, ...rest } = guideRule;
    expect(() => load(document(2, { ...rest, host: name! }))).not.toThrow();
  });

  it('accepts service_name in a version 1 rule, where it is the Host matcher', () => {
    load(document(1, { ...guideRule, fixed_target: 0, rate: 1 }, { fixed_target: 0, rate: 0 }));

    expect(sampler().shouldSample({ host: 'user-service', httpMethod: 'GET', urlPath: '/api/users/1' })).toBe(true);
    // Same path, another Host header: the rule does not match and the document's default (never) applies.
    expect(sampler().shouldSample({ host: 'abc123.execute-api.us-east-1.amazonaws.com', httpMethod: 'GET', urlPath: '/api/users/1' })).toBe(false);
  });

  describe("a local document's default stays inside the SDK that loads it", () => {
    let cloud: LocalCloud;
    beforeAll(async () => {
      cloud = await withLocalCloud();
    });
    afterAll(async () => {
      await cloud.close();
    });

    it("governs that SDK's decisions and leaves the account's Default rule as it was", async () => {
      const xray = new XRayClient(clientConfig(cloud));
      const defaultRule = async () =>
        (await xray.send(new GetSamplingRulesCommand({}))).SamplingRuleRecords?.find((r) => r.SamplingRule?.RuleName === 'Default')?.SamplingRule;
      const before = await defaultRule();

      load(document(2, { host: 'nothing.example', http_method: '*', url_path: '/x', fixed_target: 0, rate: 0 }, { fixed_target: 0, rate: 0 }));
      const decisions = Array.from({ length: 50 }, () => sampler().shouldSample({ host: 'user-service', httpMethod: 'GET', urlPath: '/api/users/1' }));

      expect(decisions.every((d) => d === false)).toBe(true);
      expect(before).toMatchObject({ ReservoirSize: 1, FixedRate: 0.05 });
      expect(await defaultRule()).toEqual(before);
    });
  });
});
