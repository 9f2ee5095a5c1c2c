/**
 * X-Ray sampling rules: CreateSamplingRule, GetSamplingRules, UpdateSamplingRule, DeleteSamplingRule
 * and the tags on them, with the API's validation (https://docs.aws.amazon.com/xray/latest/api/API_SamplingRule.html).
 * Each region has its own rule set, always including the built-in `Default` rule (reservoir 1/s,
 * rate 5 %), which may only have its rate and reservoir changed and can never be deleted.
 */
import type { SamplingRule, SamplingRuleRecord, SamplingRuleUpdate, Tag } from '@aws-sdk/client-xray';
import { ServiceError } from '../../core/errors.js';
import { Collection } from '../../core/db.js';
import type { LocalCloudEnv } from '../../env.js';
import { DEFAULT_RULE } from '../../../shared/xray-sampling.js';

interface StoredRule {
  region: string;
  rule: SamplingRule;
  createdAt: number;
  modifiedAt: number;
  tags: Tag[];
}

const invalid = (message: string) => new ServiceError('InvalidRequestException', message, 400);
/** Rules per region, excluding Default; AWS's quota is commonly reported as 25. */
export const MAX_RULES = 25;
const REQUIRED: (keyof SamplingRule)[] = ['ResourceARN', 'Priority', 'FixedRate', 'ReservoirSize', 'ServiceName', 'ServiceType', 'Host', 'HTTPMethod', 'URLPath', 'Version'];
const STRING_LIMITS: [keyof SamplingRule, number][] = [['ResourceARN', 500], ['ServiceName', 64], ['ServiceType', 64], ['Host', 64], ['HTTPMethod', 10], ['URLPath', 128]];
const KNOWN = new Set<string>(['RuleName', 'RuleARN', 'Attributes', 'SamplingRateBoost', ...REQUIRED]);
const LOCAL_RULES_KEYS = new Set(['version', 'default', 'rules']);

function checkNumbers(r: Partial<SamplingRule>): void {
  if (r.Priority !== undefined && (!Number.isInteger(r.Priority) || r.Priority < 1 || r.Priority > 9999)) throw invalid(`Priority must be an integer from 1 to 9999, got ${JSON.stringify(r.Priority)}.`);
  if (r.FixedRate !== undefined && (typeof r.FixedRate !== 'number' || r.FixedRate < 0 || r.FixedRate > 1)) throw invalid(`FixedRate must be a number from 0 to 1 (a fraction, not a percentage), got ${JSON.stringify(r.FixedRate)}.`);
  if (r.ReservoirSize !== undefined && (!Number.isInteger(r.ReservoirSize) || r.ReservoirSize < 0)) throw invalid(`ReservoirSize must be a non-negative integer, got ${JSON.stringify(r.ReservoirSize)}.`);
  for (const [key, max] of STRING_LIMITS) {
    const v = r[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > max)) throw invalid(`${key} must be a string of at most ${max} characters.`);
  }
  if (r.Attributes !== undefined) {
    const entries = Object.entries(r.Attributes ?? {});
    if (entries.length > 5 || entries.some(([k, v]) => k.length < 1 || k.length > 32 || typeof v !== 'string' || v.length < 1 || v.length > 32)) {
      throw invalid('Attributes may have at most 5 entries, with keys and values of 1 to 32 characters.');
    }
  }
}

export function validateNewRule(raw: unknown): SamplingRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('SamplingRule is required and must be an object.');
  const r = raw as Record<string, unknown>;
  const keys = Object.keys(r);
  if (keys.some((k) => LOCAL_RULES_KEYS.has(k)) || keys.length === 0) {
    throw invalid(
      'SamplingRule has none of the API members (RuleName, ResourceARN, Priority, FixedRate, ReservoirSize, ServiceName, ServiceType, Host, HTTPMethod, URLPath, Version): ' +
        'a version-2 X-Ray SDK local-rules document ("version"/"default"/"rules") is not an API sampling rule; create one API rule per local rule instead.',
    );
  }
  const unknown = keys.filter((k) => !KNOWN.has(k));
  if (unknown.length) throw invalid(`Unknown member(s) in SamplingRule: ${unknown.join(', ')}.`);
  const missing = REQUIRED.filter((k) => r[k] === undefined || r[k] === null);
  if (missing.length) throw invalid(`SamplingRule is missing required member(s): ${missing.join(', ')}.`);
  const rule = r as unknown as SamplingRule;
  if (rule.Version !== 1) throw invalid(`Version must be 1 (the sampling-rule format version), got ${JSON.stringify(rule.Version)}.`);
  checkNumbers(rule);
  return rule;
}

