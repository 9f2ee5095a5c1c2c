/**
 * The one duration grammar of the CLI, for every `--since`, `--duration` and `--wait`:
 * a decimal number and a unit, `500ms`, `30s`, `1.5m`, `2h`, `1d`. A bare number is accepted only where
 * the caller names its unit (`load --duration 60` means seconds), and zero only where it means "none".
 * Callers wrap the result in their own error (commander's for option parsers, UserError elsewhere).
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof UNIT_MS;

export interface DurationGrammar {
  /** Unit of a number written without one; without this, a bare number is rejected (except 0 when allowed). */
  bareUnit?: DurationUnit;
  /** Whether 0 is valid (a `--wait 0` that means "do not wait"). */
  allowZero?: boolean;
}

/** Milliseconds, or undefined when the text is not a duration the grammar accepts. */
export function durationMs(text: string, grammar: DurationGrammar = {}): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n === 0) return grammar.allowZero ? 0 : undefined;
  const unit = (m[2] as DurationUnit | undefined) ?? grammar.bareUnit;
  if (unit === undefined) return undefined;
  const ms = n * UNIT_MS[unit];
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export const DAY_MS = UNIT_MS.d;
