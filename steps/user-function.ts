/**
 * Step 3: the execution role and the traced `user-service` function. The guide attaches broad managed
 * policies and runs python3.9; xray-lab defaults to a least-privilege inline policy and a current Node
 * runtime, retries CreateFunction while IAM propagates the new role (until IAM has propagated it, CreateFunction answers "The role defined for the function cannot be assumed by Lambda") and waits
 * until the function is Active.
 */
import type { FunctionConfiguration, Runtime } from '@aws-sdk/client-lambda';
import { orUndefinedIfNotFound } from '../src/lab/aws-errors.js';
import { newRecord, type LabContext, type LabStep, type StepOutcome } from '../src/lab/context.js';
import { LabError, UserError } from '../src/lab/errors.js';
import { ensureExecutionRole, ROLE_TYPE } from '../src/lab/execution-role.js';
import { FUNCTION_NAME, ROLE_NAME, RUN_TAG_KEY, TABLE_NAME } from '../src/lab/guide.js';
import { WHY_LEAST_PRIVILEGE } from '../src/lab/iam-policy.js';
import { buildHandlerZip, DEFAULT_INSTRUMENTATION, type Instrumentation, INSTRUMENTATIONS, PackagingError, type HandlerZip } from '../src/lab/packaging.js';
import { isIamPropagationError, retryWithBackoff } from '../src/lab/retry.js';
import { deleteBefore } from '../src/lab/teardown-plan.js';
import { tagsOrNothing, unrecordedResourceError } from '../src/lab/unrecorded.js';
import { TABLE_STEP_ID } from './user-table.js';
import { RESOURCE_TYPES } from '../src/lab/resource-types.js';
import { every, pollUntil } from '../src/lab/poll-until.js';
import { deleteResource } from '../src/lab/delete.js';

export const FUNCTION_STEP_ID = 'user-function';
export const FUNCTION_TYPE = RESOURCE_TYPES.function;
export const LOG_GROUP_TYPE = RESOURCE_TYPES.logGroup;
export const LOG_GROUP_NAME = `/aws/lambda/${FUNCTION_NAME}`;
const TIMEOUT_SECONDS = 30;
const POLL_MS = 1_000;
const READY_DEADLINE_MS = 5 * 60_000;

