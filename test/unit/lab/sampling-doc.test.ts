import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lab/errors.js';
import { GUIDE_SAMPLING_DOCUMENT } from '../../../src/lab/guide.js';
import { parseLocalSamplingDocument, parseLocalSamplingText, toApiSamplingRules } from '../../../src/lab/sampling-doc.js';

const guide = () => structuredClone(GUIDE_SAMPLING_DOCUMENT) as unknown as Record<string, unknown> & { rules: Record<string, unknown>[]; default: Record<string, unknown> };

function errorOf(raw: unknown): Error {
  try {
    parseLocalSamplingDocument(raw, 'rules.json');
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the document to be rejected');
}

describe('sampling document conversion', () => {
  it("turns the guide's document into one valid API rule", () => {
    const doc = parseLocalSamplingDocument(GUIDE_SAMPLING_DOCUMENT, 'guide');

    const rules = toApiSamplingRules(doc);

    expect(rules).toEqual([
      {
        RuleName: 'xray-lab-high-priority-service',
        ResourceARN: '*',
        Priority: 1000,
        FixedRate: 0.5,
        ReservoirSize: 2,
        ServiceName: '*',
        ServiceType: '*',
        Host: 'user-service',
        HTTPMethod: '*',
        URLPath: '/api/users/*',
        Version: 1,
        Attributes: {},
      },
    ]);
    expect(doc.default).toEqual({ fixed_target: 1, rate: 0.1 });
  });

  it('gives rules unique names of at most 32 characters and increasing priorities', () => {
    const rule = { description: 'A very long description that goes on and on', host: '*', http_method: 'GET', url_path: '*', fixed_target: 0, rate: 0.05 };
    const doc = parseLocalSamplingDocument({ version: 2, default: { fixed_target: 1, rate: 0.05 }, rules: [rule, rule, { ...rule, description: undefined }] }, 'x');

    const rules = toApiSamplingRules(doc);

    expect(new Set(rules.map((r) => r.RuleName)).size).toBe(3);
    for (const r of rules) expect(r.RuleName.length).toBeLessThanOrEqual(32);
    expect(rules.map((r) => r.Priority)).toEqual([1000, 1001, 1002]);
  });

  it('accepts version 1 with service_name as the host matcher', () => {
    const doc = parseLocalSamplingDocument(
      { version: 1, default: { fixed_target: 1, rate: 0.1 }, rules: [{ service_name: 'api.example.com', http_method: '*', url_path: '*', fixed_target: 1, rate: 0.2 }] },
      'v1',
    );

    expect(toApiSamplingRules(doc)[0].Host).toBe('api.example.com');
  });

  it('rejects malformed JSON, naming the file', () => {
    expect(() => parseLocalSamplingText('{"version": 2,', 'bad.json')).toThrow(/bad\.json.*not valid JSON/);
  });

  it.each([
    ['an unknown top-level key', (d: ReturnType<typeof guide>) => (d.Version = 1), 'Version'],
    ['an unknown rule key', (d: ReturnType<typeof guide>) => (d.rules[0].priority = 1), 'rules[0].priority'],
    ['an unknown default key', (d: ReturnType<typeof guide>) => (d.default.host = '*'), 'default.host'],
    ['version 3', (d: ReturnType<typeof guide>) => (d.version = 3), 'version'],
    ['a string rate', (d: ReturnType<typeof guide>) => (d.rules[0].rate = '0.5'), 'rules[0].rate'],
    ['a rate above 1', (d: ReturnType<typeof guide>) => (d.rules[0].rate = 50), 'rules[0].rate'],
    ['a negative default rate', (d: ReturnType<typeof guide>) => (d.default.rate = -0.1), 'default.rate'],
    ['a fractional fixed_target', (d: ReturnType<typeof guide>) => (d.rules[0].fixed_target = 1.5), 'rules[0].fixed_target'],
    ['a numeric url_path', (d: ReturnType<typeof guide>) => (d.rules[0].url_path = 7), 'rules[0].url_path'],
    ['a missing http_method', (d: ReturnType<typeof guide>) => delete d.rules[0].http_method, 'rules[0].http_method'],
    ['a missing default', (d: ReturnType<typeof guide>) => delete (d as Record<string, unknown>).default, 'default'],
    ['rules that is not an array', (d: ReturnType<typeof guide>) => ((d as Record<string, unknown>).rules = {}), 'rules'],
    ['both host and service_name', (d: ReturnType<typeof guide>) => (d.rules[0].host = '*'), 'rules[0].service_name'],
  ])('rejects %s, naming the field', (_what, mutate, field) => {
    const doc = guide();
    mutate(doc);

    const err = errorOf(doc);

    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`rules.json: ${field} `);
  });

  it('rejects a document that is not an object', () => {
    expect(errorOf([1, 2]).message).toMatch(/must be a JSON object/);
  });
});
