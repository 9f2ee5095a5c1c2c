/** Step 4's lesson: the REST API in front of the function, stage tracing, and who makes the sampling decision. */
import type { LabContext } from '../../../lab/context.js';
import { LabError } from '../../../lab/errors.js';
import { API_NAME, FUNCTION_NAME, SAMPLE_ITEM, STAGE_NAME } from '../../../lab/guide.js';
import { STATEMENT_ID } from '../../../lab/invoke-permission.js';
import { API_STEP_ID, API_TYPE, invokeUrl } from '../../../../steps/user-api.js';
import type { GuideCommand } from '../commands.js';
import type { StepLesson } from '../lesson.js';
import { SOURCES } from '../sources.js';
import { functionRef } from './user-function.js';

/** The recorded API: its id and invoke URL, once step 4 ran. */
export function recordedApi(ctx: LabContext): { id: string; url: string } | undefined {
  const r = ctx.state.find(API_STEP_ID, API_TYPE);
  if (!r) return undefined;
  return { id: r.id, url: typeof r.extra?.invokeUrl === 'string' ? r.extra.invokeUrl : invokeUrl(ctx, r.id) };
}

/** A GET of one user that prints the body and then the HTTP status on its own line. */
export function curlUser(url: string, user: string): GuideCommand {
  return { shell: `curl -s -w '\\nHTTP %{http_code}\\n' "${url}/users/${user}"` };
}

