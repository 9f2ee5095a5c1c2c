/**
 * Tokens of the X-Ray filter expression language. Dotted words (`http.url`, `rootcause.fault.service`,
 * `annotation.user_id`) stay one token; the parser splits them. `annotation[...]` keys and `#[...]`
 * JSON templates are read raw because their contents follow other rules.
 */
import { ServiceError } from '../../core/errors.js';

export type TokenKind = 'word' | 'string' | 'number' | 'op' | 'punct' | 'bracketKey' | 'json' | 'end';

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the unescaped value). */
  text: string;
  pos: number;
}

export function filterError(pos: number, expected: string, found: string): ServiceError {
  return new ServiceError('InvalidRequestException', `Invalid filter expression at position ${pos}: expected ${expected}, found ${found}`, 400);
}

export function describeToken(t: Token): string {
  if (t.kind === 'end') return 'end of expression';
  if (t.kind === 'string') return `"${t.text}"`;
  return `'${t.text}'`;
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

function readJson(src: string, start: number): number {
  // Balanced brackets, skipping over JSON strings; returns the index just past the closing ']'.
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw filterError(start, "']' closing the JSON template", 'end of expression');
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === '"') {
      let value = '';
      for (i++; i < src.length && src[i] !== '"'; i++) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        value += src[i];
      }
      if (i >= src.length) throw filterError(pos, 'a closing \'"\'', 'end of expression');
      i++;
      out.push({ kind: 'string', text: value, pos });
    } else if (DIGIT.test(c) || (c === '-' && DIGIT.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'number', text: m[0], pos });
    } else if (WORD_START.test(c)) {
      while (i < src.length && (WORD_CHAR.test(src[i]) || (src[i] === '.' && WORD_CHAR.test(src[i + 1] ?? '')))) i++;
      out.push({ kind: 'word', text: src.slice(pos, i), pos });
    } else if (c === '[' && out.length > 0 && out[out.length - 1].kind === 'word' && out[out.length - 1].text.toLowerCase() === 'annotation') {
      const close = src.indexOf(']', i);
      if (close < 0) throw filterError(pos, "']' closing the annotation key", 'end of expression');
      if (close === i + 1) throw filterError(i + 1, 'an annotation key', "']'");
      out.push({ kind: 'bracketKey', text: src.slice(i + 1, close), pos });
      i = close + 1;
    } else if (c === '#') {
      if (src[i + 1] !== '[') throw filterError(i + 1, "'[' after '#'", src[i + 1] === undefined ? 'end of expression' : `'${src[i + 1]}'`);
      const end = readJson(src, i + 1);
      out.push({ kind: 'json', text: src.slice(i + 1, end), pos });
      i = end;
    } else if (c === '!' || c === '<' || c === '>' || c === '=') {
      const two = src.slice(i, i + 2);
      const op = two === '!=' || two === '<=' || two === '>=' ? two : c;
      i += op.length;
      out.push({ kind: 'op', text: op, pos });
    } else if ('(){},:'.includes(c)) {
      i++;
      out.push({ kind: 'punct', text: c, pos });
    } else {
      throw filterError(pos, 'a keyword, value or operator', `'${c}'`);
    }
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}
