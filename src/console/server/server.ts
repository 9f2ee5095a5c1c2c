/**
 * `xray-lab console`'s web server: loopback only, one random token per run, the guard's Host and
 * Origin rules on every request, no CORS headers, a strict CSP, GET only. The browser gets the bundled
 * page and JSON from api.ts; X-Ray is called from here with the CLI's own clients, so credentials
 * never leave this process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerApi, type ConsoleSource } from './api.js';
import { CONTENT_SECURITY_POLICY, loadAssets, type Asset } from './assets.js';
import { checkRequest, newToken, sessionCookie, TOKEN_PARAM } from './guard.js';

export const CONSOLE_HOST = '127.0.0.1';

export interface ConsoleServerOptions {
  source: ConsoleSource;
  /** 0 (the default) picks a free port. */
  port?: number;
  token?: string;
  assetDir?: string;
}

export interface ConsoleServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

export async function startConsoleServer(o: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = o.token ?? newToken();
  const assets: Map<string, Asset> = loadAssets(o.assetDir);
  const open = new Set<AbortController>();
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const urlToken = url.pathname === '/' ? url.searchParams.get(TOKEN_PARAM) : null;
    const verdict = checkRequest(req, port, token, urlToken);
    if (!verdict.ok) {
      const json = url.pathname.startsWith('/api/');
      if (json) sendJson(res, verdict.status, { error: verdict.message });
      else send(res, verdict.status, 'text/plain; charset=utf-8', `${verdict.message}\n`);
      return;
    }
    if (urlToken !== null) {
      // Swap the token for the cookie and drop it from the address bar (and so from history and screenshots).
      send(res, 303, 'text/plain; charset=utf-8', 'See /\n', { Location: '/', 'Set-Cookie': sessionCookie(port, token) });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const ac = new AbortController();
      open.add(ac);
      res.once('close', () => ac.abort());
      try {
        const { status, body } = await answerApi(url.pathname, url.searchParams, o.source, ac.signal);
        if (!res.destroyed) sendJson(res, status, body);
      } finally {
        open.delete(ac);
      }
      return;
    }
    const asset = assets.get(url.pathname);
    if (!asset) return send(res, 404, 'text/plain; charset=utf-8', `The console has no page ${url.pathname}; start from /.\n`);
    send(res, 200, asset.type, asset.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `The console failed: ${(e as Error).message}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, CONSOLE_HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${CONSOLE_HOST}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    close: async () => {
      for (const ac of open) ac.abort();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