function ruleNameFrom(name: unknown, arn: unknown): string {
  if (name !== undefined && arn !== undefined) throw invalid('Specify RuleName or RuleARN, not both.');
  if (typeof name === 'string') return name;
  if (typeof arn === 'string') {
    const m = /:sampling-rule\/(.+)$/.exec(arn);
    if (m) return m[1]!;
    throw invalid(`RuleARN ${arn} is not a sampling rule ARN.`);
  }
  throw invalid('RuleName or RuleARN is required.');
}

export class SamplingRules {
  private readonly rules: Collection<StoredRule>;

  constructor(private readonly env: LocalCloudEnv) {
    this.rules = new Collection<StoredRule>(env.db, 'xray.rules');
  }

  private arn(region: string, name: string): string {
    return `arn:aws:xray:${region}:${this.env.accountId}:sampling-rule/${name}`;
  }

  private ensureDefault(region: string): void {
    if (this.rules.has(`${region}/Default`)) return;
    this.rules.put(`${region}/Default`, {
      region,
      createdAt: 0,
      modifiedAt: 0,
      tags: [],
      rule: { ...DEFAULT_RULE, Attributes: {}, RuleARN: this.arn(region, 'Default') },
    });
  }

  private record(s: StoredRule): SamplingRuleRecord {
    return { SamplingRule: s.rule, CreatedAt: s.createdAt as unknown as Date, ModifiedAt: s.modifiedAt as unknown as Date };
  }

  private find(region: string, name: string): StoredRule {
    this.ensureDefault(region);
    const s = this.rules.get(`${region}/${name}`);
    if (!s) throw invalid(`Sampling rule ${name} does not exist.`);
    return s;
  }

  /** Rules of a region in evaluation order (priority, then name), Default last: what the sampler reads. */
  list(region: string): SamplingRule[] {
    this.ensureDefault(region);
    return this.rules
      .values()
      .filter((s) => s.region === region)
      .map((s) => s.rule)
      .sort((a, b) => (a.Priority! - b.Priority!) || (a.RuleName! < b.RuleName! ? -1 : a.RuleName! > b.RuleName! ? 1 : 0));
  }

  lastModification(region: string): number {
    return Math.max(0, ...this.rules.values().filter((s) => s.region === region).map((s) => s.modifiedAt));
  }

  create(region: string, raw: unknown, tags: unknown): SamplingRuleRecord {
    const rule = validateNewRule(raw);
    const name = ruleNameFrom(rule.RuleName, rule.RuleARN);
    if (name.length < 1 || name.length > 32) throw invalid('RuleName must be 1 to 32 characters long.');
    if (name === 'Default') throw invalid('The rule name Default is reserved for the built-in rule.');
    this.ensureDefault(region);
    if (this.rules.has(`${region}/${name}`)) throw invalid(`A sampling rule named ${name} already exists.`);
    const count = this.rules.values().filter((s) => s.region === region && s.rule.RuleName !== 'Default').length;
    if (count >= MAX_RULES) throw new ServiceError('RuleLimitExceededException', `You have reached the maximum of ${MAX_RULES} sampling rules.`, 400);
    const now = this.env.clock.now() / 1000;
    const stored: StoredRule = {
      region, createdAt: now, modifiedAt: now, tags: validateTags(tags),
      rule: { ...rule, RuleName: name, RuleARN: this.arn(region, name), Attributes: rule.Attributes ?? {} },
    };
    this.rules.put(`${region}/${name}`, stored);
    return this.record(stored);
  }

