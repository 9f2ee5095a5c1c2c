/** What `doctor` reports: one entry per check, with a hint for anything that is not ok. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail. */
  hint?: string;
}

export const check = (id: string, title: string, status: CheckStatus, detail: string, hint?: string): Check => ({
  id, title, status, detail, ...(hint ? { hint } : {}),
});

/** Error codes that mean "these credentials may not do this", across the lab's services. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException', 'AuthorizationError']);
/** Codes that mean the credentials themselves are bad. */
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidSignatureException']);

export function isDenied(e: unknown): boolean {
  return e instanceof Error && DENIED.has(e.name);
}

export function isBadCredentials(e: unknown): boolean {
  return e instanceof Error && BAD_CREDENTIALS.has(e.name);
}
