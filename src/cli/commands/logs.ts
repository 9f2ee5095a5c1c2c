/**
 * `logs`: the function's CloudWatch log events (START/END/REPORT, the handler's output) with the trace id
 * of each sampled invocation, from its REPORT line. `--follow` polls until Ctrl-C, which ends it normally.
 */
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { CommonFlags } from '../../lab/config.js';
import { isNotFound } from '../../lab/aws-errors.js';
import { systemClock } from '../../lab/context.js';
import { UserError } from '../../lab/errors.js';
import { FUNCTION_NAME } from '../../lab/guide.js';
import { parseSince, withClients, type ReadOnlySession } from './readonly.js';

export interface LogsFlags extends CommonFlags {
  since?: string;
  follow?: boolean;
  function?: string;
}

export interface Invocation {
  requestId: string;
  traceId?: string;
  durationMs?: number;
}

const POLL_MS = 2_000;
/** Longer than a function's timeout (30 s here; 900 s is Lambda's maximum, rare in this lab). */
const FOLLOW_LOOKBACK_MS = 120_000;

/** Per request id: the trace id and duration Lambda writes on the REPORT line. */
export function invocationsOf(messages: readonly string[]): Invocation[] {
  const out: Invocation[] = [];
  for (const m of messages) {
    const report = /^REPORT RequestId: (\S+)/.exec(m);
    if (!report) continue;
    const trace = /XRAY TraceId: (\S+)/.exec(m);
    const dur = /\tDuration: ([\d.]+) ms/.exec(m);
    out.push({ requestId: report[1]!, ...(trace ? { traceId: trace[1]! } : {}), ...(dur ? { durationMs: Number(dur[1]) } : {}) });
  }
  return out;
}

function line(e: FilteredLogEvent): string {
  const when = new Date(e.timestamp ?? 0).toISOString();
  const stream = (e.logStreamName ?? '').split(']').pop() ?? '';
  return `${when} ${stream.slice(0, 8)} ${(e.message ?? '').replace(/\n+$/, '').replace(/\n/g, '\n    ')}`;
}

async function fetchEvents(s: ReadOnlySession, group: string, startTime: number, seen: Set<string>): Promise<FilteredLogEvent[]> {
  const { paginateFilterLogEvents } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = await s.clients.logs();
  const out: FilteredLogEvent[] = [];
  for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: group, startTime }, { abortSignal: s.signal })) {
    for (const e of page.events ?? []) {
      const id = e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(e);
    }
  }
  return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}

export async function logsCommand(flags: LogsFlags): Promise<void> {
  const since = parseSince(flags.since ?? '10m', Date.now());
  if (Number.isNaN(since)) throw new UserError(`--since takes a span like 10m, 2h, 1d or an ISO time, got "${flags.since}".`);
  const fn = flags.function ?? FUNCTION_NAME;
  const group = `/aws/lambda/${fn}`;
  await withClients(flags, async (s) => {
    const seen = new Set<string>();
    const start = since;
    let events: FilteredLogEvent[];
    try {
      events = await fetchEvents(s, group, start, seen);
    } catch (e) {
      throw notFoundHint(e, group, fn);
    }
    if (!flags.follow) {
      const messages = events.map((e) => e.message ?? '');
      s.io.result(
        { logGroup: group, since: new Date(since).toISOString(), events: events.map((e) => ({ timestamp: e.timestamp, stream: e.logStreamName, message: e.message })), invocations: invocationsOf(messages) },
        events.length ? events.map(line).join('\n') : `No log events in ${group} since ${new Date(since).toISOString()}.`,
      );
      return;
    }
    s.io.info(`Following ${group} (Ctrl-C to stop)…`);
    let newest = start;
    for (;;) {
      for (const e of events) {
        process.stdout.write(s.config.json ? `${JSON.stringify({ timestamp: e.timestamp, stream: e.logStreamName, message: e.message })}\n` : `${line(e)}\n`);
        newest = Math.max(newest, e.timestamp ?? newest);
      }
      try {
        await systemClock.sleep(POLL_MS, s.signal);
        // Events arrive late and out of order (Lambda writes an invocation's START with its start time once
        // the invocation ends): look back a window behind the newest event seen; `seen` drops repeats.
        events = await fetchEvents(s, group, Math.max(start, newest - FOLLOW_LOOKBACK_MS), seen);
      } catch (e) {
        if (s.signal.aborted) return; // Ctrl-C is how following ends.
        throw e;
      }
    }
  });
}

function notFoundHint(e: unknown, group: string, fn: string): unknown {
  if (!isNotFound(e)) return e;
  return new UserError(`There is no log group ${group}: function ${fn} has not run yet, or does not exist`, 'Run `xray-lab setup` (step 3 creates the function), then `xray-lab invoke`.');
}
