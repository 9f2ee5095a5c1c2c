/** Step 3's lesson: the execution role, the traced function, segments vs subsegments, the facade segment. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabContext } from '../../../lab/context.js';
import { LabError } from '../../../lab/errors.js';
import { FUNCTION_NAME, ROLE_NAME, SAMPLE_ITEM, TABLE_NAME } from '../../../lab/guide.js';
import { INLINE_POLICY_NAME, LAB_MANAGED_POLICIES, leastPrivilegePolicy, trustPolicyJson } from '../../../lab/iam-policy.js';
import { buildHandlerZip, resolveRuntime } from '../../../lab/packaging.js';
import { TABLE_STEP_ID } from '../../../../steps/user-table.js';
import type { AwsCommand, GuideCommand } from '../commands.js';
import type { StepLesson } from '../lesson.js';
import { RESOURCE_TYPES } from '../../../lab/resource-types.js';
import { SOURCES } from '../sources.js';
import { chooseInstrumentation, instrumentationSummary, OTEL_DETAILS, OTEL_SOURCES, OTEL_TEACHES } from './opentelemetry.js';
import { chosenInstrumentation, FUNCTION_STEP_ID, FUNCTION_TYPE } from '../../../../steps/user-function.js';

/** The API Gateway proxy event the function reads: only the method and the path matter to it. */
export const INVOKE_PAYLOAD = JSON.stringify({ httpMethod: 'GET', path: `/users/${SAMPLE_ITEM.userId}` });

/** Where the guide writes the function's code for the `--zip-file fileb://…` option it shows. */
export function zipPath(ctx: LabContext): string {
  return join(ctx.config.stateDir, 'guide', `${FUNCTION_NAME}.zip`);
}

function tableArn(ctx: LabContext): string {
  return ctx.state.find(TABLE_STEP_ID, RESOURCE_TYPES.table, TABLE_NAME)?.arn ?? `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${TABLE_NAME}`;
}

/** The recorded function ARN once step 3 ran; its name before. */
export function functionRef(ctx: LabContext): string {
  return ctx.state.find(FUNCTION_STEP_ID, FUNCTION_TYPE, FUNCTION_NAME)?.arn ?? FUNCTION_NAME;
}

/** Where `lambda invoke` writes the function's answer (the CLI's own output is only the status). */
const RESPONSE_FILE = `/tmp/${FUNCTION_NAME}-response.json`;

/** `aws lambda invoke` with an inline JSON payload: CLI v2 needs raw-in-base64-out. */
export function invokeCommand(fn: string): AwsCommand {
  return {
    args: ['lambda', 'invoke', '--function-name', fn, '--cli-binary-format', 'raw-in-base64-out', '--payload', INVOKE_PAYLOAD, RESPONSE_FILE],
    andThen: `cat ${RESPONSE_FILE}; echo`,
  };
}

function permissionCommands(ctx: LabContext): AwsCommand[] {
  if (ctx.config.labPolicies) {
    return LAB_MANAGED_POLICIES.map((arn) => ({ args: ['iam', 'attach-role-policy', '--role-name', ROLE_NAME, '--policy-arn', arn] }));
  }
  const policy = leastPrivilegePolicy({ region: ctx.region, accountId: ctx.accountId, functionName: FUNCTION_NAME, tableArn: tableArn(ctx) });
  return [{ args: ['iam', 'put-role-policy', '--role-name', ROLE_NAME, '--policy-name', INLINE_POLICY_NAME, '--policy-document', JSON.stringify(policy)] }];
}

function commands(ctx: LabContext): GuideCommand[] {
  const runtime = resolveRuntime(ctx.config.runtime, ctx.clock.now()).runtime;
  return [
    { args: ['iam', 'create-role', '--role-name', ROLE_NAME, '--assume-role-policy-document', trustPolicyJson()] },
    ...permissionCommands(ctx),
    {
      args: [
        'lambda',
        'create-function',
        '--function-name',
        FUNCTION_NAME,
        '--runtime',
        runtime,
        '--handler',
        'index.handler',
        '--role',
        `arn:aws:iam::${ctx.accountId}:role/${ROLE_NAME}`,
        '--zip-file',
        `fileb://${zipPath(ctx)}`,
        '--timeout',
        '30',
        '--environment',
        `Variables={TABLE_NAME=${TABLE_NAME}}`,
        '--tracing-config',
        'Mode=Active',
      ],
    },
    { args: ['lambda', 'wait', 'function-active-v2', '--function-name', FUNCTION_NAME] },
    invokeCommand(FUNCTION_NAME),
  ];
}

