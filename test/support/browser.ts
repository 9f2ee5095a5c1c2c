/**
 * Debian's Chromium through playwright-core (which never downloads a browser), for the console's tests
 * and benchmark. Browser-side checks are string expressions evaluated over the DevTools protocol: the
 * console's CSP forbids eval, which playwright's string `waitForFunction` would need.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The host names the attack pages use: both resolve to 127.0.0.1 inside the browser, as a rebinding DNS answer would. */
export const ATTACKER_HOST = 'attacker.test';
export const REBIND_HOST = 'rebind.test';

/**
 * Chromium as an attacker's visitor: `attacker.test` and `rebind.test` resolve to loopback, and Chromium's own
 * Local Network Access checks are off (other browsers lack them), so what stops an attack must be the local cloud.
 */
export function launchAttackerBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--host-resolver-rules=MAP ${ATTACKER_HOST} 127.0.0.1, MAP ${REBIND_HOST} 127.0.0.1`,
      '--no-sandbox',
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults',
    ],
  });
}

/** Polls `expression` in the page until it is truthy; returns its value. */
export async function waitForExpression<T = unknown>(page: Page, expression: string, timeoutMs = 30_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = (await page.evaluate(expression)) as T;
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
