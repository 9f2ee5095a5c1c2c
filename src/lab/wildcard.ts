/** X-Ray's matcher syntax: `*` is any run of characters, `?` exactly one; case-insensitive like the SDKs. */
export function wildcardMatch(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'is').test(text);
}