async function prepare(ctx: LabContext): Promise<void> {
  const code = await buildHandlerZip({ instrumentation: chosenInstrumentation(ctx), ...(ctx.config.runtime !== undefined ? { runtime: ctx.config.runtime } : {}), nowMs: ctx.clock.now() });
  await mkdir(join(ctx.config.stateDir, 'guide'), { recursive: true });
  await writeFile(zipPath(ctx), code.zip);
}

async function verify(ctx: LabContext): Promise<string[]> {
  const { GetFunctionCommand, InvokeCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await ctx.clients.lambda();
  const fn = (await lambda.send(new GetFunctionCommand({ FunctionName: FUNCTION_NAME }), { abortSignal: ctx.signal })).Configuration;
  if (fn?.State !== 'Active') throw new LabError(`Function ${FUNCTION_NAME} is ${fn?.State ?? 'missing'}, not Active.`);
  if (fn.TracingConfig?.Mode !== 'Active') throw new LabError(`Function ${FUNCTION_NAME} has tracing ${fn.TracingConfig?.Mode ?? 'unset'}, not Active.`);
  const out = await lambda.send(new InvokeCommand({ FunctionName: FUNCTION_NAME, Payload: new TextEncoder().encode(INVOKE_PAYLOAD) }), {
    abortSignal: ctx.signal,
  });
  const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
  if (out.FunctionError) throw new LabError(`Invoking ${FUNCTION_NAME} failed (${out.FunctionError}): ${text}`);
  const answer = JSON.parse(text) as { statusCode?: number; body?: string };
  if (answer.statusCode !== 200 || !answer.body?.includes(SAMPLE_ITEM.name)) {
    throw new LabError(`Invoking ${FUNCTION_NAME} for ${SAMPLE_ITEM.userId} answered ${answer.statusCode}: ${answer.body ?? text}`);
  }
  return [
    `GetFunction: ${fn.FunctionArn} is Active (${fn.Runtime}, tracing ${fn.TracingConfig.Mode})`,
    `Invoke ${SAMPLE_ITEM.userId}: status ${answer.statusCode}, ${SAMPLE_ITEM.name} read from ${TABLE_NAME}`,
    instrumentationSummary(ctx),
  ];
}

export const userFunctionLesson: StepLesson = {
  teaches: [
    'With tracing set to Active, the Lambda service records segments for you: one for the invocation as Lambda saw it (AWS::Lambda) and one for the function itself (AWS::Lambda::Function, with Initialization, Invocation and Overhead inside). Your code adds subsegments to that picture: one per DynamoDB call made through the instrumented client, and any you open yourself.',
    "Inside Lambda the X-Ray SDK holds only a facade segment: a stand-in carrying the trace id and parent id Lambda hands over, that is never sent and cannot be changed (the Python SDK raises FacadeSegmentMutationException). So annotate subsegments. Python's xray_recorder.put_annotation writes to the innermost open subsegment, and to the facade only when none is open: the guide's handler calls it after begin_subsegment('user_processing'), so its annotations land on user_processing, just as this handler's do.",
    'Annotations (string, number or boolean) are indexed, so a filter expression can find them (annotation.user_found = false); metadata holds any JSON, is kept with the trace, and cannot be searched.',
    'The SDK does not send anything over HTTP itself: it writes each finished subsegment as a UDP datagram to the X-Ray daemon, which Lambda runs next to your function and which batches them into PutTraceSegments calls. That is why the role needs permission to write traces.',
    'The X-Ray SDKs and daemon have been in maintenance mode since 2026-02-25: security fixes only, no new features. AWS recommends OpenTelemetry (the AWS Distro for OpenTelemetry, ADOT) for new instrumentation; this lab deploys the X-Ray SDK by default because the guide teaches it, and the same service traced with OpenTelemetry when you choose it (--instrumentation otel). The X-Ray service itself is unchanged.',
    ...OTEL_TEACHES,
  ],
  takeaway:
    'Lambda records the function segments; your code adds subsegments (X-Ray SDK) or spans (OpenTelemetry, what AWS recommends), with annotations (indexed, filterable) and metadata (not indexed), sent via the daemon: the same trace either way.',
  details: [
    `The role is what the function runs as. Only the Lambda service may assume it (the trust policy); what it may do comes from the inline policy ${INLINE_POLICY_NAME}: write trace segments, write its own log group, and dynamodb:GetItem on ${TABLE_NAME}, nothing else.`,
    'A role is not usable by Lambda the instant IAM returns it: create-function can fail for a few seconds with "The role defined for the function cannot be assumed by Lambda". Wait a moment and run it again; xray-lab retries it for you with backoff.',
    'A new function is Pending while Lambda prepares it. `aws lambda wait function-active-v2` polls until it is Active; invoking or wiring API Gateway before that fails.',
    'The handler opens a subsegment user_processing, annotates it with service, operation and user_found, attaches the request as metadata, and reads the item through a DynamoDB client wrapped by captureAWSv3Client. A request for an unknown user answers 404. The OpenTelemetry handler runs the same code inside a span user_processing and traces the DynamoDB call with instrumentation-aws-sdk.',
    ...OTEL_DETAILS,
  ],
  choose: chooseInstrumentation,
  prepare,
  commands,
  sources: [
    { about: 'X-Ray SDKs and daemon in maintenance mode since 2026-02-25', url: SOURCES.sdkDaemonTimeline },
    { about: 'Migrating from the X-Ray SDK to OpenTelemetry', url: SOURCES.sdkMigration },
    { about: 'Active tracing: the AWS::Lambda and AWS::Lambda::Function segments', url: SOURCES.lambdaXray },
    { about: 'In Lambda the Python SDK installs a facade segment', url: SOURCES.pythonLambdaLauncher },
    { about: 'put_annotation writes to the current entity, the innermost open subsegment', url: SOURCES.pythonRecorder },
    { about: 'Annotations are indexed, metadata is not', url: SOURCES.concepts },
    { about: 'The daemon receives segments over UDP and sends them to the X-Ray API', url: SOURCES.daemon },
    { about: 'captureAWSv3Client and the AWS SDK v3', url: SOURCES.nodeSdkAwsClients },
    ...OTEL_SOURCES,
  ],
  corrections: [
    {
      guide: 'deploys python3.9',
      why: 'Lambda deprecated that runtime on 2025-12-15: no more security patches or support (creating functions with it is blocked only from a later date, reported as 2027-02-01); the function here is TypeScript bundled for a current Node runtime',
      source: SOURCES.lambdaRuntimes,
    },
    {
      guide: 'attaches AmazonDynamoDBFullAccess',
      why: 'that lets the function do anything to every table in the account; the inline policy above allows GetItem on one table (--lab-policies uses the guide\'s policies)',
      source: SOURCES.iamLeastPrivilege,
    },
    {
      guide: 'runs `lambda invoke --payload` with inline JSON',
      why: 'AWS CLI v2 reads --payload as base64 and rejects plain JSON; add --cli-binary-format raw-in-base64-out',
      source: SOURCES.cliV2Changes,
    },
  ],
  verify,
  checkCommands: (ctx) => {
    const fn = functionRef(ctx);
    return [
      { args: ['lambda', 'get-function-configuration', '--function-name', fn, '--query', '[FunctionArn,Runtime,State,TracingConfig.Mode]', '--output', 'text'] },
      ctx.config.labPolicies
        ? { args: ['iam', 'list-attached-role-policies', '--role-name', ROLE_NAME, '--query', 'AttachedPolicies[].PolicyName', '--output', 'text'] }
        : { args: ['iam', 'get-role-policy', '--role-name', ROLE_NAME, '--policy-name', INLINE_POLICY_NAME, '--query', 'PolicyDocument.Statement[].Action', '--output', 'json'] },
      invokeCommand(fn),
    ];
  },
};
