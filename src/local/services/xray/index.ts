/**
 * X-Ray (restJson1, 2016-04-12): every operation is a POST to a fixed path with a JSON body
 * (https://docs.aws.amazon.com/xray/latest/api/API_Operations.html). Sampling rules and tags live in rules.ts; trace ingest, queries, the service
 * graph and sampling statistics are the trace engine's (src/local/xray), mounted through `engine`.
 * Groups, encryption config, insights and Transaction Search are left out and answer NotImplemented.
 */
import type { LocalService } from '../../core/types.js';
import type { LocalCloudEnv } from '../../env.js';
import { restJsonService, type RestRoute } from '../../protocols/rest-json.js';
import { SamplingRules } from './rules.js';

/** The trace engine's operations, keyed by X-Ray path (e.g. `/TraceSummaries`) → handler of the JSON input. */
export type XrayEngineRoutes = Record<string, { operation: string; handler: RestRoute['handler'] }>;

export function createXrayService(env: LocalCloudEnv, rules: SamplingRules, engine: XrayEngineRoutes = {}): LocalService {
  const post = (path: string, operation: string, handler: RestRoute['handler']): RestRoute => ({ method: 'POST', path, operation, handler });
  const routes: RestRoute[] = [
    post('/CreateSamplingRule', 'CreateSamplingRule', (req, ctx) => {
      const input = req.json();
      return { SamplingRuleRecord: rules.create(ctx.region, input.SamplingRule, input.Tags) };
    }),
    post('/GetSamplingRules', 'GetSamplingRules', (req, ctx) => rules.page(ctx.region, req.json().NextToken)),
    post('/UpdateSamplingRule', 'UpdateSamplingRule', (req, ctx) => ({ SamplingRuleRecord: rules.update(ctx.region, req.json().SamplingRuleUpdate) })),
    post('/DeleteSamplingRule', 'DeleteSamplingRule', (req, ctx) => {
      const input = req.json();
      return { SamplingRuleRecord: rules.delete(ctx.region, input.RuleName, input.RuleARN) };
    }),
    post('/TagResource', 'TagResource', (req) => {
      const input = req.json();
      rules.tag(input.ResourceARN, input.Tags);
      return {};
    }),
    post('/UntagResource', 'UntagResource', (req) => {
      const input = req.json();
      rules.untag(input.ResourceARN, input.TagKeys);
      return {};
    }),
    post('/ListTagsForResource', 'ListTagsForResource', (req) => ({ Tags: rules.tagsOf(req.json().ResourceARN) })),
    ...Object.entries(engine).map(([path, { operation, handler }]) => post(path, operation, handler)),
  ];
  return restJsonService({
    name: 'xray',
    title: 'X-Ray',
    routes,
    messageKey: 'Message',
    unimplemented: {
      '/CreateGroup': 'CreateGroup', '/GetGroup': 'GetGroup', '/Groups': 'GetGroups', '/UpdateGroup': 'UpdateGroup', '/DeleteGroup': 'DeleteGroup',
      '/EncryptionConfig': 'GetEncryptionConfig', '/PutEncryptionConfig': 'PutEncryptionConfig', '/TimeSeriesServiceStatistics': 'GetTimeSeriesServiceStatistics',
      '/Insight': 'GetInsight', '/InsightSummaries': 'GetInsightSummaries',
    },
  });
}
