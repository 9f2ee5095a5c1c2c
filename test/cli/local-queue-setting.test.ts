/** `local start` with the opt-in environment queue says so in its log, where the cloud's other notices go. */
import { readFile } from 'node:fs/promises';
import { describe, expect } from 'vitest';
import { localCliTest as it } from '../support/fixtures.js';

describe('local start with XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS', () => {
  it('warns that invocations beyond the cap queue, which AWS does not do', async ({ box: sb }) => {
    const r = await sb.run(['local', 'start', '--port', '0', '--json'], { XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS: '2' });

    expect(r.code, r.stderr).toBe(0);
    const { logFile } = JSON.parse(r.stdout) as { logFile: string };
    expect(await readFile(logFile, 'utf8')).toContain('XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS=2: a function gets at most 2 execution environments and further invocations queue (not AWS\'s behaviour');
  });

  it('refuses a value that is not a whole number, naming the variable, before starting anything', async ({ box: sb }) => {
    const r = await sb.run(['local', 'start', '--port', '0', '--json'], { XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS: 'lots' });

    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS must be a whole number from 0 to 1000, got "lots".');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
