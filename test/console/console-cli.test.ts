/** `xray-lab console`'s flags as a user types them: a bad --port is one sentence and exit 2, before anything starts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';

describe('xray-lab console flags', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox();
  });
  afterAll(async () => {
    await sb.dispose();
  });

  for (const port of ['abc', '70000', '-1']) {
    it(`--port ${port} exits 2 with one sentence and starts nothing`, async () => {
      const r = await sb.run(['console', '--no-open', '--port', port]);

      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--port takes a port number from 0 to 65535 \(0 = any free port\), got "/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
      const local = JSON.parse((await sb.run(['local', 'status', '--json'])).stdout);
      expect(local.running).toBe(false);
    });
  }

  it('--help lists the console with its flags', async () => {
    const r = await sb.run(['console', '--help']);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--port <n>/);
    expect(r.stdout).toMatch(/--no-open/);
    expect(r.stdout).toMatch(/--json/);
    expect(r.stdout).toMatch(/--target <target>/);
  });
});
