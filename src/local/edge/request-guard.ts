/**
 * The request guard every local listener calls before it routes anything (issue 13).
 *
 * The local cloud runs uploaded code as the user, so a web page the user visits must not be able
 * to reach it. Three independent checks, each a pure function of the request's headers (and URL):
 * - Host allowlist: a DNS-rebinding page reaches 127.0.0.1 under its own name; only loopback names
 *   (127.0.0.0/8, [::1], localhost, *.localhost) and names the user adds pass.
 * - Browser context: a cross-site page's request carries a non-loopback Origin, or Sec-Fetch-Site
 *   cross-site/same-site, or Sec-Fetch-Mode no-cors/navigate (forms, <img>, fetch no-cors).
 * - SigV4 presence: browsers cannot set an Authorization header cross-site without a CORS
 *   preflight, which the control plane never answers. Any key is accepted locally, so only the
 *   shape is checked, never the signature.
 * Each returns a refusal (reason, AWS error code, one-sentence message) or undefined; the caller
 * writes the refusal in its own protocol. Exported names are shared with other listeners: keep them.
 */
import { isIP } from 'node:net';

/** Comma-separated extra Host names the user allows (`*.example.test` allows subdomains). */
export const ALLOWED_HOSTS_ENV = 'XRAY_LAB_ALLOWED_HOSTS';

/** Header map as node:http gives it (lower-case names); a plain record of strings works too. */
export type GuardHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type RefusalReason =
  | 'host-not-allowed'
  | 'origin-not-loopback'
  | 'cross-site-fetch'
  | 'browser-fetch-mode'
  | 'missing-signature'
  | 'incomplete-signature';

/**
 * Why a request is refused. `awsCode` is the query-protocol spelling of AWS's error name
 * (JSON and REST protocols append "Exception"); every refusal is a 403.
 */
export interface GuardRefusal {
  reason: RefusalReason;
  awsCode: 'AccessDenied' | 'MissingAuthenticationToken' | 'IncompleteSignature';
  status: 403;
  message: string;
}

export interface GuardOptions {
  /** Extra Host names besides the loopback ones, e.g. from resolveAllowedHosts(). */
  allowedHosts?: readonly string[];
}

/** The user's extra Host names: the option's plus those in XRAY_LAB_ALLOWED_HOSTS, normalised. */
export function resolveAllowedHosts(fromOption: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env[ALLOWED_HOSTS_ENV] ?? '').split(',');
  return [...new Set([...fromOption, ...fromEnv].map(normaliseName).filter((n) => n.length > 0))];
}

/** The name part of a Host header (`[::1]:4566` → `::1`, `LocalHost.:80` → `localhost`), or undefined if malformed. */
export function hostNameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const h = hostHeader.trim();
  if (h.startsWith('[')) {
    const m = /^\[([0-9a-fA-F:.]+)\](?::\d{1,5})?$/.exec(h);
    return m ? m[1].toLowerCase() : undefined;
  }
  const m = /^([^:\s/@]+)(?::\d{1,5})?$/.exec(h);
  return m ? normaliseName(m[1]) : undefined;
}

/** 127.0.0.0/8, ::1, localhost and *.localhost (RFC 6761: browsers resolve these to loopback themselves). */
export function isLoopbackName(name: string): boolean {
  const n = normaliseName(name);
  if (n === 'localhost' || n.endsWith('.localhost')) return true;
  if (isIP(n) === 4) return n.startsWith('127.');
  if (isIP(n) === 6) return n === '::1' || n === '0:0:0:0:0:0:0:1';
  return false;
}

/** Whether a Host header names this machine: a loopback name or one the user allowed. */
export function isAllowedHost(hostHeader: string | undefined, allowedHosts: readonly string[] = []): boolean {
  const name = hostNameOf(hostHeader);
  if (name === undefined) return false;
  if (isLoopbackName(name)) return true;
  return allowedHosts.some((entry) => {
    const e = normaliseName(entry);
    return e.startsWith('*.') ? name.endsWith(e.slice(1)) && name.length > e.length - 1 : name === e;
  });
}

/** Refuses a Host that is missing or not allowed (DNS rebinding). Run it before any routing. */
export function refuseHost(headers: GuardHeaders, options: GuardOptions = {}): GuardRefusal | undefined {
  const host = firstHeader(headers.host);
  if (isAllowedHost(host, options.allowedHosts)) return undefined;
  return refusal('host-not-allowed', 'AccessDenied', host
    ? `The local cloud only answers requests addressed to a loopback name (localhost, 127.0.0.1, [::1], *.localhost), not Host "${clip(host)}"; add the name to ${ALLOWED_HOSTS_ENV} if you really reach it under that name.`
    : 'The request has no Host header; the local cloud only answers requests addressed to a loopback name such as localhost or 127.0.0.1.');
}

