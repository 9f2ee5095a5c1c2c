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
