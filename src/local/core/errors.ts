/**
 * Errors as data: every local service failure is a ServiceError carrying the AWS error code,
 * the HTTP status AWS uses for it, and whether the caller (sender) or the service is at fault.
 * Protocol codecs turn it into each wire format (restJson header + body, awsJson __type, awsQuery XML).
 */
export class ServiceError extends Error {
  constructor(
    /** AWS error code exactly as the service names it, e.g. `ResourceNotFoundException`, `NoSuchEntity`. */
    readonly code: string,
    message: string,
    /** HTTP status the real service answers with for this error. */
    readonly status = 400,
    /** Extra members for the JSON error body (e.g. Lambda's `Type: "User"`). */
    readonly extra: Record<string, unknown> = {},
    readonly senderFault = status < 500,
  ) {
    super(message);
    this.name = code;
  }
}

/** Missing behaviour fails loudly, never as an empty success that looks like an empty account. */
export function notImplemented(service: string, operation: string): ServiceError {
  return new ServiceError(
    'NotImplemented',
    `The xray-lab local cloud does not implement ${service} ${operation}; it emulates only what the X-Ray lab uses.`,
    501,
    {},
    false,
  );
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}

/**
 * An unexpected error's message as a client may see it: absolute file paths of this machine (fs and
 * spawn errors carry them) become `<path>`, so a 500 never tells a caller where the cloud keeps its files.
 */
export function withoutServerPaths(message: string): string {
  return message.replace(/(?<![\w:/])\/(?:[^\s/'"`,:;)]+\/)+[^\s/'"`,:;)]*/g, '<path>');
}

/**
 * Operation names come from the caller (X-Amz-Target, Action): dispatch only on the table's own
 * keys, so `constructor`, `__proto__` or `toString` never reach Object.prototype.
 */
export function ownOperation<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** An AWS operation name is PascalCase letters and digits; anything else cannot be one we merely left out. */
export function looksLikeOperationName(name: string): boolean {
  return /^[A-Z][A-Za-z0-9]{0,127}$/.test(name);
}
