/**
 * DynamoDB AttributeValue → plain JSON, enough for the profile items the lab writes (all `S`, but a learner
 * may put maps or lists in `preferences`). Kept local because `@aws-sdk/util-dynamodb` is not a dependency.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export interface UserProfile {
  userId: unknown;
  name: unknown;
  email: unknown;
  preferences: unknown;
}

export function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) {
    const n = Number(value.N);
    // Integers beyond 2^53 would silently lose digits as numbers; keep their decimal string instead.
    return /^-?\d+$/.test(value.N) && !Number.isSafeInteger(n) ? value.N : n;
  }
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromItem(value.M);
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  return null;
}

export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[key] = fromAttributeValue(value);
  return out;
}

/** Only the public profile fields leave the function, whatever else the item carries. */
export function toUserProfile(item: Record<string, AttributeValue>): UserProfile {
  const plain = fromItem(item);
  return { userId: plain.userId, name: plain.name, email: plain.email, preferences: plain.preferences };
}
