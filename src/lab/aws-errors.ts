/** Classifies AWS SDK errors the lab reacts to, by their code (`name`), never by class identity. */
import { isAwsSdkError } from './errors.js';

const NOT_FOUND = new Set(['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException', 'NotFoundException']);

export function errorCode(e: unknown): string | undefined {
  return isAwsSdkError(e) ? e.name : undefined;
}

export function isNotFound(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && NOT_FOUND.has(code);
}

/** The call's result, or undefined when the service says the thing does not exist; any other error is thrown. */
export async function orUndefinedIfNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
