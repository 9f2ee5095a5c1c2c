/**
 * The single exit door: every command runs through `runAction`, which turns whatever it throws
 * into one sentence on stderr and an exit code (0 ok, 2 user error, 1 failure, 130 interrupted).
 * Nothing else sets the exit status.
 */
import { describeError, exitCodeFor, EXIT_INTERRUPTED, EXIT_OK } from '../lab/errors.js';

let sigints = 0;
let controller: AbortController | undefined;

/** The running command's abort signal: Ctrl-C aborts it; a second Ctrl-C stops at once. */
export function commandSignal(): AbortSignal {
  controller ??= installInterruptHandler();
  return controller.signal;
}

function installInterruptHandler(): AbortController {
  const controller = new AbortController();
  const onSigint = async (): Promise<void> => {
    sigints++;
    if (sigints > 1) {
      process.stderr.write('xray-lab: interrupted again, stopping now.\n');
      process.exit(EXIT_INTERRUPTED);
    }
    process.stderr.write('\nxray-lab: interrupting (Ctrl-C again to stop at once)…\n');
    const { Interrupted } = await import('../lab/errors.js');
    controller.abort(new Interrupted());
  };
  process.on('SIGINT', () => void onSigint());
  return controller;
}

/** What a shell reports for a writer killed by SIGPIPE (128 + 13): the reader of our output went away. */
export const EXIT_OUTPUT_CLOSED = 141;
let outputClosed = false;

/**
 * `xray-lab traces list --json | head -c 100`: once the reader closes, every write fails with EPIPE,
 * which Node raises as an unhandled 'error' event (a stack trace, exit 1). Instead the command stops
 * the way Ctrl-C stops it (state stays consistent, resources made so far stay recorded) and exits
 * quietly: 0 when it had finished anyway, 141 when it was cut short.
 */
export function guardClosedOutput(): void {
  const onError = (stream: NodeJS.WriteStream) => (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    if (stream === process.stdout) {
      outputClosed = true;
      void import('../lab/errors.js').then(({ Interrupted }) => controller?.abort(new Interrupted('Output closed.')));
    }
    // Nothing more can reach this reader: later writes are dropped instead of raising again.
    stream.write = (() => true) as typeof stream.write;
  };
  process.stdout.on('error', onError(process.stdout));
  process.stderr.on('error', onError(process.stderr));
}

export function reportError(e: unknown, debug: boolean): number {
  const code = exitCodeFor(e);
  const message = code === EXIT_INTERRUPTED ? 'Interrupted; resources created so far are recorded in the state file.' : describeError(e);
  process.stderr.write(`xray-lab: error: ${message}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return code;
}

export async function runAction(action: () => Promise<void>, debug: boolean): Promise<void> {
  commandSignal();
  try {
    await action();
    process.exitCode ??= EXIT_OK;
  } catch (e) {
    // Cut short because nobody reads the output any more: nothing to say, and nobody to say it to.
    process.exitCode = outputClosed ? EXIT_OUTPUT_CLOSED : reportError(e, debug);
  }
}
