/** Stage invoke URLs: where the lab's API is (from the state), and which API and stage a URL names. */
import type { StateDocument } from '../state-types.js';

export interface StageAddress {
  apiId: string;
  stage: string;
}

/**
 * `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`, `http://{apiId}.execute-api.localhost:{port}/{stage}`,
 * or the local cloud's `http://127.0.0.1:{port}/_aws/execute-api/{apiId}/{stage}`; undefined for anything else.
 */
export function parseInvokeUrl(url: string): StageAddress | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const parts = u.pathname.split('/').filter(Boolean);
  const host = /^([a-z0-9]{10})\.execute-api\./i.exec(u.hostname);
  if (host && parts[0]) return { apiId: host[1]!, stage: decodeURIComponent(parts[0]) };
  if (parts[0] === '_aws' && parts[1] === 'execute-api' && parts[2] && parts[3]) {
    return { apiId: parts[2], stage: decodeURIComponent(parts[3]) };
  }
  return undefined;
}

/** The newest recorded resource that carries an `invokeUrl` (the API step records it on its stage/deployment). */
export function invokeUrlFromState(doc: StateDocument | undefined): string | undefined {
  const withUrl = (doc?.resources ?? []).filter((r) => typeof r.extra?.invokeUrl === 'string');
  return withUrl.length ? (withUrl[withUrl.length - 1]!.extra!.invokeUrl as string) : undefined;
}
