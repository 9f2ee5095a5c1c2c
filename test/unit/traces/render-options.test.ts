import { describe, expect, it } from 'vitest';
import { renderOptions } from '../../../src/cli/commands/traces/common.js';
import { chunk } from '../../../src/lab/traces/query.js';

const stream = (isTTY: boolean, columns?: number) => ({ isTTY, columns }) as unknown as NodeJS.WriteStream;

describe('trace command output settings', () => {
  it('colours only a terminal, and never with NO_COLOR set', () => {
    expect(renderOptions({}, stream(true, 90)).chalk.level).toBe(1);
    expect(renderOptions({ NO_COLOR: '1' }, stream(true, 90)).chalk.level).toBe(0);
    expect(renderOptions({ NO_COLOR: '' }, stream(true, 90)).chalk.level).toBe(1);
    expect(renderOptions({}, stream(false)).chalk.level).toBe(0);
  });

  it('fits the terminal width, else COLUMNS, else 120', () => {
    expect(renderOptions({ COLUMNS: '70' }, stream(true, 90)).width).toBe(90);
    expect(renderOptions({ COLUMNS: '70' }, stream(false)).width).toBe(70);
    expect(renderOptions({}, stream(false)).width).toBe(120);
  });

  it('cuts trace ids into BatchGetTraces-sized chunks of five', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);

    expect(chunk(ids, 5).map((c) => c.length)).toEqual([5, 5, 2]);
    expect(chunk(ids, 5).flat()).toEqual(ids);
    expect(chunk([], 5)).toEqual([]);
  });
});
