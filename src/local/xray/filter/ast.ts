/** The filter language's syntax tree and keyword tables (AWS X-Ray developer guide, "Filter expressions"). */

export type ValueType = 'bool' | 'num' | 'str';
export type Scope = 'trace' | 'service' | 'edge' | 'rootcause';
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'beginswith' | 'endswith';
export type Literal = { type: 'bool'; value: boolean } | { type: 'num'; value: number } | { type: 'str'; value: string };

export interface Target {
  name?: string;
  type?: string;
  accountId?: string;
}

export type Field = { kind: 'keyword'; name: string; type: ValueType } | { kind: 'annotation'; key: string };

export type Expr =
  | { k: 'and' | 'or'; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'true' }
  | { k: 'cmp'; field: Field; op?: CompareOp; value?: Literal }
  | { k: 'service'; target?: Target; block?: Expr; full: boolean }
  | { k: 'edge'; from: Target; to: Target; block?: Expr; full: boolean }
  | { k: 'rootcause'; cause: 'fault' | 'error' | 'responsetime'; level: 'service' | 'entity' | 'exception'; block: Expr }
  | { k: 'json'; template: unknown[] }
  | { k: 'group'; attr: 'name' | 'arn'; op: '=' | '!='; value: string };

/** Keyword → value type and the places it may appear. */
export const KEYWORDS: Record<string, { type: ValueType; scopes: Scope[] }> = {
  ok: { type: 'bool', scopes: ['trace', 'service', 'edge'] },
  error: { type: 'bool', scopes: ['trace', 'service', 'edge'] },
  throttle: { type: 'bool', scopes: ['trace', 'service', 'edge'] },
  fault: { type: 'bool', scopes: ['trace', 'service', 'edge'] },
  partial: { type: 'bool', scopes: ['trace', 'service', 'edge'] },
  inferred: { type: 'bool', scopes: ['trace', 'service', 'rootcause'] },
  first: { type: 'bool', scopes: ['rootcause'] },
  last: { type: 'bool', scopes: ['rootcause'] },
  remote: { type: 'bool', scopes: ['rootcause', 'edge'] },
  root: { type: 'bool', scopes: ['service'] },
  responsetime: { type: 'num', scopes: ['trace', 'service', 'edge'] },
  duration: { type: 'num', scopes: ['trace', 'service', 'edge'] },
  'http.status': { type: 'num', scopes: ['trace', 'service', 'edge'] },
  index: { type: 'num', scopes: ['rootcause'] },
  coverage: { type: 'num', scopes: ['rootcause'] },
  'http.url': { type: 'str', scopes: ['trace', 'service', 'edge'] },
  'http.method': { type: 'str', scopes: ['trace', 'service', 'edge'] },
  'http.useragent': { type: 'str', scopes: ['trace', 'service', 'edge'] },
  'http.clientip': { type: 'str', scopes: ['trace', 'service', 'edge'] },
  user: { type: 'str', scopes: ['trace', 'service'] },
  name: { type: 'str', scopes: ['service', 'edge', 'rootcause'] },
  type: { type: 'str', scopes: ['service', 'edge', 'rootcause'] },
  message: { type: 'str', scopes: ['rootcause'] },
  availabilityzone: { type: 'str', scopes: ['trace', 'service'] },
  'instance.id': { type: 'str', scopes: ['trace', 'service'] },
  'resource.arn': { type: 'str', scopes: ['trace', 'service'] },
};

/** Keywords a service/edge block can answer from the compact index; anything else needs the documents. */
export const COMPACT_BLOCK_KEYWORDS = new Set(['ok', 'error', 'throttle', 'fault', 'partial', 'inferred', 'root', 'responsetime', 'duration', 'http.status', 'name', 'type']);

export const OPS_BY_TYPE: Record<ValueType, CompareOp[]> = {
  bool: ['=', '!='],
  num: ['=', '!=', '<', '<=', '>', '>='],
  str: ['=', '!=', 'contains', 'beginswith', 'endswith'],
};

/** True when every keyword in `e` can be evaluated on the compact index. */
export function isCompact(e: Expr | undefined): boolean {
  if (!e) return true;
  switch (e.k) {
    case 'and':
    case 'or':
      return isCompact(e.l) && isCompact(e.r);
    case 'not':
      return isCompact(e.e);
    case 'cmp':
      return e.field.kind === 'keyword' && COMPACT_BLOCK_KEYWORDS.has(e.field.name);
    default:
      return true;
  }
}

export function mentionsGroup(e: Expr): boolean {
  switch (e.k) {
    case 'group':
      return true;
    case 'and':
    case 'or':
      return mentionsGroup(e.l) || mentionsGroup(e.r);
    case 'not':
      return mentionsGroup(e.e);
    default:
      return false;
  }
}
