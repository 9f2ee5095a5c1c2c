/** CloudWatch Logs shapes of a Lambda function: stream names and the platform lines around each invocation. */
import type { Clock, IdGenerator } from '../core/types.js';
import type { LogEvent } from './types.js';

export const logGroupName = (functionName: string): string => `/aws/lambda/${functionName}`;

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, dated in UTC when the process (the "sandbox") starts. */
export function newLogStreamName(clock: Clock, ids: IdGenerator): string {
  const d = new Date(clock.now());
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/[$LATEST]${ids.hex(32)}`;
}

export const startLine = (requestId: string): string => `START RequestId: ${requestId} Version: $LATEST\n`;
export const endLine = (requestId: string): string => `END RequestId: ${requestId}\n`;

export function timeoutMessage(clock: Clock, requestId: string, timeoutS: number): string {
  return `${new Date(clock.now()).toISOString()} ${requestId} Task timed out after ${timeoutS.toFixed(2)} seconds`;
}

export interface ReportFacts {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  /** Present when the invocation was traced. */
  xray?: { traceId: string; segmentId: string };
  status?: 'error' | 'timeout';
}

export function reportLine(r: ReportFacts): string {
  const parts = [
    `REPORT RequestId: ${r.requestId}`,
    `Duration: ${r.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(r.durationMs))} ms`,
    `Memory Size: ${r.memoryMb} MB`,
    `Max Memory Used: ${r.maxMemoryUsedMb} MB`,
  ];
  if (r.initDurationMs !== undefined) parts.push(`Init Duration: ${r.initDurationMs.toFixed(2)} ms`);
  if (r.status) parts.push(`Status: ${r.status}`);
  let line = `${parts.join('\t')}\t`;
  if (r.xray) line += `\nXRAY TraceId: ${r.xray.traceId}\tSegmentId: ${r.xray.segmentId}\tSampled: true`;
  return `${line}\n`;
}

/** Invoke's X-Amz-Log-Result: base64 of the last 4 KB of the invocation's log text. */
export function tailLog(events: LogEvent[]): string {
  const text = Buffer.from(events.map((e) => e.message).join(''), 'utf8');
  return text.subarray(Math.max(0, text.length - 4096)).toString('base64');
}
