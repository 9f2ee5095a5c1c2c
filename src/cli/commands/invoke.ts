/**
 * `invoke`: the guide's direct test of the function (troubleshooting: "test the function directly"),
 * with the response, the log tail Lambda returns, and the trace id from its REPORT line.
 * A function error still prints everything, then exits 1.
 */
import type { CommonFlags } from '../../lab/config.js';
import { isNotFound } from '../../lab/aws-errors.js';
import { LabError, UserError } from '../../lab/errors.js';
import { FUNCTION_NAME } from '../../lab/guide.js';
import { invocationsOf } from './logs.js';
import { withClients } from './readonly.js';

export interface InvokeFlags extends CommonFlags {
  user?: string;
  function?: string;
}

/** The guide's debugging payload: enough of an API Gateway proxy event for the handler to route on. */
export function guidePayload(userId: string): Record<string, unknown> {
  return { httpMethod: 'GET', path: `/users/${userId}`, pathParameters: { userId } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function invokeCommand(flags: InvokeFlags): Promise<void> {
  const user = flags.user ?? 'user123';
  if (!user || /[/?#\s]/.test(user)) throw new UserError(`--user takes a user id without spaces or slashes, got "${user}".`);
  const fn = flags.function ?? FUNCTION_NAME;
  await withClients(flags, async ({ clients, io, signal }) => {
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const lambda = await clients.lambda();
    let out;
    try {
      out = await lambda.send(
        new InvokeCommand({ FunctionName: fn, LogType: 'Tail', Payload: Buffer.from(JSON.stringify(guidePayload(user))) }),
        { abortSignal: signal },
      );
    } catch (e) {
      if (isNotFound(e)) throw new UserError(`There is no function ${fn}`, 'Run `xray-lab setup` (step 3 creates it), or name another with --function.');
      throw e;
    }
    const payload = parseJson(Buffer.from(out.Payload ?? []).toString('utf8'));
    const tail = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : '';
    const inv = invocationsOf(tail.split(/\n(?=START |END |REPORT )/)).at(-1);
    const response = payload && typeof payload === 'object' ? (payload as { statusCode?: number; body?: string }) : undefined;
    const data = {
      functionName: fn,
      request: guidePayload(user),
      statusCode: out.StatusCode,
      functionError: out.FunctionError ?? null,
      executedVersion: out.ExecutedVersion,
      payload,
      requestId: inv?.requestId ?? null,
      traceId: inv?.traceId ?? null,
      logTail: tail,
    };
    const body = response?.body !== undefined ? parseJson(response.body) : undefined;
    io.result(data, [
      `Invoked ${fn} with GET /users/${user}: Lambda status ${out.StatusCode}${out.FunctionError ? `, function error (${out.FunctionError})` : ''}`,
      response?.statusCode !== undefined ? `Response: ${response.statusCode} ${JSON.stringify(body)}` : `Payload: ${JSON.stringify(payload)}`,
      `Trace id: ${inv?.traceId ?? 'none in the log tail (the invocation was not sampled, or tracing is off on the function)'}`,
      '--- log tail ---',
      tail.replace(/\n+$/, '') || '(empty)',
    ].join('\n'));
    if (out.FunctionError) throw new LabError(`The function failed (${out.FunctionError}); its error is in the payload and log tail above.`);
  });
}
