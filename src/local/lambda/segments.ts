/**
 * The two segments the Lambda service emits for a traced invocation (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html):
 * `AWS::Lambda` (the service accepting the invoke) and `AWS::Lambda::Function` (the sandbox), the
 * latter with embedded `Initialization` (cold only), `Invocation` and `Overhead` subsegments.
 *
 * Function errors: AWS's marking is unconfirmed. We mark the function segment and its Invocation
 * subsegment `fault: true` with a `cause` (the function failed, a server-side failure from the
 * caller's view) and leave the AWS::Lambda segment at status 200 without a flag, because the
 * Invoke call itself succeeded — that is what the Invoke API answers too.
 *
 * Local only: an invocation that waited in the opt-in environment queue (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS)
 * gets a subsegment in its AWS::Lambda segment covering the wait, named after the setting and with
 * metadata saying it is the local cloud's queue — AWS Lambda never queues a synchronous invocation.
 */

/** Name of the local queue's subsegment; the trace analysis (src/lab/analysis/platform.ts) counts it. */
export const LOCAL_QUEUE_SUBSEGMENT = 'Local queue (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS)';

export interface SegmentIds {
  service: string;
  function: string;
  initialization: string;
  invocation: string;
  overhead: string;
}

/** Epoch milliseconds of each phase; absent phases did not happen (e.g. no Overhead after a crash). */
export interface PhaseTimes {
  received: number;
  initStart?: number;
  initEnd?: number;
  invocationStart?: number;
  invocationEnd?: number;
  overheadEnd?: number;
  completed: number;
}

export interface SegmentInput {
  traceId: string;
  upstreamParent?: string;
  functionName: string;
  functionArn: string;
  accountId: string;
  requestId: string;
  ids: SegmentIds;
  times: PhaseTimes;
  error?: { type: string; message: string; inInit: boolean };
  exceptionId: () => string;
  /** The wait in the local cloud's opt-in environment queue, when there was one (epoch ms). */
  localQueue?: { id: string; start: number; end: number; maxEnvironments: number };
}

const sec = (ms: number): number => Math.round(ms * 1000) / 1e6;

export function buildLambdaSegments(input: SegmentInput): string[] {
  const { ids, times, functionArn } = input;
  const awsFn = { function_arn: functionArn };
  const cause = input.error
    ? { exceptions: [{ id: input.exceptionId(), message: input.error.message, type: input.error.type }] }
    : undefined;

  const subsegments: Record<string, unknown>[] = [];
  if (times.initStart !== undefined && times.initEnd !== undefined) {
    const failed = input.error?.inInit === true;
    subsegments.push({
      id: ids.initialization,
      name: 'Initialization',
      start_time: sec(times.initStart),
      end_time: sec(times.initEnd),
      aws: awsFn,
      ...(failed ? { fault: true, cause } : {}),
    });
  }
  if (times.invocationStart !== undefined && times.invocationEnd !== undefined) {
    const failed = input.error !== undefined && !input.error.inInit;
    subsegments.push({
      id: ids.invocation,
      name: 'Invocation',
      start_time: sec(times.invocationStart),
      end_time: sec(times.invocationEnd),
      aws: awsFn,
      ...(failed ? { fault: true, cause } : {}),
    });
    if (times.overheadEnd !== undefined) {
      subsegments.push({
        id: ids.overhead,
        name: 'Overhead',
        start_time: sec(times.invocationEnd),
        end_time: sec(times.overheadEnd),
        aws: awsFn,
      });
    }
  }

  const fnStart = times.initStart ?? times.invocationStart ?? times.received;
  const fnEnd = times.overheadEnd ?? times.invocationEnd ?? times.initEnd ?? times.completed;
  const service = {
    id: ids.service,
    name: input.functionName,
    trace_id: input.traceId,
    ...(input.upstreamParent ? { parent_id: input.upstreamParent } : {}),
    start_time: sec(times.received),
    end_time: sec(times.completed),
    origin: 'AWS::Lambda',
    resource_arn: functionArn,
    http: { response: { status: 200 } },
    aws: { request_id: input.requestId },
    ...(input.localQueue ? { subsegments: [localQueueSubsegment(input.localQueue)] } : {}),
  };
  const fn = {
    id: ids.function,
    name: input.functionName,
    trace_id: input.traceId,
    parent_id: ids.service,
    start_time: sec(fnStart),
    end_time: sec(fnEnd),
    origin: 'AWS::Lambda::Function',
    aws: { account_id: input.accountId, function_arn: functionArn, resource_names: [input.functionName] },
    ...(input.error ? { fault: true, cause } : {}),
    subsegments,
  };
  return [JSON.stringify(service), JSON.stringify(fn)];
}

function localQueueSubsegment(q: NonNullable<SegmentInput['localQueue']>): Record<string, unknown> {
  return {
    id: q.id,
    name: LOCAL_QUEUE_SUBSEGMENT,
    start_time: sec(q.start),
    end_time: sec(q.end),
    metadata: {
      local_cloud: {
        queue: 'XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS',
        max_environments: q.maxEnvironments,
        note: "Waited in the local cloud's environment queue for a free execution environment. AWS Lambda does not queue synchronous invocations: it starts another environment (a cold start) or throttles.",
      },
    },
  };
}