function commands(ctx: LabContext): GuideCommand[] {
  const fnArn = functionRef(ctx).startsWith('arn:') ? functionRef(ctx) : `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${FUNCTION_NAME}`;
  const partition = fnArn.split(':')[1];
  const api = ['--rest-api-id', '$API_ID'];
  return [
    { args: ['apigateway', 'create-rest-api', '--name', API_NAME, '--endpoint-configuration', 'types=REGIONAL', '--query', 'id', '--output', 'text'], assignTo: 'API_ID' },
    { args: ['apigateway', 'get-resources', ...api, '--query', 'items[?path==`/`].id', '--output', 'text'], assignTo: 'ROOT_ID' },
    { args: ['apigateway', 'create-resource', ...api, '--parent-id', '$ROOT_ID', '--path-part', 'users', '--query', 'id', '--output', 'text'], assignTo: 'USERS_ID' },
    { args: ['apigateway', 'create-resource', ...api, '--parent-id', '$USERS_ID', '--path-part', '{userId}', '--query', 'id', '--output', 'text'], assignTo: 'USER_ID' },
    { args: ['apigateway', 'put-method', ...api, '--resource-id', '$USER_ID', '--http-method', 'GET', '--authorization-type', 'NONE'] },
    {
      args: [
        'apigateway', 'put-integration', ...api, '--resource-id', '$USER_ID', '--http-method', 'GET', '--type', 'AWS_PROXY',
        '--integration-http-method', 'POST', '--uri', `arn:${partition}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
      ],
    },
    {
      args: [
        'lambda', 'add-permission', '--function-name', FUNCTION_NAME, '--statement-id', STATEMENT_ID, '--action', 'lambda:InvokeFunction',
        '--principal', 'apigateway.amazonaws.com', '--source-arn', `arn:${partition}:execute-api:${ctx.region}:${ctx.accountId}:$API_ID/*/GET/users/*`,
        '--source-account', ctx.accountId,
      ],
    },
    { args: ['apigateway', 'create-deployment', ...api, '--stage-name', STAGE_NAME] },
    { args: ['apigateway', 'update-stage', ...api, '--stage-name', STAGE_NAME, '--patch-operations', 'op=replace,path=/tracingEnabled,value=true'] },
    curlUser(invokeUrl(ctx, '$API_ID'), SAMPLE_ITEM.userId),
  ];
}

async function verify(ctx: LabContext): Promise<string[]> {
  const api = recordedApi(ctx);
  if (!api) throw new LabError('No REST API is recorded for step 4.');
  const { GetStageCommand } = await import('@aws-sdk/client-api-gateway');
  const stage = await (await ctx.clients.apiGateway()).send(new GetStageCommand({ restApiId: api.id, stageName: STAGE_NAME }), { abortSignal: ctx.signal });
  if (stage.tracingEnabled !== true) throw new LabError(`Stage ${STAGE_NAME} of ${api.id} has X-Ray tracing off.`);
  const res = await fetch(`${api.url}/users/${SAMPLE_ITEM.userId}`, { signal: ctx.signal });
  const body = await res.text();
  if (res.status !== 200 || !body.includes(SAMPLE_ITEM.name)) {
    throw new LabError(`GET ${api.url}/users/${SAMPLE_ITEM.userId} answered ${res.status}: ${body.slice(0, 200)}`);
  }
  return [
    `GetStage: ${API_NAME}/${STAGE_NAME} (${api.id}) has tracing enabled, deployment ${stage.deploymentId}`,
    `GET ${api.url}/users/${SAMPLE_ITEM.userId}: 200, ${SAMPLE_ITEM.name}`,
  ];
}

export const userApiLesson: StepLesson = {
  teaches: [
    `Turning tracing on for the stage makes API Gateway the entry point of every trace: for each request it applies the sampling rules (here the ${API_NAME}/${STAGE_NAME} rule from step 1), records its own segment when the answer is yes, and passes the decision on.`,
    'The decision travels in the X-Amzn-Trace-Id header: Root is the trace id, Parent the id of the caller\'s segment or subsegment, Sampled=1 or 0. Lambda reads it, records its segments under the same Root and hands the header to your code; every downstream call forwards it. That is how segments from different services join into one trace.',
  ],
  takeaway: 'With stage tracing the API Gateway stage samples each request and passes the decision on in the X-Amzn-Trace-Id header.',
  details: [
    'The resource /users/{userId} has a GET method with a Lambda proxy integration (AWS_PROXY): API Gateway hands the whole request to the function as an event and returns what the function answers. The integration itself always calls Lambda with POST.',
    `API Gateway may call ${FUNCTION_NAME} only because of the resource-based permission added to the function. Its source ARN allows this API's GET /users/* on any stage, nothing else.`,
    'Changes to an API do nothing until deployed: create-deployment takes a snapshot and puts it on the prod stage. Tracing is a stage setting, so it is switched on after the stage exists.',
    'In a trace you will see the stage segment (name user-api/prod) with a Lambda subsegment for the call; its id is the Parent of the AWS::Lambda segment that Lambda records. Your code then receives a header whose Parent is the function\'s own segment (AWS::Lambda::Function), which the SDK holds as its facade.',
  ],
  commands,
  sources: [
    { about: 'The sampling decision travels in the X-Amzn-Trace-Id header', url: SOURCES.concepts },
    { about: 'API Gateway stage tracing applies the sampling rules and records the stage segment', url: SOURCES.apiGatewayTracing },
    { about: 'Lambda records its segments under the trace it receives', url: SOURCES.lambdaTracing },
    { about: 'The stage setting is changed with update-stage --patch-operations', url: SOURCES.cliUpdateStage },
  ],
  corrections: [
    {
      guide: 'runs `update-stage --patch-ops`',
      why: 'AWS CLI v2 has no such option and stops before calling anything; it is --patch-operations',
      source: SOURCES.cliUpdateStage,
    },
    {
      guide: 'grants the invoke permission for source "…/*/*"',
      why: 'that lets any method on any path of the API call the function; the permission above allows GET /users/* only',
      source: SOURCES.cliAddPermission,
    },
    {
      guide: 'finds the root resource with `items[0].id`',
      why: 'that works on a fresh API, where / is the only resource, but the order is not documented; the query above selects the resource whose path is /',
      source: SOURCES.cliGetResources,
    },
  ],
  verify,
  checkCommands: (ctx) => {
    const api = recordedApi(ctx);
    if (!api) return [];
    return [
      { args: ['apigateway', 'get-stage', '--rest-api-id', api.id, '--stage-name', STAGE_NAME, '--query', '[stageName,tracingEnabled,deploymentId]', '--output', 'text'] },
      { args: ['lambda', 'get-policy', '--function-name', FUNCTION_NAME, '--query', 'Policy', '--output', 'text'] },
      curlUser(api.url, SAMPLE_ITEM.userId),
      curlUser(api.url, 'nonexistent'),
    ];
  },
};
