/**
 * The lab's small error tree. Everything that ends a command is one of these (or an AWS SDK error);
 * `exitCodeFor`/`describeError` are the single place that turns them into an exit code and a sentence.
 */

/** The user can fix it: a bad flag or file, a missing prerequisite, no credentials. Exit 2. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Ctrl-C or an aborted signal. Exit 130. */
export class Interrupted extends Error {
  constructor(message = 'Interrupted.') {
    super(message);
    this.name = 'Interrupted';
  }
}

/** A failure of xray-lab itself or of a service that is not an SDK error (e.g. the local cloud did not start). Exit 1. */
export class LabError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USER = 2;
export const EXIT_INTERRUPTED = 130;

/** Shape of an AWS SDK v3 service exception, checked structurally so we need not import the SDK here. */
export interface AwsSdkErrorLike {
  name: string;
  message: string;
  $metadata: { requestId?: string; httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

export function isAwsSdkError(e: unknown): e is AwsSdkErrorLike {
  return (
    e instanceof Error &&
    typeof (e as Partial<AwsSdkErrorLike>).$metadata === 'object' &&
    (e as Partial<AwsSdkErrorLike>).$metadata !== null
  );
}

/** Credentials that cannot be found are the user's to fix, not an AWS failure. */
export function isMissingCredentials(e: unknown): boolean {
  return e instanceof Error && (e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message));
}

export function isAbort(e: unknown): boolean {
  // ExitPromptError: @inquirer/prompts was answered with Ctrl-C.
  return e instanceof Interrupted || (e instanceof Error && (e.name === 'AbortError' || e.name === 'ExitPromptError'));
}

export function exitCodeFor(e: unknown): number {
  if (isAbort(e)) return EXIT_INTERRUPTED;
  if (e instanceof UserError || isMissingCredentials(e)) return EXIT_USER;
  return EXIT_FAILURE;
}

/** One clear sentence (plus the AWS error code and request id when there is one). */
export function describeError(e: unknown): string {
  if (isMissingCredentials(e)) {
    return 'No AWS credentials were found: configure them (aws configure, AWS_PROFILE or --profile), or use --target local.';
  }
  if (isAwsSdkError(e)) {
    const parts = [`${e.name}`];
    if (e.$metadata.requestId) parts.push(`request id ${e.$metadata.requestId}`);
    const msg = e.message && e.message !== e.name ? e.message : 'the service rejected the request';
    return `${sentence(msg)} (${parts.join(', ')})`;
  }
  if (e instanceof UserError) return e.hint ? `${sentence(e.message)} ${sentence(e.hint)}` : sentence(e.message);
  if (e instanceof Error) return sentence(e.message || e.name);
  return sentence(String(e));
}

function sentence(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
