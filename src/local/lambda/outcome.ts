/**
 * What the Invoke caller, the log and the trace see for each way a run can end. Texts follow the
 * Node runtime and the Lambda service: errors keep status 200 with X-Amz-Function-Error Unhandled.
 */
import type { Clock } from '../core/types.js';
import { timeoutMessage } from './logs.js';
import type { RunOutcome } from './process.js';

export interface DescribedOutcome {
  payload: Buffer;
  functionError?: 'Unhandled';
  /** For the segments' fault cause. */
  error?: { type: string; message: string; inInit: boolean };
  /** Platform lines the service adds to the log before END. */
  platformLines: string[];
  reportStatus?: 'error' | 'timeout';
}

export function describeOutcome(outcome: RunOutcome, requestId: string, timeoutS: number, clock: Clock): DescribedOutcome {
  switch (outcome.kind) {
    case 'response':
      return { payload: outcome.body, platformLines: [] };
    case 'error':
    case 'initError': {
      const parsed = parseError(outcome.body);
      return {
        payload: outcome.body,
        functionError: 'Unhandled',
        error: { type: parsed.type ?? outcome.errorType, message: parsed.message, inInit: outcome.kind === 'initError' },
        platformLines: [],
        reportStatus: outcome.kind === 'initError' ? 'error' : undefined,
      };
    }
    case 'timeout': {
      // An init that overruns its own limit reports the function's timeout too: the caller sees one limit.
      const message = timeoutMessage(clock, requestId, timeoutS);
      return {
        payload: Buffer.from(JSON.stringify({ errorMessage: message })),
        functionError: 'Unhandled',
        error: { type: 'Sandbox.Timedout', message, inInit: outcome.inInit },
        platformLines: [`${message}\n`],
        reportStatus: 'timeout',
      };
    }
    case 'exit': {
      const how = outcome.signal ? `signal: ${signalWord(outcome.signal)}` : `exit status ${outcome.code ?? 'unknown'}`;
      const message = `RequestId: ${requestId} Error: Runtime exited with error: ${how}`;
      return {
        payload: Buffer.from(JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: message })),
        functionError: 'Unhandled',
        error: { type: 'Runtime.ExitError', message, inInit: false },
        platformLines: [`${message}\nRuntime.ExitError\n`],
        reportStatus: 'error',
      };
    }
  }
}

function parseError(body: Buffer): { type?: string; message: string } {
  try {
    const v = JSON.parse(body.toString('utf8')) as { errorType?: unknown; errorMessage?: unknown };
    return {
      type: typeof v.errorType === 'string' ? v.errorType : undefined,
      message: typeof v.errorMessage === 'string' ? v.errorMessage : body.toString('utf8'),
    };
  } catch {
    return { message: body.toString('utf8') };
  }
}

/** Go-style signal words, as the Lambda service prints them ("signal: killed"). */
function signalWord(signal: string): string {
  const words: Record<string, string> = { SIGKILL: 'killed', SIGTERM: 'terminated', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted' };
  return words[signal] ?? signal;
}
