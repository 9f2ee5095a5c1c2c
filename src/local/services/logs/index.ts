/**
 * CloudWatch Logs (awsJson1_1, `Logs_20140328`): log groups, streams, events and tags — what the lab's
 * troubleshooting commands and teardown use, and where local Lambda functions write their output.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
 * Copies the error codes (ResourceNotFoundException, ResourceAlreadyExistsException,
 * InvalidParameterException, all 400), chronological-batch and too-old/too-new rules of PutLogEvents,
 * and GetLogEvents' repeating token at the end of a stream.
 * Left out on purpose: retention (nothing expires), metric/subscription filters, Insights queries,
 * JSON/space-delimited/regex filter patterns, KMS, data protection.
 */
import { ServiceError } from '../../core/errors.js';
import type { LocalService, RequestContext } from '../../core/types.js';
import type { LocalCloudEnv } from '../../env.js';
import { awsJsonService } from '../../protocols/aws-json.js';
import { filterLogEvents, getLogEvents, invalidParameter } from './query.js';
import { LogStore, type GroupRow, type StreamRow } from './store.js';

export interface LogsApi {
  service: LocalService;
  store: LogStore;
  /**
   * Lambda's path in: creates the group and stream on first use, as the Lambda service does. The events
   * are written a few milliseconds later, many invocations in one transaction (a commit per invocation
   * costs more than the invocation's own work under load); every Logs operation writes them first.
   */
  append(group: string, stream: string, events: { timestamp: number; message: string }[]): void;
  /** Writes what `append` holds now. */
  flush(): void;
}

/** How long appended events may wait for company before they are committed. */
const APPEND_BATCH_MS = 10;

type Input = Record<string, unknown>;

const GROUP_RE = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_RE = /^[^:*]{1,512}$/;
const DAY_MS = 86_400_000;

const str = (input: Input, key: string): string | undefined => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
const num = (input: Input, key: string): number | undefined => (typeof input[key] === 'number' ? (input[key] as number) : undefined);

/** PutLogEvents' size rules: each event (UTF-8 message + 26 bytes of framing) ≤ 256 KiB, the batch ≤ 1 MiB counted the same way. */
const EVENT_OVERHEAD = 26;
const MAX_EVENT_BYTES = 262_144;
const MAX_BATCH_BYTES = 1_048_576;

function checkBatchSize(events: unknown[]): void {
  let total = 0;
  events.forEach((e, i) => {
    const message = (e as { message?: unknown } | null)?.message;
    const size = (typeof message === 'string' ? Buffer.byteLength(message) : 0) + EVENT_OVERHEAD;
    if (size > MAX_EVENT_BYTES) throw invalidParameter(`Log event too large: event ${i} is ${size} bytes and exceeds the limit of ${MAX_EVENT_BYTES}; split the message.`);
    total += size;
  });
  if (total > MAX_BATCH_BYTES) throw invalidParameter(`Upload too large: ${total} bytes exceeds limit of ${MAX_BATCH_BYTES}; send the events in smaller batches.`);
}

function limitOf(input: Input, max: number): number {
  const limit = input.limit ?? max;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) throw invalidParameter(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  return limit;
}

function tagMap(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) throw invalidParameter('tags must be a map of strings.');
  return v as Record<string, string>;
}

