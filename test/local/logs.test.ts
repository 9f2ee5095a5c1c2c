import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand,
  DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, ListTagsForResourceCommand, ListTagsLogGroupCommand,
  PutLogEventsCommand, TagLogGroupCommand, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { TEST_CREDENTIALS } from '../support/local-cloud.js';

const T0 = Date.UTC(2026, 0, 1);
let cloud: LocalCloud;
let logs: CloudWatchLogsClient;
const clock = { t: T0, now() { return this.t; } };

beforeEach(async () => {
  clock.t = T0;
  cloud = await startLocalCloud({ port: 0, clock });
  logs = new CloudWatchLogsClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
});
afterEach(async () => {
  logs.destroy();
  await cloud.close();
});

async function groupWithStream(group: string, stream: string, messages: [number, string][]): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  if (messages.length) {
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: messages.map(([timestamp, message]) => ({ timestamp, message })) }));
  }
}

describe('log groups', () => {
  it('creates, lists by prefix with pagination, and deletes groups', async () => {
    for (const n of ['/aws/lambda/a', '/aws/lambda/b', '/aws/lambda/c', '/other']) await logs.send(new CreateLogGroupCommand({ logGroupName: n }));

    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', limit: 2 }));
    const second = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', limit: 2, nextToken: first.nextToken }));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/aws/lambda/b' }));
    const after = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));

    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/a', '/aws/lambda/b']);
    expect(first.logGroups?.[0]).toMatchObject({ creationTime: T0, arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*' });
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/c']);
    expect(second.nextToken).toBeUndefined();
    expect(after.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/a', '/aws/lambda/c']);
  });

  it('answers AWS errors for duplicates, unknown groups and bad names', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/g' }));

    const dup = logs.send(new CreateLogGroupCommand({ logGroupName: '/g' }));
    const missing = logs.send(new DeleteLogGroupCommand({ logGroupName: '/nope' }));
    const bad = logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' }));

    await expect(dup).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    await expect(missing).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    await expect(bad).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('tags a group by name and by ARN', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/t', tags: { app: 'xray-lab' } }));
    const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:/t';

    await logs.send(new TagLogGroupCommand({ logGroupName: '/t', tags: { step: '3' } }));
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { owner: 'me' } }));
    await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['step'] }));
    const byName = await logs.send(new ListTagsLogGroupCommand({ logGroupName: '/t' }));
    const byArn = await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }));

    expect(byName.tags).toEqual({ app: 'xray-lab', owner: 'me' });
    expect(byArn.tags).toEqual({ app: 'xray-lab', owner: 'me' });
  });
});