async function getFunction(ctx: LabContext): Promise<FunctionConfiguration | undefined> {
  const { GetFunctionCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await ctx.clients.lambda();
  return (await orUndefinedIfNotFound(lambda.send(new GetFunctionCommand({ FunctionName: FUNCTION_NAME }), { abortSignal: ctx.signal })))?.Configuration;
}

/** Polls until the function is Active and not mid-update (what the function-active-v2 and function-updated waiters check). */
async function waitReady(ctx: LabContext): Promise<FunctionConfiguration> {
  const task = ctx.io.task(`Waiting for function ${FUNCTION_NAME} to become Active`);
  const failed = (fn: FunctionConfiguration | undefined) => fn?.State === 'Failed' || fn?.LastUpdateStatus === 'Failed';
  const { value: fn, done } = await pollUntil(() => getFunction(ctx), {
    clock: ctx.clock,
    signal: ctx.signal,
    why: `Lambda prepares function ${FUNCTION_NAME} asynchronously`,
    until: (f) => failed(f) || (f?.State === 'Active' && f.LastUpdateStatus !== 'InProgress'),
    nextDelayMs: every(POLL_MS, ctx.clock.now() + READY_DEADLINE_MS, ctx.clock),
    onWait: ({ value: f }) => task.update(`Waiting for function ${FUNCTION_NAME} (${f?.State ?? 'not visible yet'})`),
  });
  if (fn && failed(fn)) {
    task.fail();
    throw new LabError(`Function ${FUNCTION_NAME} failed to become ready: ${fn.StateReason ?? fn.LastUpdateStatusReason ?? 'no reason given'}.`);
  }
  if (done && fn) {
    task.succeed(`Function ${FUNCTION_NAME} is Active`);
    return fn;
  }
  task.fail();
  throw new LabError(`Function ${FUNCTION_NAME} did not become Active within ${READY_DEADLINE_MS / 60_000} minutes (state ${fn?.State ?? 'missing'}).`);
}

/** Retries the two IAM-propagation refusals with backoff, saying once why it waits. */
function whileIamPropagates<T>(ctx: LabContext, call: () => Promise<T>): Promise<T> {
  let told = false;
  return retryWithBackoff(call, {
    clock: ctx.clock,
    signal: ctx.signal,
    initialDelayMs: 1_000,
    maxDelayMs: 8_000,
    budgetMs: 90_000,
    retryable: isIamPropagationError,
    onWait: (attempt, delay, e) => {
      if (!told) ctx.io.info(`Waiting for IAM to propagate the new role to Lambda (AWS is eventually consistent; this usually takes a few seconds): ${(e as Error).message}`);
      else ctx.io.info(`Still waiting for IAM to propagate (attempt ${attempt + 1} in ${Math.round(delay / 100) / 10} s)`);
      told = true;
    },
    giveUpMessage: (waited, e) =>
      `Lambda still refused role ${ROLE_NAME} after ${Math.round(waited / 1000)} s of retries: ${(e as Error).message} Run this step again in a minute.`,
  });
}

/** The flag wins; without it a re-run keeps what the state file records, so it never switches silently. */
export function chosenInstrumentation(ctx: Pick<LabContext, 'config' | 'state'>): Instrumentation {
  if (ctx.config.instrumentation) return ctx.config.instrumentation;
  const recorded = ctx.state.find(FUNCTION_STEP_ID, FUNCTION_TYPE, FUNCTION_NAME)?.extra?.instrumentation;
  return INSTRUMENTATIONS.find((i) => i === recorded) ?? DEFAULT_INSTRUMENTATION;
}

export const INSTRUMENTATION_LABEL: Record<Instrumentation, string> = {
  'xray-sdk': 'the X-Ray SDK (aws-xray-sdk-core)',
  otel: 'OpenTelemetry (the OTel JS SDK with X-Ray ids and propagator, exported like ADOT)',
};

async function packageCode(ctx: LabContext, instrumentation: Instrumentation): Promise<HandlerZip> {
  try {
    return await buildHandlerZip({ instrumentation, ...(ctx.config.runtime !== undefined ? { runtime: ctx.config.runtime } : {}), nowMs: ctx.clock.now() });
  } catch (e) {
    if (e instanceof PackagingError && e.userError) throw new UserError(e.message);
    throw e;
  }
}

function desiredEnvironment(ctx: LabContext): Record<string, string> {
  const ms = ctx.config.simulatedWorkMs;
  return { TABLE_NAME, ...(ms !== undefined ? { SIMULATED_WORK_MS: String(ms) } : {}) };
}

function desiredConfig(code: HandlerZip, roleArn: string, variables: Record<string, string>) {
  return {
    FunctionName: FUNCTION_NAME,
    Role: roleArn,
    Runtime: code.runtime as Runtime,
    Handler: code.handler,
    Timeout: TIMEOUT_SECONDS,
    Environment: { Variables: variables },
    TracingConfig: { Mode: 'Active' as const },
  };
}

/** An adopted function is brought back to what this step would create (a different runtime or role, edited code). */
async function reconcile(ctx: LabContext, fn: FunctionConfiguration, code: HandlerZip, roleArn: string): Promise<string[]> {
  const { UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await ctx.clients.lambda();
  const variables = desiredEnvironment(ctx);
  const want = desiredConfig(code, roleArn, variables);
  const changed: string[] = [];
  const have = fn.Environment?.Variables ?? {};
  const configDiffers =
    fn.Runtime !== want.Runtime || fn.Role !== want.Role || fn.Handler !== want.Handler || fn.Timeout !== want.Timeout ||
    fn.TracingConfig?.Mode !== 'Active' || have.TABLE_NAME !== TABLE_NAME || have.SIMULATED_WORK_MS !== variables.SIMULATED_WORK_MS;
  if (configDiffers) {
    await whileIamPropagates(ctx, () => lambda.send(new UpdateFunctionConfigurationCommand(want), { abortSignal: ctx.signal }));
    changed.push('configuration');
    await waitReady(ctx);
  }
  if (fn.CodeSha256 !== code.sha256) {
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: code.zip }), { abortSignal: ctx.signal });
    changed.push('code');
  }
  return changed;
}

