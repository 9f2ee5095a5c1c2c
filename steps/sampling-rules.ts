/**
 * Step 1: sampling rules. The guide feeds an SDK local-rules document to create-sampling-rule, which
 * cannot work: the API takes one SamplingRule per call, with PascalCase fields (https://docs.aws.amazon.com/xray/latest/api/API_CreateSamplingRule.html). We convert each local rule into an API rule, add one rule that
 * matches the lab's traffic where it is actually sampled (the API Gateway stage), and leave the
 * account's Default rule alone.
 */
import { readFile } from 'node:fs/promises';
import type { SamplingRule } from '@aws-sdk/client-xray';
import { UserError } from '../src/lab/errors.js';
import { newRecord, type LabContext, type LabStep, type StepOutcome } from '../src/lab/context.js';
import { API_NAME, GUIDE_SAMPLING_DOCUMENT, RUN_TAG_KEY, STAGE_NAME } from '../src/lab/guide.js';
import {
  FIRST_PRIORITY,
  parseLocalSamplingDocument,
  parseLocalSamplingText,
  toApiSamplingRules,
  type ApiSamplingRule,
  type LocalSamplingDocument,
} from '../src/lab/sampling-doc.js';
import { wildcardMatch } from '../src/shared/xray-sampling.js';
import { RESOURCE_TYPES } from '../src/lab/resource-types.js';
import { deleteResource } from '../src/lab/delete.js';
import { listSamplingRules } from '../src/lab/sampling-rules-list.js';
import { tagsOrNothing, unrecordedResourceError } from '../src/lab/unrecorded.js';

export const SAMPLING_STEP_ID = 'sampling-rules';
const RULE_TYPE = RESOURCE_TYPES.samplingRule;

/** The guide's intent (2 requests/s, then half of the rest) applied where the lab's requests enter. */
export function stageRule(priority: number): ApiSamplingRule {
  return {
    RuleName: `xray-lab-${API_NAME}-${STAGE_NAME}`,
    ResourceARN: '*',
    Priority: priority,
    FixedRate: 0.5,
    ReservoirSize: 2,
    // API Gateway names its segments "api-name/stage"; the leading * also covers a path that keeps the stage.
    ServiceName: `${API_NAME}/${STAGE_NAME}`,
    ServiceType: '*',
    Host: '*',
    HTTPMethod: '*',
    URLPath: '*/users/*',
    Version: 1,
    Attributes: {},
  };
}

/** Requests this lab really sends, as the sampler at API Gateway sees them. */
function labRequests(region: string): { host: string; path: string }[] {
  const host = `abcdef1234.execute-api.${region}.amazonaws.com`;
  return ['/prod/users/user123', '/users/user123', '/prod/users/nonexistent'].flatMap((path) => [
    { host, path },
    { host: '127.0.0.1', path },
  ]);
}

export function unmatchableRules(rules: ApiSamplingRule[], region: string): ApiSamplingRule[] {
  const reqs = labRequests(region);
  return rules.filter((r) => !reqs.some((q) => wildcardMatch(r.Host, q.host) && wildcardMatch(r.URLPath, q.path)));
}

