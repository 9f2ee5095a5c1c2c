/** Step 1's lesson: sampling rules, reservoirs, and why the guide's document cannot be used as is. */
import type { LabContext } from '../../../lab/context.js';
import { LabError } from '../../../lab/errors.js';
import { API_NAME, GUIDE_SAMPLING_DOCUMENT, STAGE_NAME } from '../../../lab/guide.js';
import { FIRST_PRIORITY, parseLocalSamplingDocument, toApiSamplingRules, type ApiSamplingRule } from '../../../lab/sampling-doc.js';
import { SAMPLING_STEP_ID, stageRule } from '../../../../steps/sampling-rules.js';
import type { AwsCommand } from '../commands.js';
import type { StepLesson } from '../lesson.js';
import { listSamplingRules } from '../../../lab/sampling-rules-list.js';
import { SOURCES } from '../sources.js';

/** The API rules step 1 creates from the guide's document, in creation order. */
export function guideApiRules(): ApiSamplingRule[] {
  const fromDoc = toApiSamplingRules(parseLocalSamplingDocument(GUIDE_SAMPLING_DOCUMENT, "the guide's document"));
  return [...fromDoc, stageRule(FIRST_PRIORITY + fromDoc.length)];
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

async function verify(ctx: LabContext): Promise<string[]> {
  const found = new Map<string, { Priority?: number; ReservoirSize?: number; FixedRate?: number; ServiceName?: string }>();
  for (const r of await listSamplingRules(await ctx.clients.xray(), ctx.signal)) if (r.SamplingRule?.RuleName) found.set(r.SamplingRule.RuleName, r.SamplingRule);
  const wanted = ctx.state.resources().filter((r) => r.step === SAMPLING_STEP_ID).map((r) => r.id);
  const missing = wanted.filter((n) => !found.has(n));
  if (wanted.length === 0 || missing.length > 0) {
    throw new LabError(`GetSamplingRules does not list ${missing.length ? missing.join(', ') : 'any rule recorded by step 1'}.`);
  }
  return wanted.map((n) => {
    const r = found.get(n)!;
    return `GetSamplingRules lists ${n}: priority ${r.Priority}, ${r.ReservoirSize}/s then ${pct(r.FixedRate ?? 0)}, service "${r.ServiceName}"`;
  });
}

export const samplingRulesLesson: StepLesson = {
  teaches: [
    'X-Ray does not record every request. Where a request enters your system, a sampling rule decides whether its trace is kept; every service further down follows that decision, so a trace is never half recorded.',
    'A rule has a reservoir (ReservoirSize: this many matching requests per second are always traced, a budget shared by all instances) and a fixed rate (FixedRate: the fraction of the remaining requests that is traced). Rules are tried by Priority, lowest number first; the built-in Default rule (1 per second, then 5%) catches the rest.',
  ],
  takeaway: 'Sampling is decided once, at the entry point, by the first matching rule: a reservoir per second, then a fixed rate.',
  details: [
    "The lab guide's sampling-rule.json is the X-Ray SDK's local-rules format: lower-case keys, a list of rules and a default. The API takes one SamplingRule per call, with PascalCase fields and Version 1. xray-lab converts each rule: fixed_target becomes ReservoirSize, rate becomes FixedRate, the position in the list becomes Priority.",
    `service_name was the Host matcher of version 1 of that format. The guide's document declares version 2, where the key is host, and both the Node and the Python X-Ray SDK reject a version 2 rule with service_name. xray-lab reads it as the host the guide meant: host "user-service" and path /api/users/*. This lab's requests reach API Gateway with an execute-api host and paths like /prod/users/user123, so that rule never matches. xray-lab creates it anyway, so you can compare, plus a rule for the stage service ${API_NAME}/${STAGE_NAME} that carries the guide's intent (2 per second, then 50%).`,
    'Sampling is decided at the entry point, here the API Gateway stage. Lambda follows the decision it receives, and the X-Ray SDK inside the function never samples by itself.',
    "A local document's default applies only inside the SDK instance that loads it. It changes the account's Default rule only if someone turns it into an UpdateSamplingRule call; Default is shared by every traced service in the account, so xray-lab does not.",
  ],
  commands: () =>
    guideApiRules().map((rule): AwsCommand => ({ args: ['xray', 'create-sampling-rule', '--sampling-rule', JSON.stringify(rule)] })),
  sources: [
    { about: 'Reservoir, fixed rate, priority and the Default rule', url: SOURCES.consoleSampling },
    { about: 'Local rules: service_name is the version 1 key, host the version 2 key (Node SDK)', url: SOURCES.nodeLocalSampler },
    { about: 'The same rule in the Python SDK', url: SOURCES.pythonLocalRule },
    { about: 'Local sampling rules apply to the SDK that loads them', url: SOURCES.nodeSdkSampling },
    { about: 'Changing the Default rule takes an UpdateSamplingRule call', url: SOURCES.cliUpdateSamplingRule },
  ],
  corrections: [
    {
      guide: 'passes sampling-rule.json (the SDK local-rules format) to create-sampling-rule',
      why: 'the AWS CLI refuses it before sending anything (exit 252: ResourceARN, Priority, … missing); the API wants one PascalCase rule per call, as above',
      source: SOURCES.cliCreateSamplingRule,
    },
    {
      guide: 'writes its rule with service_name "user-service" in a version 2 document',
      why: 'service_name was the Host matcher of version 1; in version 2 the key is host and the Node and Python SDKs reject service_name. Read as a host it never matches this lab (the paths are /prod/users/… too); the stage rule above is the one that samples',
      source: SOURCES.nodeLocalSampler,
    },
  ],
  verify,
  checkCommands: () => [
    {
      args: [
        'xray',
        'get-sampling-rules',
        '--query',
        'SamplingRuleRecords[].SamplingRule.[RuleName,Priority,ReservoirSize,FixedRate,ServiceName,Host,URLPath]',
        '--output',
        'table',
      ],
    },
  ],
};
