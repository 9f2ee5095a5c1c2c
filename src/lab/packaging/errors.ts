/**
 * Typed packaging failures. `userError` says whether the caller can fix it (bad runtime flag, a rejected
 * upload) — the CLI's single exit door maps that to exit code 2, everything else to 1.
 */
export class PackagingError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `UnsupportedRuntime`, `UnsafeZipEntry`. */
    readonly code: string,
    message: string,
    readonly userError: boolean,
  ) {
    super(message);
    this.name = 'PackagingError';
  }
}

export class UnsupportedRuntimeError extends PackagingError {
  constructor(readonly runtime: string, supported: readonly string[]) {
    super('UnsupportedRuntime', `Runtime "${runtime}" is not supported for the user-service function; use one of: ${supported.join(', ')}.`, true);
    this.name = 'UnsupportedRuntimeError';
  }
}

