import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { batchGetTracesCli, getServiceGraphCli, getTraceSummariesCli, shellQuote } from '../../../src/lab/traces/aws-cli.js';

const run = promisify(execFile);
const W = { start: new Date(1718019600_500), end: new Date(1718020200_000) };

describe('AWS CLI equivalents', () => {
  it('prints the lab guide queries with real values, a valid time-range type and the local endpoint', () => {
    const local = { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' };

    expect(getTraceSummariesCli(W, { query: 'TraceSummaries[0:5].[Id,Duration,ResponseTime,HasError]', output: 'table' }, local)).toBe(
      "aws xray get-trace-summaries --start-time 1718019600 --end-time 1718020200 --time-range-type TraceId --query 'TraceSummaries[0:5].[Id,Duration,ResponseTime,HasError]' --output table --region us-east-1 --endpoint-url http://127.0.0.1:4566",
    );
    expect(getTraceSummariesCli(W, { filter: 'service("user-service")' }, { region: 'eu-west-1' })).toBe(
      `aws xray get-trace-summaries --start-time 1718019600 --end-time 1718020200 --time-range-type TraceId --filter-expression 'service("user-service")' --region eu-west-1`,
    );
    expect(batchGetTracesCli(['1-5f84c7a1-0123456789abcdef01234567'], { region: 'us-east-1' })).toBe(
      'aws xray batch-get-traces --trace-ids 1-5f84c7a1-0123456789abcdef01234567 --region us-east-1',
    );
    expect(getServiceGraphCli(W, { region: 'us-east-1' })).toBe('aws xray get-service-graph --start-time 1718019600 --end-time 1718020200 --region us-east-1');
  });

  it('quotes so that a real POSIX shell hands back the exact value', async () => {
    const values = ['error = true', 'service("user-service")', "annotation.user = 'x'", 'a$b`c`\\d', '', 'plain-value_1.2:3'];

    const { stdout } = await run('/bin/sh', ['-c', `printf '%s\\n' ${values.map(shellQuote).join(' ')}`]);

    expect(stdout.split('\n').slice(0, values.length)).toEqual(values);
    expect(shellQuote('plain-value_1.2:3')).toBe('plain-value_1.2:3');
  });
});
