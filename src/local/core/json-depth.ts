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

/**
 * True when JSON.parse(JSON.stringify(value)) would give back an equal value: only strings, booleans,
 * null, finite numbers other than -0, dense arrays and plain objects with no undefined member, at most
 * `limit` levels deep. A value built in this process that passes can stand in for the parse of its text.
 */
export function isJsonRoundTrip(value: unknown, limit: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (limit === 0) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonRoundTrip(value[i], limit - 1)) return false;
        return true;
      }
      // Not a Date, Map, class instance or an object whose prototype a `__proto__` key replaced.
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in value) if (!isJsonRoundTrip((value as Record<string, unknown>)[k], limit - 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
