/**
 * Who may talk to the console: the trust rules of every local listener (loopback Host names only, no
 * answer to a cross-site browser request) plus a per-run token. The token arrives once in the printed
 * URL and is swapped for an HttpOnly, SameSite=Strict cookie, so another page in the same browser can
 * neither send it nor read it, and it never stays in the address bar or the history.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isAllowedHost, resolveAllowedHosts } from '../../local/edge/request-guard.js';

export const TOKEN_PARAM = 'token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The local cloud's Host allowlist (loopback names and XRAY_LAB_ALLOWED_HOSTS; DNS rebinding: a page on
 * evil.example re-pointed at 127.0.0.1 still sends its own Host), and this console's port when one is given.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  // isAllowedHost refuses a missing or malformed Host, so `host` is a well-formed header below.
  if (!isAllowedHost(host, resolveAllowedHosts())) return false;
  const givenPort = /:(\d{1,5})$/.exec(host!.trim())?.[1];
  return givenPort === undefined || Number(givenPort) === port;
}

/** Cookies are not scoped by port: one name per console, so two consoles on one machine do not log each other out. */
export function cookieName(port: number): string {
  return `xray_lab_console_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type Verdict =
  | { ok: true }
  | { ok: false; status: number; message: string };

/**
 * The checks every request passes before anything else runs. `urlToken` is the `?token=` of the
 * request, accepted only to set the cookie; everything else needs the cookie.
 */
export function checkRequest(req: IncomingMessage, port: number, token: string, urlToken: string | null): Verdict {
  if (!hostAllowed(req.headers.host, port)) {
    return { ok: false, status: 403, message: 'The console only answers requests addressed to 127.0.0.1 or localhost; open the URL it printed.' };
  }
  // Browsers say where a request comes from; anything but our own origin is another site's page. (The shared
  // guard's refuseBrowser also refuses navigations, which a web console must accept, so it is not used here.)
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, status: 403, message: 'The console does not answer requests made by other sites.' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !hostAllowed(originHost(origin), port)) {
    return { ok: false, status: 403, message: 'The console does not answer requests made by other sites.' };
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { ok: false, status: 405, message: 'The console is read-only: it answers GET requests only.' };
  }
  const given = urlToken ?? cookieToken(req, port);
  if (!given || !sameSecret(given, token)) {
    return { ok: false, status: 401, message: 'This console needs its token: open the full URL that `xray-lab console` printed.' };
  }
  return { ok: true };
}

function originHost(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' ? u.host : undefined;
  } catch {
    return undefined;
  }
}