async function run(ctx: LabContext): Promise<StepOutcome> {
  const instrumentation = chosenInstrumentation(ctx);
  const code = await packageCode(ctx, instrumentation);
  const recordedFn = ctx.state.find(FUNCTION_STEP_ID, FUNCTION_TYPE, FUNCTION_NAME);
  const existingFn = await getFunction(ctx);
  if (existingFn && !recordedFn) {
    const { ListTagsCommand } = await import('@aws-sdk/client-lambda');
    const lambda = await ctx.clients.lambda();
    const tags = await tagsOrNothing(async () => (await lambda.send(new ListTagsCommand({ Resource: existingFn.FunctionArn }), { abortSignal: ctx.signal })).Tags);
    throw unrecordedResourceError(ctx, `A Lambda function named ${FUNCTION_NAME}`, tags, 'Delete it or use another account or region, then run this step again.');
  }
  const tableArn = ctx.state.find(TABLE_STEP_ID, RESOURCE_TYPES.table, TABLE_NAME)?.arn ?? `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${TABLE_NAME}`;
  const role = await ensureExecutionRole(ctx, {
    step: FUNCTION_STEP_ID,
    roleName: ROLE_NAME,
    functionName: FUNCTION_NAME,
    tableArn,
    labPolicies: ctx.config.labPolicies === true,
  });

  const lambda = await ctx.clients.lambda();
  const { CreateFunctionCommand } = await import('@aws-sdk/client-lambda');
  const fnBase = {
    step: FUNCTION_STEP_ID,
    type: FUNCTION_TYPE,
    id: FUNCTION_NAME,
    name: FUNCTION_NAME,
    // The function runs as the role, and must be gone before its log group (it would write to it again).
    extra: { ...deleteBefore({ type: ROLE_TYPE, id: ROLE_NAME }, { type: LOG_GROUP_TYPE, id: LOG_GROUP_NAME }), instrumentation },
  };
  let changed: string[] = [];
  if (existingFn) {
    ctx.io.info(`Using function ${FUNCTION_NAME}, created by xray-lab on ${recordedFn!.createdAt}.`);
    changed = await reconcile(ctx, existingFn, code, role.roleArn);
    // The record says which instrumentation runs now (status shows it; a re-run without the flag keeps it).
    if (recordedFn!.extra?.instrumentation !== instrumentation) await ctx.state.record({ ...recordedFn!, extra: { ...recordedFn!.extra, instrumentation } });
  } else {
    await ctx.state.record(newRecord(ctx, { ...fnBase, status: 'creating' }));
    const task = ctx.io.task(`Creating function ${FUNCTION_NAME} (${code.runtime}, X-Ray tracing Active)`);
    const out = await whileIamPropagates(ctx, () =>
      lambda.send(
        new CreateFunctionCommand({
          ...desiredConfig(code, role.roleArn, desiredEnvironment(ctx)),
          Code: { ZipFile: code.zip },
          // Neutral: switching the instrumentation later re-deploys the code, not the description.
          Description: 'xray-lab: returns a user profile from UserProfiles, traced into X-Ray (`xray-lab status` says with what)',
          Tags: { [RUN_TAG_KEY]: ctx.runId },
        }),
        { abortSignal: ctx.signal },
      ),
    );
    await ctx.state.record(newRecord(ctx, { ...fnBase, ...(out.FunctionArn ? { arn: out.FunctionArn } : {}) }));
    task.succeed(`Created function ${FUNCTION_NAME}`);
  }
  // Lambda creates the log group on the first invocation; record it now so teardown removes it.
  if (!ctx.state.find(FUNCTION_STEP_ID, LOG_GROUP_TYPE, LOG_GROUP_NAME)) {
    await ctx.state.record(newRecord(ctx, { step: FUNCTION_STEP_ID, type: LOG_GROUP_TYPE, id: LOG_GROUP_NAME, name: LOG_GROUP_NAME, extra: { createdBy: 'lambda' } }));
  }
  const fn = await waitReady(ctx);

  const notes: string[] = [];
  if (code.warning) notes.push(code.warning);
  notes.push(
    ctx.config.labPolicies
      ? `--lab-policies: the role has the guide's managed policies. ${WHY_LEAST_PRIVILEGE}`
      : `Least privilege: instead of the guide's three managed policies (one of them AmazonDynamoDBFullAccess), the role allows only trace writes, the function's own logs and dynamodb:GetItem on ${tableArn}. Use --lab-policies to follow the guide instead.`,
    `The guide deploys python3.9, which Lambda deprecated on 2025-12-15 (no more security patches); this function is the same service in TypeScript on ${code.runtime}, traced with ${INSTRUMENTATION_LABEL[instrumentation]}.`,
    instrumentation === 'otel'
      ? 'OpenTelemetry spans leave as OTLP over UDP to the X-Ray daemon Lambda runs beside the function (as the ADOT layer does): no extra permission, no collector, and no account-wide setting (Transaction Search is only needed for the OTLP endpoint https://xray.<region>.amazonaws.com/v1/traces).'
      : 'aws-xray-sdk-core is in maintenance mode since 2026-02-25 (security fixes only); AWS recommends OpenTelemetry for new code: --instrumentation otel deploys the same service traced with it.',
  );
  return {
    summary: `Function ${FUNCTION_NAME} (${fn.Runtime}, tracing ${fn.TracingConfig?.Mode}) is ${existingFn ? 'already there' : 'created'} and Active, running as role ${ROLE_NAME}.`,
    details: {
      functionName: FUNCTION_NAME,
      functionArn: fn.FunctionArn,
      runtime: fn.Runtime,
      instrumentation,
      tracing: fn.TracingConfig?.Mode,
      environment: fn.Environment?.Variables ?? {},
      timeout: fn.Timeout,
      roleArn: role.roleArn,
      permissions: ctx.config.labPolicies ? 'lab-policies' : 'least-privilege',
      ...(role.inlinePolicy ? { inlinePolicy: role.inlinePolicy } : { managedPolicies: role.managedPolicies }),
      adopted: Boolean(existingFn),
      ...(changed.length ? { updated: changed } : {}),
    },
    notes,
  };
}


export const userFunctionStep: LabStep = {
  id: FUNCTION_STEP_ID,
  number: 3,
  title: 'IAM role and traced Lambda function',
  requires: [TABLE_STEP_ID],
  run,
  // Role, policies, function and log group: the shared deleters, which report already-gone like every type.
  teardown: deleteResource,
};