async function loadDocument(file: string | undefined): Promise<{ doc: LocalSamplingDocument; source: string }> {
  if (file === undefined) return { doc: parseLocalSamplingDocument(GUIDE_SAMPLING_DOCUMENT, "the guide's document"), source: "the guide's document" };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`Cannot read the sampling document ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  return { doc: parseLocalSamplingText(text, file), source: file };
}

async function existingRules(ctx: LabContext): Promise<Map<string, SamplingRule>> {
  const found = new Map<string, SamplingRule>();
  for (const rec of await listSamplingRules(await ctx.clients.xray(), ctx.signal)) {
    if (rec.SamplingRule?.RuleName) found.set(rec.SamplingRule.RuleName, rec.SamplingRule);
  }
  return found;
}

async function run(ctx: LabContext): Promise<StepOutcome> {
  const { doc, source } = await loadDocument(ctx.config.samplingRulesFile);
  const fromDoc = toApiSamplingRules(doc);
  const wanted = [...fromDoc, stageRule(FIRST_PRIORITY + fromDoc.length)];
  const existing = await existingRules(ctx);

  // Refuse before creating anything if a name is taken by a rule xray-lab did not record.
  const foreign = wanted.filter((r) => existing.has(r.RuleName) && !ctx.state.find(SAMPLING_STEP_ID, RULE_TYPE, r.RuleName));
  if (foreign.length > 0) {
    // Rules of an earlier run carry its tag: read it from the first one (they are made together).
    const { ListTagsForResourceCommand } = await import('@aws-sdk/client-xray');
    const xray = await ctx.clients.xray();
    const arn = existing.get(foreign[0]!.RuleName)?.RuleARN;
    const tags = arn ? await tagsOrNothing(async () => (await xray.send(new ListTagsForResourceCommand({ ResourceARN: arn }), { abortSignal: ctx.signal })).Tags) : undefined;
    throw unrecordedResourceError(ctx, `Sampling rule ${foreign.map((r) => r.RuleName).join(', ')}`, tags, 'Delete or rename it, then run this step again.');
  }

  const { CreateSamplingRuleCommand } = await import('@aws-sdk/client-xray');
  const xray = await ctx.clients.xray();
  const created: string[] = [];
  const adopted: string[] = [];
  for (const rule of wanted) {
    if (existing.has(rule.RuleName)) {
      adopted.push(rule.RuleName);
      continue;
    }
    const base = { step: SAMPLING_STEP_ID, type: RULE_TYPE, id: rule.RuleName, name: rule.RuleName };
    // The name is deterministic: record the intent first so a crash mid-call leaves nothing unknown.
    await ctx.state.record(newRecord(ctx, { ...base, status: 'creating' }));
    const task = ctx.io.task(`Creating sampling rule ${rule.RuleName}`);
    const out = await xray.send(
      new CreateSamplingRuleCommand({ SamplingRule: rule, Tags: [{ Key: RUN_TAG_KEY, Value: ctx.runId }] }),
      { abortSignal: ctx.signal },
    );
    const arn = out.SamplingRuleRecord?.SamplingRule?.RuleARN;
    await ctx.state.record(newRecord(ctx, { ...base, ...(arn ? { arn } : {}), extra: { priority: rule.Priority } }));
    task.succeed(`Created sampling rule ${rule.RuleName} (priority ${rule.Priority}, ${rule.ReservoirSize}/s then ${pct(rule.FixedRate)})`);
    created.push(rule.RuleName);
  }

  const notes = explain(fromDoc, doc, ctx.region);
  return {
    summary: `Sampling rules from ${source}: ${created.length} created, ${adopted.length} already present.`,
    details: { source, created, adopted, rules: wanted, defaultRule: { changed: false, documentDefault: doc.default } },
    notes,
  };
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function explain(fromDoc: ApiSamplingRule[], doc: LocalSamplingDocument, region: string): string[] {
  const notes = [
    'The sampling document is the X-Ray SDK local-rules format, not the API format: each of its rules became one API rule (fixed_target → ReservoirSize, rate → FixedRate, position → Priority).',
  ];
  for (const r of unmatchableRules(fromDoc, region)) {
    notes.push(
      `Rule ${r.RuleName} (host "${r.Host}", path "${r.URLPath}") cannot match any request of this lab: requests reach API Gateway with the execute-api host name and a path like /prod/users/user123, and "service_name" is the Host matcher of a version 1 local document, not a service name (a version 2 document must say "host"; the X-Ray SDKs reject service_name there). Inside Lambda the SDK never samples, so the rule has no effect there either.`,
    );
  }
  notes.push(
    `Rule xray-lab-${API_NAME}-${STAGE_NAME} carries the document's intent (2 requests per second, then 50%) to the API Gateway stage ${API_NAME}/${STAGE_NAME}, where this lab's requests are sampled.`,
    `The document's default (${doc.default.fixed_target}/s then ${pct(doc.default.rate)}) was not applied: a local default only governs the SDK that loads the document, and copying it to the account's Default rule (UpdateSamplingRule) would change sampling for everything in the account, so xray-lab leaves Default unchanged.`,
  );
  return notes;
}


export const samplingRulesStep: LabStep = {
  id: SAMPLING_STEP_ID,
  number: 1,
  title: 'Sampling rules',
  requires: [],
  run,
  teardown: deleteResource,
};
