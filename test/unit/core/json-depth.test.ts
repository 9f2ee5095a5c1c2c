/**
 * The two depth measures must agree: segments are now refused on the parsed value's depth, where they
 * used to be refused on the text's, and the limit is a promise to every recursive reader downstream.
 */
import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan, valueNestsDeeperThan } from '../../../src/local/core/json-depth.js';

const nested = (depth: number, open: string, close: string, leaf = '1') => open.repeat(depth) + leaf + close.repeat(depth);

describe('JSON depth, on the text and on the parsed value', () => {
  const texts = [
    '1', '"[[[[["', '{}', '[]', '{"a":"}}}\\"{{{"}', nested(3, '[', ']'), nested(4, '{"k":', '}'),
    '{"a":[{"b":[{"c":{}}]}],"d":[[[]]]}', nested(100, '[', ']'), nested(101, '[', ']'), nested(100, '{"x":', '}', 'null'),
    nested(101, '{"x":', '}', '[]'), `{"wide":[${Array.from({ length: 50 }, () => nested(5, '[', ']')).join(',')}]}`,
  ];
  for (const limit of [0, 1, 2, 3, 4, 5, 100]) {
    it(`agree at limit ${limit}`, () => {
      for (const text of texts) expect(valueNestsDeeperThan(JSON.parse(text), limit), `${text.slice(0, 40)}…`).toBe(jsonNestsDeeperThan(text, limit));
    });
  }

  it('measures a value far deeper than the limit without overflowing the stack', () => {
    // Arrange: 200,000 levels, which JSON.parse builds iteratively and a naive recursive walk could not visit.
    const deep = JSON.parse(nested(200_000, '[', ']')) as unknown;
    // Act / Assert
    expect(valueNestsDeeperThan(deep, 100)).toBe(true);
  });
});
