/**
 * awsQuery (IAM, STS): form-encoded `Action=<Op>&Version=…&Member.member.1=…` in, XML out,
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` for errors.
 */
import { ServiceError, looksLikeOperationName, notImplemented, ownOperation } from '../core/errors.js';
import type { HttpRequest, HttpResponse, LocalService, RequestContext } from '../core/types.js';
import { toServiceError } from './rest-json.js';

export type QueryInput = Record<string, unknown>;
/** An operation returns the members of `<OpResult>`, or nothing for operations without output. */
export type QueryOperation = (input: QueryInput, ctx: RequestContext) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;

export interface AwsQueryServiceOptions {
  name: string;
  title: string;
  version: string;
  xmlns: string;
  operations: Record<string, QueryOperation>;
}

/** Keys that would reach Object.prototype through a form field like `__proto__.x=1`. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** List positions beyond this are refused: `member.4294967295` would make a 4-billion-slot array to walk. */
export const MAX_LIST_INDEX = 1000;

/** `Tags.member.1.Key=k` → `{ Tags: [{ Key: 'k' }] }`; plain keys stay strings. */
export function parseQueryForm(params: URLSearchParams): QueryInput {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    for (const part of parts) {
      if (FORBIDDEN_KEYS.has(part)) throw new ServiceError('InvalidInput', `The parameter name ${key} is not valid.`, 400);
      if (/^\d+$/.test(part) && (Number(part) < 1 || Number(part) > MAX_LIST_INDEX)) {
        throw new ServiceError('InvalidInput', `The list position in ${key} must be from 1 to ${MAX_LIST_INDEX}.`, 400);
      }
    }
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (part === 'member' && Array.isArray(node)) continue;
      const isIndex = /^\d+$/.test(part) && Array.isArray(node);
      const slot: string | number = isIndex ? Number(part) - 1 : part;
      const container = node as Record<string | number, unknown>;
      // `Tags=x` and `Tags.member.1.Key=a` name one member both as a value and as a list: refuse, in either order.
      if (last) {
        if (typeof container[slot] === 'object') throw mixedForms(key);
        container[slot] = value;
        break;
      }
      const nextIsList = parts[i + 1] === 'member';
      container[slot] ??= nextIsList ? [] : {};
      if (typeof container[slot] !== 'object') throw mixedForms(key);
      node = container[slot] as Record<string, unknown> | unknown[];
    }
  }
  return root;
}

function mixedForms(key: string): ServiceError {
  const member = key.split('.')[0];
  return new ServiceError('InvalidInput', `The parameter ${member} is given both as a single value and as a list or structure (${key}); send only one form.`, 400);
}

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Element names come from operation output keys; one that is not an XML name would let a value escape its element. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (!XML_NAME.test(name)) throw new Error(`Refusing to write "${name.slice(0, 50)}" as an XML element name.`);
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml('member', v)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString().replace(/\.\d{3}Z$/, 'Z')}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<ErrorResponse>` as every query-protocol service writes it; also used for services the cloud does not speak. */
export function awsQueryError(err: ServiceError, requestId: string, xmlns?: string): HttpResponse {
  const ns = xmlns ? ` xmlns="${escapeXml(xmlns)}"` : '';
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse${ns}><Error><Type>${err.senderFault ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`,
  };
}

export function awsQueryService(opts: AwsQueryServiceOptions): LocalService {
  const xml = (status: number, body: string): HttpResponse => ({ status, headers: { 'content-type': 'text/xml' }, body });
  return {
    name: opts.name,
    protocol: 'awsQuery',
    errorResponse: (err, requestId) => awsQueryError(err, requestId, opts.xmlns),
    async handle(req: HttpRequest, ctx: RequestContext): Promise<HttpResponse> {
      let action = '';
      try {
        const params = new URLSearchParams(req.query);
        if (req.body.length > 0) for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
        action = params.get('Action') ?? '';
        if (!action) throw new ServiceError('MissingAction', 'The request must contain the parameter Action.', 400);
        const operation = ownOperation(opts.operations, action);
        if (!operation && looksLikeOperationName(action)) throw notImplemented(opts.title, action);
        if (!operation) throw new ServiceError('InvalidAction', `Could not find operation ${action.slice(0, 100)} for version ${params.get('Version') ?? opts.version}.`, 400);
        const result = await operation(parseQueryForm(params), ctx);
        const resultXml = result ? toXml(`${action}Result`, result) : '';
        return xml(
          200,
          `<${action}Response xmlns="${opts.xmlns}">${resultXml}<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${action}Response>`,
        );
      } catch (e) {
        return awsQueryError(toServiceError(e), ctx.requestId, opts.xmlns);
      }
    },
  };
}

/** Required-parameter check with AWS's wording. */
export function requireParam(input: QueryInput, name: string): string {
  const v = input[name];
  if (typeof v !== 'string' || v === '') {
    throw new ServiceError('ValidationError', `1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`, 400);
  }
  return v;
}
