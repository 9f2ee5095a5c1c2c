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
    process.exitCode = reportError(e, debug);
  }
}