/** Refuses what a browser sends on behalf of another site: a non-loopback Origin, cross-/same-site fetches, no-cors or navigation modes. */
export function refuseBrowser(headers: GuardHeaders): GuardRefusal | undefined {
  const origin = firstHeader(headers.origin);
  if (origin !== undefined && !isLoopbackOrigin(origin)) {
    return refusal('origin-not-loopback', 'AccessDenied', `Requests from web pages are refused: Origin "${clip(origin)}" is not a loopback origin; call the local cloud from an AWS SDK or the AWS CLI.`);
  }
  const site = firstHeader(headers['sec-fetch-site'])?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    return refusal('cross-site-fetch', 'AccessDenied', `Requests from other web sites are refused (Sec-Fetch-Site: ${site}); call the local cloud from an AWS SDK or the AWS CLI.`);
  }
  const mode = firstHeader(headers['sec-fetch-mode'])?.trim().toLowerCase();
  if (mode === 'no-cors' || mode === 'navigate') {
    return refusal('browser-fetch-mode', 'AccessDenied', `Browser ${mode === 'navigate' ? 'navigations and form posts' : 'no-cors requests'} are refused (Sec-Fetch-Mode: ${mode}); call the local cloud from an AWS SDK or the AWS CLI.`);
  }
  return undefined;
}

const ALGORITHMS = ['AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'];
/** `AKID/20260101/us-east-1/xray/aws4_request`; SigV4a scopes leave the region out. */
const CREDENTIAL_SCOPE = /^[^/\s,]+\/\d{8}\/(?:[^/\s,]+\/)?[^/\s,]+\/aws4_request$/;
const SIGNATURE = /^[0-9a-fA-F]+$/;
const SIGNED_HEADERS = /^[a-z0-9-]+(?:;[a-z0-9-]+)*$/;

/**
 * Refuses a request that carries no well-formed SigV4 signature, in the Authorization header
 * (`AWS4-HMAC-SHA256 Credential=…/date/region/service/aws4_request, SignedHeaders=…, Signature=…`)
 * or presigned in the query (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Signature`).
 * `url` is the request target (`/path?query`) or a URL object.
 */
export function refuseUnsigned(headers: GuardHeaders, url: string | URL): GuardRefusal | undefined {
  const auth = firstHeader(headers.authorization)?.trim();
  if (auth) return wellFormedAuthorization(auth) ? undefined : incomplete('The Authorization header is not a complete AWS Signature Version 4 header (AWS4-HMAC-SHA256 Credential=…/date/region/service/aws4_request, SignedHeaders=…, Signature=…)');
  const query = (typeof url === 'string' ? new URL(url, 'http://localhost') : url).searchParams;
  const presigned = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].map((k) => query.get(k));
  if (presigned.every((v) => v === null)) {
    return refusal('missing-signature', 'MissingAuthenticationToken', 'Missing Authentication Token: the local cloud only answers requests signed with AWS Signature Version 4 (any access key works); use an AWS SDK or the AWS CLI.');
  }
  const [algorithm, credential, signature] = presigned;
  if (algorithm && ALGORITHMS.includes(algorithm) && credential && CREDENTIAL_SCOPE.test(credential) && signature && SIGNATURE.test(signature)) return undefined;
  return incomplete('The presigned URL is not a complete AWS Signature Version 4 signature (X-Amz-Algorithm=AWS4-HMAC-SHA256, X-Amz-Credential=…/date/region/service/aws4_request, X-Amz-Signature)');
}

/** Everything a control-plane request must pass, in order: Host, browser context, signature. */
export function refuseControlPlane(headers: GuardHeaders, url: string | URL, options: GuardOptions = {}): GuardRefusal | undefined {
  return refuseHost(headers, options) ?? refuseBrowser(headers) ?? refuseUnsigned(headers, url);
}

/** What an unsigned endpoint meant for local tools only (sampling calls, OTLP, daemon TCP) must pass: Host and browser context. */
export function refuseUnsignedEndpoint(headers: GuardHeaders, options: GuardOptions = {}): GuardRefusal | undefined {
  return refuseHost(headers, options) ?? refuseBrowser(headers);
}

function wellFormedAuthorization(auth: string): boolean {
  const space = auth.indexOf(' ');
  if (space < 0 || !ALGORITHMS.includes(auth.slice(0, space))) return false;
  const fields = new Map<string, string>();
  for (const part of auth.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return CREDENTIAL_SCOPE.test(fields.get('Credential') ?? '')
    && SIGNED_HEADERS.test(fields.get('SignedHeaders') ?? '')
    && SIGNATURE.test(fields.get('Signature') ?? '');
}

/** `http://localhost:3000`, `http://127.0.0.1`, `http://[::1]:8080`, `http://app.localhost`; "null" and other schemes are not. */
function isLoopbackOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin.trim());
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return isLoopbackName(u.hostname.replace(/^\[|\]$/g, ''));
}

function incomplete(what: string): GuardRefusal {
  return refusal('incomplete-signature', 'IncompleteSignature', `${what}; sign the request with an AWS SDK or the AWS CLI.`);
}

function refusal(reason: RefusalReason, awsCode: GuardRefusal['awsCode'], message: string): GuardRefusal {
  return { reason, awsCode, status: 403, message };
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** A header's first value (node:http gives repeated headers as arrays). */
export function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Echoed values are cut short: a refusal must not become a reflection channel. */
function clip(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable;
}
