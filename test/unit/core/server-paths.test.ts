import { describe, expect, it } from 'vitest';
import { withoutServerPaths } from '../../../src/local/core/errors.js';

describe('withoutServerPaths', () => {
  it.each([
    ["EEXIST: file already exists, open '/tmp/xray-lab-lambda-Tb/fn/.staging-1/index.js'", "EEXIST: file already exists, open '<path>'"],
    ['spawn /usr/bin/node ENOENT', 'spawn <path> ENOENT'],
    ['ENOENT: no such file or directory, open /home/u/.local/state/x.json', 'ENOENT: no such file or directory, open <path>'],
  ])('hides the absolute path in %s', (message, expected) => {
    expect(withoutServerPaths(message)).toBe(expected);
  });

  it('keeps URLs and messages without paths as they are', () => {
    expect(withoutServerPaths('see http://127.0.0.1:4566/a/b')).toBe('see http://127.0.0.1:4566/a/b');
    expect(withoutServerPaths("Cannot create property 'member' on string 'x'")).toBe("Cannot create property 'member' on string 'x'");
  });
});
