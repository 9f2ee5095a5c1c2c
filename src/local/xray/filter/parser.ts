/**
 * Recursive-descent parser for X-Ray filter expressions (grammar: https://docs.aws.amazon.com/xray/latest/devguide/xray-console-filters.html). AND/OR and all
 * keywords are case-insensitive; juxtaposition means AND; type rules are enforced here so evaluation
 * never meets an ill-typed comparison.
 */
import { describeToken, filterError, tokenize, type Token } from './lexer.js';
import { KEYWORDS, OPS_BY_TYPE, isCompact, type CompareOp, type Expr, type Field, type Literal, type Scope, type Target, type ValueType } from './ast.js';

const COMPARE_WORDS = new Set(['contains', 'beginswith', 'endswith']);
const CONNECTIVES = new Set(['and', 'or']);
const SCOPE_TEXT: Record<Scope, string> = {
  trace: 'at the top level',
  service: 'in a service block',
  edge: 'in an edge block',
  rootcause: 'in a root cause block',
};

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): Expr {
    if (this.peek().kind === 'end') throw filterError(0, 'a filter', 'end of expression');
    const e = this.or('trace');
    this.expectEnd();
    return e;
  }

  private peek(): Token {
    return this.toks[this.i];
  }

  private next(): Token {
    return this.toks[this.i++];
  }

  private fail(expected: string, t: Token = this.peek()): never {
    throw filterError(t.pos, expected, describeToken(t));
  }

  private isWord(t: Token, w: string): boolean {
    return t.kind === 'word' && t.text.toLowerCase() === w;
  }

  private expectPunct(p: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) this.fail(`'${p}'`);
    return this.next();
  }

  private expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'end') this.fail(t.kind === 'punct' && t.text === ')' ? "end of expression (unbalanced ')')" : 'AND, OR or end of expression');
  }

  private or(scope: Scope): Expr {
    let l = this.and(scope);
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      l = { k: 'or', l, r: this.and(scope) };
    }
    return l;
  }

  private startsUnary(t: Token): boolean {
    return (t.kind === 'op' && t.text === '!') || (t.kind === 'punct' && t.text === '(') || (t.kind === 'word' && !CONNECTIVES.has(t.text.toLowerCase()));
  }

  private and(scope: Scope): Expr {
    let l = this.unary(scope);
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'and')) this.next();
      else if (!this.startsUnary(t)) return l;
      l = { k: 'and', l, r: this.unary(scope) };
    }
  }

  private unary(scope: Scope): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '!') {
      this.next();
      return { k: 'not', e: this.unary(scope) };
    }
    return this.primary(scope);
  }

  private primary(scope: Scope): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      const e = this.or(scope);
      this.expectPunct(')');
      return e;
    }
    if (t.kind !== 'word') this.fail('a keyword, service(), edge() or (');
    const w = t.text.toLowerCase();
    const traceOnly = (what: string) => {
      if (scope !== 'trace') this.fail(`a keyword allowed ${SCOPE_TEXT[scope]} (${what} is only allowed at the top level)`);
    };
    if (w === 'service') {
      traceOnly('service()');
      return this.service();
    }
    if (w === 'edge') {
      traceOnly('edge()');
      return this.edge();
    }
    if (w.startsWith('rootcause.')) {
      traceOnly('rootcause');
      return this.rootcause();
    }
    if (w.startsWith('group.')) {
      traceOnly('group');
      return this.group();
    }
    if (w === 'annotation' || w.startsWith('annotation.')) {
      if (scope !== 'trace') this.fail(`a keyword allowed ${SCOPE_TEXT[scope]} (annotations are only allowed at the top level)`);
      return this.comparison(this.annotationField());
    }
    const kw = KEYWORDS[w];
    if (!kw) this.fail('a filter keyword');
    if (!kw.scopes.includes(scope)) this.fail(`a keyword allowed ${SCOPE_TEXT[scope]}`);
    this.next();
    return this.comparison({ kind: 'keyword', name: w, type: kw.type });
  }

  private annotationField(): Field {
    const t = this.next();
    if (t.text.toLowerCase() !== 'annotation') return { kind: 'annotation', key: t.text.slice('annotation.'.length) };
    const key = this.peek();
    if (key.kind !== 'bracketKey') this.fail("'.KEY' or '[KEY]' after annotation");
    this.next();
    return { kind: 'annotation', key: key.text };
  }

  private comparison(field: Field): Expr {
    const opTok = this.peek();
    const isOp = (opTok.kind === 'op' && opTok.text !== '!') || (opTok.kind === 'word' && COMPARE_WORDS.has(opTok.text.toLowerCase()));
    if (!isOp) return { k: 'cmp', field };
    this.next();
    const op = opTok.text.toLowerCase() as CompareOp;
    const value = this.literal();
    const type: ValueType = field.kind === 'keyword' ? field.type : value.type;
    if (!OPS_BY_TYPE[type].includes(op)) {
      throw filterError(opTok.pos, `one of ${OPS_BY_TYPE[type].map((o) => o.toUpperCase()).join(' ')} for a ${typeName(type)} ${field.kind === 'keyword' ? `keyword '${field.name}'` : 'annotation value'}`, `'${opTok.text}'`);
    }
    if (value.type !== type) {
      const valueTok = this.toks[this.i - 1];
      this.failAt(valueTok, type === 'bool' ? 'true or false' : type === 'num' ? 'a number' : 'a quoted string');
    }
    return { k: 'cmp', field, op, value };
  }

  private failAt(t: Token, expected: string): never {
    throw filterError(t.pos, expected, describeToken(t));
  }

  private literal(): Literal {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return { type: 'str', value: t.text };
    }
    if (t.kind === 'number') {
      this.next();
      return { type: 'num', value: Number(t.text) };
    }
    if (this.isWord(t, 'true') || this.isWord(t, 'false')) {
      this.next();
      return { type: 'bool', value: t.text.toLowerCase() === 'true' };
    }
    return this.fail('a value (quoted string, number, true or false)');
  }

  private target(): Target {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return { name: t.text };
    }
    if (!this.isWord(t, 'id')) this.fail('a quoted service name or id(...)');
    this.next();
    this.expectPunct('(');
    const target: Target = {};
    for (;;) {
      const arg = this.peek();
      const a = arg.kind === 'word' ? arg.text.toLowerCase() : '';
      if (a !== 'name' && a !== 'type' && a !== 'account.id') this.fail('name:, type: or account.id:');
      this.next();
      this.expectPunct(':');
      const v = this.peek();
      if (v.kind !== 'string') this.fail('a quoted string');
      this.next();
      if (a === 'name') target.name = v.text;
      else if (a === 'type') target.type = v.text;
      else target.accountId = v.text;
      if (this.peek().kind === 'punct' && this.peek().text === ',') {
        this.next();
        continue;
      }
      this.expectPunct(')');
      return target;
    }
  }

  private block(scope: Scope): Expr {
    this.expectPunct('{');
    if (this.peek().kind === 'punct' && this.peek().text === '}') {
      this.next();
      return { k: 'true' };
    }
    const e = this.or(scope);
    this.expectPunct('}');
    return e;
  }

  private hasBlock(): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === '{';
  }

  private service(): Expr {
    this.next();
    this.expectPunct('(');
    let target: Target | undefined;
    if (!(this.peek().kind === 'punct' && this.peek().text === ')')) target = this.target();
    this.expectPunct(')');
    const block = this.hasBlock() ? this.block('service') : undefined;
    return { k: 'service', target, block, full: !isCompact(block) };
  }

  private edge(): Expr {
    this.next();
    this.expectPunct('(');
    const from = this.target();
    this.expectPunct(',');
    const to = this.target();
    this.expectPunct(')');
    const block = this.hasBlock() ? this.block('edge') : undefined;
    return { k: 'edge', from, to, block, full: !isCompact(block) };
  }

  private rootcause(): Expr {
    const t = this.next();
    const parts = t.text.toLowerCase().split('.');
    if (parts.length === 2 && parts[1] === 'json') {
      const eq = this.peek();
      if (eq.kind !== 'op' || eq.text !== '=') this.fail("'=' after rootcause.json");
      this.next();
      const j = this.peek();
      if (j.kind !== 'json') this.fail('a JSON template #[...]');
      this.next();
      let template: unknown;
      try {
        template = JSON.parse(j.text);
      } catch {
        this.failAt(j, 'a valid JSON array after #');
      }
      return { k: 'json', template: template as unknown[] };
    }
    const cause = parts[1];
    const level = parts[2];
    if (parts.length !== 3 || !['fault', 'error', 'responsetime'].includes(cause) || !['service', 'entity', 'exception'].includes(level)) {
      this.failAt(t, 'rootcause.{fault|error|responsetime}.{service|entity|exception} or rootcause.json');
    }
    if (!this.hasBlock()) this.fail("'{' after " + t.text);
    return { k: 'rootcause', cause: cause as 'fault', level: level as 'service', block: this.block('rootcause') };
  }

  private group(): Expr {
    const t = this.next();
    const attr = t.text.toLowerCase().slice('group.'.length);
    if (attr !== 'name' && attr !== 'arn') this.failAt(t, 'group.name or group.arn');
    const op = this.peek();
    if (op.kind !== 'op' || (op.text !== '=' && op.text !== '!=')) this.fail("'=' or '!='");
    this.next();
    const v = this.peek();
    if (v.kind !== 'string') this.fail('a quoted string');
    this.next();
    return { k: 'group', attr, op: op.text as '=', value: v.text };
  }
}

function typeName(t: ValueType): string {
  return t === 'bool' ? 'boolean' : t === 'num' ? 'number' : 'string';
}

/** Parse a filter expression; throws InvalidRequestException naming the position of the problem. */
export function parseFilter(src: string): Expr {
  return new Parser(tokenize(src)).parse();
}
