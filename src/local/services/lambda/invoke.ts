/**
 * Invoke: checks the request the way Lambda does (invocation/log type, payload size, payload must be
 * JSON), then hands it to the engine. A function error keeps status 200 and sets X-Amz-Function-Error.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { ServiceError } from '../../core/errors.js';
import type { HttpResponse } from '../../core/types.js';
import { isNodeRuntime, type StoredFunction } from './model.js';
import { runSpec, type LambdaRunner, type RunRequest, type RunResult } from './runner.js';
import { invalidParameter } from './validate.js';

const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD = 1024 * 1024;

export interface InvokeHeaders {
  invocationType?: string;
  logType?: string;
  clientContext?: string;
  traceHeader?: string;
}

export function checkInvokeRequest(payload: Buffer, h: InvokeHeaders): RunRequest {
  const invocationType = h.invocationType ?? 'RequestResponse';
  if (invocationType !== 'RequestResponse' && invocationType !== 'Event' && invocationType !== 'DryRun') {
    throw invalidParameter(`Unsupported invocation type ${invocationType}: use RequestResponse, Event or DryRun.`);
  }
  const logType = h.logType ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') throw invalidParameter(`Unsupported log type ${logType}: use None or Tail.`);
  const max = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
  if (payload.length > max) {
    throw new ServiceError('RequestTooLargeException', `Request must be smaller than ${max} bytes for the InvokeFunction operation`, 413, { Type: 'User' });
  }
  // An empty body is an empty event; anything else must be JSON, as Lambda parses it before running.
  const body = payload.length === 0 ? Buffer.from('{}') : payload;
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    const detail = e instanceof TypeError ? 'Invalid UTF-8 sequence in the payload' : e instanceof Error ? e.message : String(e);
    throw new ServiceError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${detail}`, 400, { Type: 'User' });
  }
  return { payload: body, invocationType, logType, clientContext: checkClientContext(h.clientContext), traceHeader: h.traceHeader };
}

const MAX_CLIENT_CONTEXT = 3583;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * X-Amz-Client-Context: up to 3,583 bytes of base64 holding a JSON object, refused with Lambda's own
 * error otherwise (before any process is touched). What passes is re-encoded with every non-ASCII
 * character escaped, because the decoded JSON travels to the runtime as an HTTP header value.
 */
function checkClientContext(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const refuse = (why: string) => new ServiceError('InvalidRequestContentException', `Client context must be a valid Base64-encoded JSON object: ${why}.`, 400, { Type: 'User' });
  if (Buffer.byteLength(value) > MAX_CLIENT_CONTEXT) throw refuse(`it is ${Buffer.byteLength(value)} bytes, and at most ${MAX_CLIENT_CONTEXT} are allowed`);
  if (!BASE64.test(value)) throw refuse('the header is not base64');
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'base64'));
    parsed = JSON.parse(text);
  } catch {
    throw refuse('the decoded text is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refuse('the decoded JSON is not an object');
  // In valid JSON, raw tabs and line breaks can only be whitespace between tokens, and non-ASCII only
  // sits inside strings: spaces and \u escapes keep the same JSON in a legal header value.
  const ascii = text.replace(/[\t\r\n]/g, ' ').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(ascii).toString('base64');
}

/** Only Node functions can run locally; anything else fails loudly and says why. */
export async function runInvocation(runner: LambdaRunner | undefined, fn: StoredFunction, codeDir: string, req: RunRequest): Promise<RunResult> {
  if (!isNodeRuntime(fn.Runtime)) {
    throw new ServiceError(
      'NotImplemented',
      `The xray-lab local cloud runs only Node.js functions, and ${fn.FunctionName} uses ${fn.Runtime}. Deploy it with a nodejs runtime (e.g. nodejs24.x) to invoke it locally.`,
      501,
      { Type: 'User' },
      false,
    );
  }
  if (!runner) {
    throw new ServiceError('ServiceException', 'The local Lambda execution engine is not running, so functions cannot be invoked.', 500, { Type: 'Service' }, false);
  }
  return runner.invoke(runSpec(fn, codeDir), req);
}

export function invokeResponse(result: RunResult): HttpResponse {
  const headers: Record<string, string> = { 'x-amz-executed-version': result.executedVersion };
  if (result.statusCode === 200) headers['content-type'] = 'application/json';
  if (result.logResult !== undefined) headers['x-amz-log-result'] = result.logResult;
  if (result.functionError) headers['x-amz-function-error'] = result.functionError;
  return { status: result.statusCode, headers, body: result.statusCode === 200 ? result.payload : '' };
}
