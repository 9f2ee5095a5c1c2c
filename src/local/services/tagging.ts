/**
 * Resource Groups Tagging API (awsJson1_1, `ResourceGroupsTaggingAPI_20170126`): GetResources only —
 * what `xray-lab teardown --discover` needs to find tagged lab resources across services.
 * https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html
 * Copies: TagFilters (AND across keys, OR across a key's values, any value when Values is empty),
 * ResourceTypeFilters (`service` or `service:type`), ResourcesPerPage 1–100, an opaque
 * PaginationToken and an empty-string token on the last page, untagged resources left out,
 * InvalidParameterException (400) for bad input.
 * Left out on purpose: TagKeys/TagValues listing, compliance details, tag policies, Tag/UntagResources
 * (each service's own tagging operations serve that); these answer NotImplemented.
 */
import { ServiceError } from '../core/errors.js';
import type { LocalService, RequestContext } from '../core/types.js';
import { awsJsonService } from '../protocols/aws-json.js';

export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

/** One kind of resource (`lambda:function`…) and how to list it with its tags in a region. */
export interface TagSource {
  type: string;
  list(region: string): TaggedResource[] | Promise<TaggedResource[]>;
}

const invalid = (message: string) => new ServiceError('InvalidParameterException', message, 400);

interface TagFilter {
  Key: string;
  Values: string[];
}

function readFilters(raw: unknown): TagFilter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('TagFilters must be a list of {Key, Values}.');
  if (raw.length > 50) throw invalid('TagFilters may contain at most 50 filters.');
  return raw.map((f: unknown, i) => {
    const key = (f as { Key?: unknown } | null)?.Key;
    const values = (f as { Values?: unknown } | null)?.Values ?? [];
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw invalid(`TagFilters[${i}].Key must be a string of 1 to 128 characters.`);
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string') || values.length > 20) {
      throw invalid(`TagFilters[${i}].Values must be a list of at most 20 strings.`);
    }
    return { Key: key, Values: values as string[] };
  });
}

function readTypeFilters(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string' || !/^[a-z0-9-]+(:[a-zA-Z0-9/_-]+)?$/.test(t))) {
    throw invalid('ResourceTypeFilters must be a list of "service" or "service:resourceType" strings, e.g. "lambda:function".');
  }
  if (raw.length > 100) throw invalid('ResourceTypeFilters may contain at most 100 entries.');
  return raw as string[];
}

function readPageSize(raw: unknown): number {
  if (raw === undefined || raw === null) return 50;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 100) throw invalid('ResourcesPerPage must be an integer from 1 to 100.');
  return raw;
}

/** The token is the ARN to resume after, base64url-encoded: stable while resources come and go. */
function readToken(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid('PaginationToken is not a token this API returned.');
  return Buffer.from(raw, 'base64url').toString('utf8');
}

const typeMatches = (type: string, filters: string[]): boolean =>
  filters.length === 0 || filters.some((f) => f === type || (!f.includes(':') && type.startsWith(`${f}:`)));

const tagsMatch = (tags: Record<string, string>, filters: TagFilter[]): boolean =>
  filters.every((f) => f.Key in tags && (f.Values.length === 0 || f.Values.includes(tags[f.Key]!)));

export function createTaggingService(sources: readonly TagSource[]): LocalService {
  async function getResources(input: Record<string, unknown>, ctx: RequestContext) {
    const filters = readFilters(input.TagFilters);
    const types = readTypeFilters(input.ResourceTypeFilters);
    const size = readPageSize(input.ResourcesPerPage);
    const after = readToken(input.PaginationToken);
    if (input.ResourceARNList !== undefined) throw invalid('ResourceARNList is not supported by the xray-lab local cloud; use TagFilters and ResourceTypeFilters.');
    const found: TaggedResource[] = [];
    for (const source of sources) {
      if (!typeMatches(source.type, types)) continue;
      for (const r of await source.list(ctx.region)) {
        // Like AWS, a resource without tags is not part of the tagging API's world.
        if (Object.keys(r.tags).length > 0 && tagsMatch(r.tags, filters)) found.push(r);
      }
    }
    found.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
    const start = after === undefined ? 0 : found.findIndex((r) => r.arn > after);
    const page = start < 0 ? [] : found.slice(start, start + size);
    const more = start >= 0 && start + size < found.length;
    return {
      ResourceTagMappingList: page.map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) })),
      PaginationToken: more ? Buffer.from(page[page.length - 1]!.arn).toString('base64url') : '',
    };
  }
  return awsJsonService({
    name: 'tagging',
    title: 'Resource Groups Tagging API',
    targetPrefix: 'ResourceGroupsTaggingAPI_20170126',
    contentType: 'application/x-amz-json-1.1',
    operations: { GetResources: getResources },
  });
}

/** Tags as a map, whatever list or map shape a service stores them in. */
export function tagMapOf(tags: { Key?: string; Value?: string }[] | Record<string, string> | undefined): Record<string, string> {
  if (!tags) return {};
  if (!Array.isArray(tags)) return { ...tags };
  return Object.fromEntries(tags.filter((t) => typeof t.Key === 'string').map((t) => [t.Key!, t.Value ?? '']));
}
