/**
 * Checks DynamoDB makes that dynalite does not, applied before a request reaches dynalite. Each one
 * closes a hole found by feeding it bad input: dynalite recurses through item values (an item nested
 * 100,000 deep overflowed the stack), floors any number into an Integer member (`Limit: 4294967296`
 * scanned as if it were another value), ignores CreateTable's `Tags` (we apply them ourselves, so bad
 * ones vanished silently) and stores a tag without a Value as `undefined`, which throws inside
 * LevelDB and takes the whole process down.
 * Messages follow DynamoDB's (`1 validation error detected: Value … at '…' failed to satisfy constraint: …`).
 */
import { jsonNestsDeeperThan } from '../core/json-depth.js';

export interface DynamoInputError {
  type: 'ValidationException';
  message: string;
}

/**
 * DynamoDB allows 32 levels of nested M/L values, two JSON levels each, under at most 8 levels of
 * request structure (TransactWriteItems → Put → Item → …): anything deeper cannot be a valid request.
 */
const MAX_REQUEST_DEPTH = 8 + 2 * 32;
const MAX_INTEGER = 2_147_483_647;
const INTEGER_MEMBERS = ['Limit', 'Segment', 'TotalSegments'] as const;

const invalid = (message: string): DynamoInputError => ({ type: 'ValidationException', message });
const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);

/** The first reason DynamoDB would refuse this request that dynalite would not, or undefined. */
export function checkDynamoInput(target: string, body: string): DynamoInputError | undefined {
  if (jsonNestsDeeperThan(body, MAX_REQUEST_DEPTH)) {
    return invalid('Nesting Levels have exceeded supported limits: an attribute value may nest at most 32 levels of M and L');
  }
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return undefined; // dynalite answers malformed JSON with DynamoDB's SerializationException
  }
  if (typeof input !== 'object' || input === null) return undefined;
  const o = input as Record<string, unknown>;
  for (const name of INTEGER_MEMBERS) {
    const v = o[name];
    if (typeof v === 'number' && !(v <= MAX_INTEGER)) {
      return invalid(`1 validation error detected: Value '${v}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value less than or equal to ${MAX_INTEGER}`);
    }
  }
  const op = target.split('.')[1];
  if ((op === 'CreateTable' || op === 'TagResource') && o.Tags !== undefined && o.Tags !== null) return checkTags(o.Tags);
  return undefined;
}

/** DynamoDB's Tag shape: Key 1–128 characters, Value 0–256, both required. */
function checkTags(tags: unknown): DynamoInputError | undefined {
  if (!Array.isArray(tags)) return invalid("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must be a list of {Key, Value}");
  for (let i = 0; i < tags.length; i++) {
    const at = `tags.${i + 1}.member`;
    const t: unknown = tags[i];
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      return invalid(`1 validation error detected: Value at '${at}' failed to satisfy constraint: Member must be an object with Key and Value`);
    }
    const { Key, Value } = t as Record<string, unknown>;
    if (typeof Key !== 'string') return invalid(`1 validation error detected: Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
    if (Key.length < 1 || Key.length > 128) {
      return invalid(`1 validation error detected: Value '${Key}' at '${at}.key' failed to satisfy constraint: Member must have length between 1 and 128`);
    }
    if (typeof Value !== 'string') return invalid(`1 validation error detected: Value null at '${at}.value' failed to satisfy constraint: Member must not be null`);
    if (Value.length > 256) {
      return invalid(`1 validation error detected: Value at '${at}.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
    }
  }
  return undefined;
}