export function createLogsService(env: LocalCloudEnv): LogsApi {
  const store = new LogStore(env.db);
  const groupArn = (ctx: RequestContext | undefined, name: string) => `arn:aws:logs:${ctx?.region ?? env.defaultRegion}:${env.accountId}:log-group:${name}`;

  /** Operations name the group by `logGroupName` or, in newer APIs, `logGroupIdentifier` (name or ARN). */
  const groupOf = (input: Input): GroupRow => {
    const id = str(input, 'logGroupName') ?? str(input, 'logGroupIdentifier');
    if (!id) throw invalidParameter('logGroupName is required.');
    const name = id.startsWith('arn:') ? id.replace(/^arn:[^:]+:logs:[^:]*:\d*:log-group:/, '').replace(/:\*$/, '') : id;
    const group = store.group(name);
    if (!group) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
    return group;
  };
  const streamOf = (group: GroupRow, input: Input): StreamRow => {
    const name = str(input, 'logStreamName');
    if (!name) throw invalidParameter('logStreamName is required.');
    const stream = store.stream(group.name, name);
    if (!stream) throw new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.', 400);
    return stream;
  };
  const groupByArn = (input: Input): GroupRow => {
    const arn = str(input, 'resourceArn');
    if (!arn || !/^arn:[^:]+:logs:[^:]*:\d*:log-group:/.test(arn)) throw invalidParameter('resourceArn must be a log group ARN.');
    return groupOf({ logGroupIdentifier: arn });
  };
  const ensureGroup = (name: string, tags: Record<string, string> = {}) => {
    if (!store.group(name)) store.createGroup(name, env.clock.now(), tags);
  };
  const ensureStream = (group: string, name: string) => {
    if (!store.stream(group, name)) store.createStream(group, name, env.clock.now());
  };

  const groupOutput = (g: GroupRow, ctx: RequestContext) => ({
    logGroupName: g.name,
    creationTime: g.created,
    ...(g.retention !== null ? { retentionInDays: g.retention } : {}),
    metricFilterCount: 0,
    arn: `${groupArn(ctx, g.name)}:*`,
    logGroupArn: groupArn(ctx, g.name),
    storedBytes: g.stored_bytes,
    logGroupClass: 'STANDARD',
  });
  const streamOutput = (s: StreamRow, ctx: RequestContext) => ({
    logStreamName: s.name,
    creationTime: s.created,
    ...(s.first_ts !== null ? { firstEventTimestamp: s.first_ts, lastEventTimestamp: s.last_ts, lastIngestionTime: s.last_ingest } : {}),
    arn: `${groupArn(ctx, s.grp)}:log-stream:${s.name}`,
    storedBytes: 0,
  });
  const setTags = (g: GroupRow, added: Record<string, string>) => {
    const tags = { ...(JSON.parse(g.tags) as Record<string, string>), ...added };
    if (Object.keys(tags).length > 50) throw invalidParameter('A log group can have at most 50 tags.');
    store.setTags(g.name, tags);
  };
  const removeTags = (g: GroupRow, keys: unknown) => {
    const drop = new Set(Array.isArray(keys) ? keys : []);
    store.setTags(g.name, Object.fromEntries(Object.entries(JSON.parse(g.tags) as Record<string, string>).filter(([k]) => !drop.has(k))));
  };

  const pending = new Map<string, { group: string; stream: string; events: { timestamp: number; message: string }[] }>();
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pending.size === 0) return;
    const batches = [...pending.values()];
    pending.clear();
    const ingest = env.clock.now();
    env.db.transaction(() => {
      for (const b of batches) store.append(b.group, b.stream, b.events.sort((x, y) => x.timestamp - y.timestamp), ingest);
    })();
  };

  const service = awsJsonService({
    name: 'logs',
    title: 'CloudWatch Logs',
    targetPrefix: 'Logs_20140328',
    contentType: 'application/x-amz-json-1.1',
    close: async () => flush(),
    operations: flushingFirst(flush, {
      CreateLogGroup: (input) => {
        const name = str(input, 'logGroupName');
        if (!name || !GROUP_RE.test(name)) throw invalidParameter(`1 validation error detected: Value '${String(input.logGroupName)}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
        if (store.group(name)) throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
        store.createGroup(name, env.clock.now(), tagMap(input.tags));
      },
      DescribeLogGroups: (input, ctx) => {
        const prefix = str(input, 'logGroupNamePrefix') ?? '';
        const limit = limitOf(input, 50);
        const from = str(input, 'nextToken') ? Buffer.from(str(input, 'nextToken')!, 'base64url').toString() : '';
        const rows = store.groups(prefix, from, limit + 1);
        const next = rows.length > limit ? rows.pop() : undefined;
        return { logGroups: rows.map((g) => groupOutput(g, ctx)), ...(next ? { nextToken: Buffer.from(next.name).toString('base64url') } : {}) };
      },
      DeleteLogGroup: (input) => store.deleteGroup(groupOf(input).name),
      CreateLogStream: (input) => {
        const group = groupOf(input);
        const name = str(input, 'logStreamName');
        if (!name || !STREAM_RE.test(name)) throw invalidParameter(`1 validation error detected: Value '${String(input.logStreamName)}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`);
        if (store.stream(group.name, name)) throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400);
        store.createStream(group.name, name, env.clock.now());
      },
      DeleteLogStream: (input) => {
        const group = groupOf(input);
        store.deleteStream(group.name, streamOf(group, input).name);
      },
      DescribeLogStreams: (input, ctx) => {
        const group = groupOf(input);
        const prefix = str(input, 'logStreamNamePrefix');
        const orderBy = str(input, 'orderBy') ?? 'LogStreamName';
        if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalidParameter(`Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
        if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
        const limit = limitOf(input, 50);
        let streams = store.streams(group.name).filter((s) => prefix === undefined || s.name.startsWith(prefix));
        // Streams with no events yet sort first by LastEventTime, as they have none.
        if (orderBy === 'LastEventTime') streams.sort((a, b) => (a.last_ts ?? -Infinity) - (b.last_ts ?? -Infinity) || a.name.localeCompare(b.name));
        if (input.descending === true) streams = streams.reverse();
        const start = str(input, 'nextToken') ? Number(Buffer.from(str(input, 'nextToken')!, 'base64url').toString()) : 0;
        if (!Number.isInteger(start) || start < 0) throw invalidParameter('The specified nextToken is invalid.');
        const page = streams.slice(start, start + limit);
        const more = start + limit < streams.length;
        return { logStreams: page.map((s) => streamOutput(s, ctx)), ...(more ? { nextToken: Buffer.from(String(start + limit)).toString('base64url') } : {}) };
      },
      PutLogEvents: (input) => {
        const group = groupOf(input);
        const stream = streamOf(group, input);
        const events = input.logEvents;
        if (!Array.isArray(events) || events.length === 0 || events.length > 10_000) throw invalidParameter('logEvents must hold between 1 and 10000 events.');
        checkBatchSize(events);
        const now = env.clock.now();
        let tooNewStart: number | undefined;
        let tooOldEnd: number | undefined;
        const accepted: { timestamp: number; message: string }[] = [];
        events.forEach((e: { timestamp?: unknown; message?: unknown }, i) => {
          if (typeof e?.timestamp !== 'number' || typeof e.message !== 'string' || e.message === '') throw invalidParameter('Each log event needs a numeric timestamp and a non-empty message.');
          if (i > 0 && e.timestamp < (events[i - 1] as { timestamp: number }).timestamp) throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
          if (e.timestamp < now - 14 * DAY_MS) tooOldEnd = i + 1;
          else if (e.timestamp > now + 2 * 3_600_000) tooNewStart ??= i;
          else accepted.push({ timestamp: e.timestamp, message: e.message });
        });
        store.append(group.name, stream.name, accepted, now);
        const rejected = { ...(tooNewStart !== undefined ? { tooNewLogEventStartIndex: tooNewStart } : {}), ...(tooOldEnd !== undefined ? { tooOldLogEventEndIndex: tooOldEnd } : {}) };
        return { nextSequenceToken: String(now), ...(Object.keys(rejected).length ? { rejectedLogEventsInfo: rejected } : {}) };
      },
      GetLogEvents: (input) => {
        const group = groupOf(input);
        const stream = streamOf(group, input);
        const r = getLogEvents(store, {
          group: group.name, stream: stream.name, start: num(input, 'startTime'), end: num(input, 'endTime'),
          token: str(input, 'nextToken'), limit: limitOf(input, 10_000), startFromHead: input.startFromHead === true,
        });
        return { events: r.events.map((e) => ({ timestamp: e.ts, message: e.message, ingestionTime: e.ingest })), nextForwardToken: r.nextForwardToken, nextBackwardToken: r.nextBackwardToken };
      },
      FilterLogEvents: (input) => {
        const group = groupOf(input);
        let streams = Array.isArray(input.logStreamNames) ? (input.logStreamNames as string[]) : undefined;
        const prefix = str(input, 'logStreamNamePrefix');
        if (streams && prefix !== undefined) throw invalidParameter('You cannot specify both logStreamNames and logStreamNamePrefix.');
        if (prefix !== undefined) streams = store.streams(group.name).map((s) => s.name).filter((n) => n.startsWith(prefix));
        const r = filterLogEvents(store, {
          group: group.name, streams, start: num(input, 'startTime'), end: num(input, 'endTime'),
          pattern: str(input, 'filterPattern'), token: str(input, 'nextToken'), limit: limitOf(input, 10_000),
        });
        return {
          events: r.events.map((e) => ({ logStreamName: e.stream, timestamp: e.ts, message: e.message, ingestionTime: e.ingest, eventId: String(e.id) })),
          searchedLogStreams: (streams ?? store.streams(group.name).map((s) => s.name)).map((logStreamName) => ({ logStreamName, searchedCompletely: r.nextToken === undefined })),
          ...(r.nextToken ? { nextToken: r.nextToken } : {}),
        };
      },
      TagLogGroup: (input) => setTags(groupOf(input), tagMap(input.tags)),
      UntagLogGroup: (input) => removeTags(groupOf(input), input.tags),
      ListTagsLogGroup: (input) => ({ tags: JSON.parse(groupOf(input).tags) as Record<string, string> }),
      TagResource: (input) => setTags(groupByArn(input), tagMap(input.tags)),
      UntagResource: (input) => removeTags(groupByArn(input), input.tagKeys),
      ListTagsForResource: (input) => ({ tags: JSON.parse(groupByArn(input).tags) as Record<string, string> }),
    }),
  });

  return {
    service,
    store,
    append(group, stream, events) {
      if (events.length === 0) return;
      ensureGroup(group);
      ensureStream(group, stream);
      const key = `${group}\u0000${stream}`;
      const entry = pending.get(key);
      if (entry) entry.events.push(...events);
      else pending.set(key, { group, stream, events: [...events] });
      if (!flushTimer) {
        flushTimer = setTimeout(flush, APPEND_BATCH_MS);
        flushTimer.unref();
      }
    },
    flush,
  };
}

/** Every operation sees the events appended before it (read-your-writes, as one process can offer). */
function flushingFirst<T extends Record<string, (input: Input, ctx: RequestContext) => unknown>>(flush: () => void, ops: T): T {
  return Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, (input: Input, ctx: RequestContext) => {
    flush();
    return op(input, ctx);
  }])) as T;
}