  page(region: string, nextToken: unknown): { SamplingRuleRecords: SamplingRuleRecord[]; NextToken?: string } {
    const all = this.list(region).map((r) => this.record(this.rules.get(`${region}/${r.RuleName}`)!));
    const start = typeof nextToken === 'string' && /^\d+$/.test(nextToken) ? Number(nextToken) : 0;
    const size = 100;
    const SamplingRuleRecords = all.slice(start, start + size);
    return start + size < all.length ? { SamplingRuleRecords, NextToken: String(start + size) } : { SamplingRuleRecords };
  }

  update(region: string, raw: unknown): SamplingRuleRecord {
    if (typeof raw !== 'object' || raw === null) throw invalid('SamplingRuleUpdate is required.');
    const u = raw as SamplingRuleUpdate & Record<string, unknown>;
    const stored = this.find(region, ruleNameFrom(u.RuleName, u.RuleARN));
    const changes = Object.fromEntries(Object.entries(u).filter(([k, v]) => k !== 'RuleName' && k !== 'RuleARN' && v !== undefined && v !== null));
    if ('Version' in changes) throw invalid('Version cannot be changed by UpdateSamplingRule.');
    checkNumbers(changes as Partial<SamplingRule>);
    if (stored.rule.RuleName === 'Default' && Object.keys(changes).some((k) => k !== 'FixedRate' && k !== 'ReservoirSize')) {
      throw invalid('Only FixedRate and ReservoirSize can be changed on the Default rule.');
    }
    const next: StoredRule = { ...stored, rule: { ...stored.rule, ...changes }, modifiedAt: this.env.clock.now() / 1000 };
    this.rules.put(`${region}/${stored.rule.RuleName}`, next);
    return this.record(next);
  }

  delete(region: string, name: unknown, arn: unknown): SamplingRuleRecord {
    const stored = this.find(region, ruleNameFrom(name, arn));
    if (stored.rule.RuleName === 'Default') throw invalid('The Default sampling rule cannot be deleted.');
    this.rules.delete(`${region}/${stored.rule.RuleName}`);
    return this.record(stored);
  }

  private byArn(arn: unknown): StoredRule {
    const s = typeof arn === 'string' ? this.rules.values().find((r) => r.rule.RuleARN === arn) : undefined;
    if (!s) throw new ServiceError('ResourceNotFoundException', `Resource ${String(arn)} not found.`, 404, { ResourceName: arn });
    return s;
  }

  tag(arn: unknown, tags: unknown): void {
    const s = this.byArn(arn);
    const merged = new Map(s.tags.map((t) => [t.Key!, t.Value!]));
    for (const t of validateTags(tags)) merged.set(t.Key!, t.Value!);
    if (merged.size > 50) throw new ServiceError('TooManyTagsException', 'A resource can have at most 50 tags.', 400, { ResourceName: arn });
    this.rules.put(`${s.region}/${s.rule.RuleName}`, { ...s, tags: [...merged].map(([Key, Value]) => ({ Key, Value })) });
  }

  untag(arn: unknown, keys: unknown): void {
    const s = this.byArn(arn);
    const drop = new Set(Array.isArray(keys) ? keys : []);
    this.rules.put(`${s.region}/${s.rule.RuleName}`, { ...s, tags: s.tags.filter((t) => !drop.has(t.Key)) });
  }

  tagsOf(arn: unknown): Tag[] {
    return this.byArn(arn).tags;
  }

  /** Every rule ARN with its tags, for the Resource Groups Tagging API. */
  allTagged(): { arn: string; tags: Tag[] }[] {
    return this.rules.values().filter((s) => s.rule.RuleName !== 'Default').map((s) => ({ arn: s.rule.RuleARN!, tags: s.tags }));
  }
}

function validateTags(raw: unknown): Tag[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('Tags must be a list of {Key, Value}.');
  if (raw.length > 200) throw new ServiceError('TooManyTagsException', 'At most 200 tags can be given at once.', 400);
  return raw.map((t: Tag) => {
    if (typeof t?.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) throw invalid('Each tag needs a Key of 1 to 128 characters.');
    if (typeof t.Value !== 'string' || t.Value.length > 256) throw invalid('Each tag needs a Value of at most 256 characters.');
    return { Key: t.Key, Value: t.Value };
  });
}
