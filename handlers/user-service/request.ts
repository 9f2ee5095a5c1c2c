/** Pure helpers that read the API Gateway proxy event; no SDK, no I/O, so they are trivially testable. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export const DEFAULT_USER_ID = 'user123';
export const DEFAULT_TABLE_NAME = 'UserProfiles';
export const DEFAULT_SIMULATED_WORK_MS = 100;

/** The slice of the proxy event this function reads; direct Lambda invokes often send only some of it. */
export type UserServiceEvent = Partial<Pick<APIGatewayProxyEvent, 'path' | 'httpMethod' | 'headers' | 'requestContext'>>;

export interface RequestInfo {
  path: string;
  user_agent: string;
  source_ip: string;
}

/**
 * `/users/{id}` → id. Fewer than three `/`-separated parts (`/users`, no path) → the lab's default user.
 * An empty last segment (`/users/`) also falls back to the default instead of sending DynamoDB an empty
 * key, which it rejects with a ValidationException (a client mistake should not become a 500).
 */
export function userIdFromPath(path: string | null | undefined): string {
  const parts = (path ?? '').split('/');
  const last = parts[parts.length - 1];
  return parts.length > 2 && last !== '' ? last : DEFAULT_USER_ID;
}

/** Header names are case-insensitive; API Gateway passes `headers: null` when the request had none. */
function header(headers: UserServiceEvent['headers'] | null | undefined, name: string): string {
  if (!headers) return '';
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return '';
}

export function requestInfo(event: UserServiceEvent): RequestInfo {
  return {
    path: event.path ?? '',
    user_agent: header(event.headers, 'User-Agent'),
    source_ip: event.requestContext?.identity?.sourceIp ?? '',
  };
}

/** Non-negative integer milliseconds from env; anything unparsable falls back to the default. */
export function simulatedWorkMs(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SIMULATED_WORK_MS;
  const ms = Number(raw);
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms) : DEFAULT_SIMULATED_WORK_MS;
}

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
    body: JSON.stringify(body),
  };
}
