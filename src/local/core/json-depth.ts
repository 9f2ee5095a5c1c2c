/**
 * How deeply a JSON text nests, measured on the text without parsing it. V8 parses deep JSON fine,
 * but every recursive reader after it (JSON.stringify, dynalite's validators, tree walkers) overflows
 * the stack somewhere past a few thousand levels: callers refuse such texts before anything reads them.
 */

/** True when some `{`/`[` in the text opens more than `limit` levels deep (strings are skipped). */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped, whatever it is
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * The same measure on a value JSON.parse already built (V8's parser is iterative, so parsing deep text
 * is safe; what overflows is the recursive readers after it). Cheaper than the text scan when the text
 * is mostly strings: it visits values, not characters. Recursion stops at `limit`, so it cannot overflow.
 */
export function valueNestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (valueNestsDeeperThan(v, limit - 1)) return true;
    return false;
  }
  for (const k in value) if (valueNestsDeeperThan((value as Record<string, unknown>)[k], limit - 1)) return true;
  return false;
}
