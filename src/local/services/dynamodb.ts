/**
 * DynamoDB is dynalite (a real DynamoDB implementation on LevelDB), mounted on the shared port:
 * its request handler is called in-process, no proxy hop. Tables become ACTIVE at once,
 * so the AWS CLI's `wait table-exists` returns on its first poll. https://github.com/architect/dynalite
 *
 * We read the body ourselves and hand dynalite a finished, in-memory request: dynalite rethrows
 * socket errors from its request listener (a client killed mid-upload would crash the cloud), and
 * its CreateTable ignores `Tags`, which we apply with TagResource before answering. What reaches inside
 * dynalite (account/region, synchronous LevelDB reads) is dynalite-adapter.ts.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { withoutServerPaths } from '../core/errors.js';
import { checkDynamoInput } from './dynamodb-input.js';
import { startDynalite, type DynaliteListener as Listener } from './dynalite-adapter.js';

/** dynalite's own limit; bigger bodies are answered 413 without buffering them. */
export const DYNAMODB_MAX_BODY = 16 * 1024 * 1024;

export interface DynamoResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface DynamoDbBackend {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** One complete request through dynalite, in-process (also used by other local services). */
  call(headers: IncomingHttpHeaders, body: Buffer, method?: string, url?: string): Promise<DynamoResult>;
  close(): Promise<void>;
}

/** Feeds dynalite a request that has already been read, and collects what it answers. */
function callListener(listener: Listener, method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<DynamoResult> {
  return new Promise((resolve) => {
    const req = Object.assign(new EventEmitter(), { method, url, headers });
    const out: Record<string, string> = {};
    const res = {
      statusCode: 200,
      shouldKeepAlive: true,
      contentType: 'application/x-amz-json-1.0',
      setHeader: (k: string, v: unknown) => void (out[k.toLowerCase()] = String(v)),
      end: (chunk?: string | Buffer) => resolve({ status: res.statusCode, headers: out, body: chunk === undefined ? '' : String(chunk) }),
    };
    listener(req, res);
    if (body.length > 0) req.emit('data', body);
    req.emit('end');
  });
}

export async function createDynamoDb(opts: { dataDir?: string; region: string; accountId: string }): Promise<DynamoDbBackend> {
  const path = opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined;
  if (path) mkdirSync(path, { recursive: true, mode: 0o700 });
  const dynalite = await startDynalite({ ...(path ? { path } : {}), region: opts.region, accountId: opts.accountId });
  const listener = dynalite.listener;
  const call = async (headers: IncomingHttpHeaders, body: Buffer, method = 'POST', url = '/'): Promise<DynamoResult> => {
    const target = String(headers['x-amz-target'] ?? '');
    const refused = checkDynamoInput(target, body.toString('utf8'));
    if (refused) {
      return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': refused.type },
        body: JSON.stringify({ __type: `com.amazon.coral.validate#${refused.type}`, message: refused.message }) };
    }
    const result = await callListener(listener, method, url, headers, body);
    if (target === 'DynamoDB_20120810.CreateTable' && result.status === 200) await applyCreateTags(headers, body, result);
    if (target === 'DynamoDB_20120810.CreateTable' && result.status === 400) return withTableExistsMessage(body, result);
    return result;
  };
  async function applyCreateTags(headers: IncomingHttpHeaders, body: Buffer, created: DynamoResult): Promise<void> {
    const tags = (JSON.parse(body.toString('utf8')) as { Tags?: unknown }).Tags;
    if (!Array.isArray(tags) || tags.length === 0) return;
    const arn = (JSON.parse(created.body) as { TableDescription?: { TableArn?: string } }).TableDescription?.TableArn;
    await callListener(listener, 'POST', '/', { ...headers, 'x-amz-target': 'DynamoDB_20120810.TagResource' }, Buffer.from(JSON.stringify({ ResourceArn: arn, Tags: tags })));
  }
  return {
    call,
    handle(req, res) {
      const reply = (r: DynamoResult) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(r.status, { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) });
        res.end(r.body);
      };
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = Number(req.headers['content-length'] ?? 0) > DYNAMODB_MAX_BODY;
      req.on('error', () => undefined);
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > DYNAMODB_MAX_BODY) tooLarge = true;
        if (!tooLarge) chunks.push(c);
      });
      req.on('end', () => {
        if (tooLarge) return reply({ status: 413, headers: { 'content-type': 'application/x-amz-json-1.0', connection: 'close' }, body: JSON.stringify({ __type: 'com.amazon.coral.service#RequestEntityTooLarge', message: 'Request must be smaller than 16777216 bytes for the DynamoDB API' }) });
        call(req.headers, Buffer.concat(chunks), req.method ?? 'POST', req.url ?? '/').then(reply, (e: unknown) =>
          reply({ status: 500, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'InternalServerError' }, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `Internal error in the local cloud: ${withoutServerPaths((e as Error).message)}` }) }),
        );
      });
    },
    close: () => dynalite.close(),
  };
}

/** dynalite answers an existing table with an empty message; DynamoDB says which table (a learner re-running step 2 reads it). */
function withTableExistsMessage(request: Buffer, result: DynamoResult): DynamoResult {
  try {
    const error = JSON.parse(result.body) as { __type?: string; message?: string };
    if (!error.__type?.endsWith('#ResourceInUseException') || error.message) return result;
    const table = (JSON.parse(request.toString('utf8')) as { TableName?: unknown }).TableName;
    const body = JSON.stringify({ ...error, message: `Table already exists: ${String(table)}` });
    // Clients check the body against x-amz-crc32 (the AWS CLI retries on a mismatch); zlib.crc32 is
    // Node ≥ 20.15, and without the header clients check nothing.
    const headers = { ...result.headers };
    delete headers['x-amz-crc32'];
    const crc = (zlib as { crc32?: (data: string) => number }).crc32;
    if (crc) headers['x-amz-crc32'] = String(crc(body));
    return { ...result, body, headers };
  } catch {
    return result;
  }
}