describe('streams and events', () => {
  it('orders streams by last event time, descending', async () => {
    await groupWithStream('/g', 'old', [[T0 - 5000, 'x']]);
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 'new' }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/g', logStreamName: 'new', logEvents: [{ timestamp: T0 - 1000, message: 'y' }] }));

    const res = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', orderBy: 'LastEventTime', descending: true, limit: 1 }));
    const rejected = logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', orderBy: 'LastEventTime', logStreamNamePrefix: 'o' }));

    expect(res.logStreams?.map((s) => [s.logStreamName, s.lastEventTimestamp])).toEqual([['new', T0 - 1000]]);
    expect(res.nextToken).toBeDefined();
    await expect(rejected).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('pages GetLogEvents forward from the head and backward from the tail, repeating the token at the end', async () => {
    await groupWithStream('/g', 's', [1, 2, 3, 4, 5].map((i) => [T0 - 10_000 + i, `line ${i}`] as [number, string]));

    const head = await logs.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', startFromHead: true, limit: 2 }));
    const next = await logs.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', nextToken: head.nextForwardToken, limit: 10 }));
    const end = await logs.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', nextToken: next.nextForwardToken }));
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', limit: 2 }));
    const before = await logs.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', nextToken: tail.nextBackwardToken, limit: 2 }));

    expect(head.events?.map((e) => e.message)).toEqual(['line 1', 'line 2']);
    expect(next.events?.map((e) => e.message)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(next.nextForwardToken);
    expect(tail.events?.map((e) => e.message)).toEqual(['line 4', 'line 5']);
    expect(before.events?.map((e) => e.message)).toEqual(['line 2', 'line 3']);
    expect(head.events?.[0]?.ingestionTime).toBe(T0);
  });

  it('rejects out-of-order batches and reports too-old and too-new events', async () => {
    await groupWithStream('/g', 's', []);
    const put = (events: [number, string][]) =>
      logs.send(new PutLogEventsCommand({ logGroupName: '/g', logStreamName: 's', logEvents: events.map(([timestamp, message]) => ({ timestamp, message })) }));

    const unordered = await put([[T0, 'b'], [T0 - 1, 'a']]).catch((e: unknown) => e);
    const mixed = await put([[T0 - 15 * 86_400_000, 'old'], [T0, 'ok'], [T0 + 3 * 3_600_000, 'future']]);
    const stored = await logs.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', startFromHead: true }));
    const noStream = await logs
      .send(new PutLogEventsCommand({ logGroupName: '/g', logStreamName: 'gone', logEvents: [{ timestamp: T0, message: 'x' }] }))
      .catch((e: unknown) => e);

    expect(unordered).toMatchObject({ name: 'InvalidParameterException' });
    expect(mixed.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
    expect(stored.events?.map((e) => e.message)).toEqual(['ok']);
    expect(noStream).toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' });
  });
});

describe('FilterLogEvents', () => {
  it('interleaves streams in time order and filters by terms, quoted phrases and exclusions', async () => {
    await groupWithStream('/g', 'a', [[T0 - 300, 'START RequestId: 1'], [T0 - 100, 'ERROR user not found']]);
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 'b' }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/g', logStreamName: 'b', logEvents: [{ timestamp: T0 - 200, message: 'ERROR retrying user lookup' }, { timestamp: T0 - 50, message: 'END RequestId: 2' }] }));
    const filter = async (filterPattern?: string, extra: { startTime?: number; logStreamNames?: string[] } = {}) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: '/g', filterPattern, ...extra }))).events?.map((e) => `${e.logStreamName}:${e.message}`);

    const all = await filter();
    const errors = await filter('ERROR');
    const phrase = await filter('"user not found"');
    const excluded = await filter('ERROR -retrying');
    const either = await filter('?START ?END');
    const windowed = await filter(undefined, { startTime: T0 - 150, logStreamNames: ['a'] });

    expect(all).toEqual(['a:START RequestId: 1', 'b:ERROR retrying user lookup', 'a:ERROR user not found', 'b:END RequestId: 2']);
    expect(errors).toEqual(['b:ERROR retrying user lookup', 'a:ERROR user not found']);
    expect(phrase).toEqual(['a:ERROR user not found']);
    expect(excluded).toEqual(['a:ERROR user not found']);
    expect(either).toEqual(['a:START RequestId: 1', 'b:END RequestId: 2']);
    expect(windowed).toEqual(['a:ERROR user not found']);
  });

  it('pages with nextToken until every match was returned once', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => [T0 - 1000 + i, i % 2 ? `odd ${i}` : `even ${i}`] as [number, string]);
    await groupWithStream('/g', 's', lines);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/g', filterPattern: 'odd', limit: 5, nextToken }));
      seen.push(...(page.events ?? []).map((e) => e.message!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 10);

    expect(seen).toEqual(lines.filter(([, m]) => m.startsWith('odd')).map(([, m]) => m));
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('refuses JSON patterns loudly instead of matching nothing', async () => {
    await groupWithStream('/g', 's', [[T0, '{"level":"error"}']]);

    const res = logs.send(new FilterLogEventsCommand({ logGroupName: '/g', filterPattern: '{ $.level = "error" }' }));

    await expect(res).rejects.toMatchObject({ name: 'NotImplemented' });
  });
});

describe('Lambda log path', () => {
  it('creates the group and stream on first append and keeps events durable in order', async () => {
    cloud.logs.append('/aws/lambda/fn', '2026/01/01/[$LATEST]abc', [{ timestamp: T0 - 2, message: 'START' }, { timestamp: T0 - 1, message: 'END' }]);

    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/fn' }));
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/fn', logStreamName: '2026/01/01/[$LATEST]abc', startFromHead: true }));

    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/fn']);
    expect(events.events?.map((e) => e.message)).toEqual(['START', 'END']);
  });

  it('shows events of invocations appended moments ago (batched writes are flushed before any read)', async () => {
    const stream = '2026/01/01/[$LATEST]def';
    cloud.logs.append('/aws/lambda/batched', stream, [{ timestamp: T0 + 2, message: 'second' }]);
    cloud.logs.append('/aws/lambda/batched', stream, [{ timestamp: T0 + 1, message: 'first' }]);

    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/batched' }));
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/batched', logStreamName: stream, startFromHead: true }));

    expect(streams.logStreams?.[0]).toMatchObject({ logStreamName: stream, firstEventTimestamp: T0 + 1, lastEventTimestamp: T0 + 2 });
    expect(events.events?.map((e) => e.message)).toEqual(['first', 'second']);
  });
});
