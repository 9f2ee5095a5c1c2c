/**
 * The refusals every extra listener of the local cloud makes before reading a request (design.md
 * "Listeners … each a trust boundary"): a Host that is not a loopback name or `*.localhost`
 * (DNS rebinding), and a browser's cross-site request (Origin of another site, or
 * Sec-Fetch-Site cross-site/same-site). One call site per listener, so moving to the shared edge
 * guard (branch sec-edge, src/local/edge/request-guard.ts) is a one-line change in each.
 */
import type { IncomingHttpHeaders } from 'node:http';

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  return hostHeader.split(':')[0]!.toLowerCase();
}

function loopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** Why the request must be refused (one sentence for the caller), or undefined when it may pass. */
export function refusalOf(headers: IncomingHttpHeaders): string | undefined {
  const host = headers.host;
  if (!host || !loopbackName(hostName(host))) {
    return `Host ${host ?? '(none)'} is not a loopback name: the local cloud answers only requests addressed to localhost, 127.0.0.1 or ::1.`;
  }
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return 'Cross-site browser requests are refused: the local cloud is not a web API for pages.';
  const origin = headers.origin;
  if (origin !== undefined) {
    let name = '';
    try {
      name = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    } catch {
      // an opaque origin ("null") is a sandboxed page: refused below
    }
    if (!loopbackName(name)) return `Requests from the web origin ${origin} are refused: the local cloud is not a web API for pages.`;
  }
  return undefined;
}
