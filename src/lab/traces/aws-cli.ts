/**
 * The AWS CLI command that does what xray-lab just did, printed next to each result so learners can
 * run it themselves. Values are real (the window's epoch seconds, the trace id) and shell-quoted.
 */

/** POSIX shell quoting: bare when safe, else single quotes (a quote inside becomes '\''). */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface CliTarget {
  region: string;
  /** Set for the local cloud (or any --endpoint-url): the CLI must be pointed there too. */
  endpoint?: string;
}

/** `aws <service> <operation> <args…>` with `--region` (and `--endpoint-url`) appended. */
export function awsCliCommand(service: string, operation: string, args: (string | [string, string])[], target: CliTarget): string {
  const parts = ['aws', service, operation];
  for (const a of args) parts.push(...(typeof a === 'string' ? [a] : [a[0], shellQuote(a[1])]));
  parts.push('--region', shellQuote(target.region));
  if (target.endpoint) parts.push('--endpoint-url', shellQuote(target.endpoint));
  return parts.join(' ');
}

export const epochSeconds = (d: Date): string => String(Math.floor(d.getTime() / 1000));

export interface SummariesCliOptions {
  filter?: string;
  /** A JMESPath `--query` and `--output` format, as the lab guide uses them. */
  query?: string;
  output?: 'json' | 'table' | 'text';
}

export function getTraceSummariesCli(w: { start: Date; end: Date }, o: SummariesCliOptions, target: CliTarget): string {
  const args: (string | [string, string])[] = [
    ['--start-time', epochSeconds(w.start)],
    ['--end-time', epochSeconds(w.end)],
    // The guide's TimeRangeByStartTime is rejected by the X-Ray API (TraceId, Event or Service); TraceId is what it meant.
    ['--time-range-type', 'TraceId'],
  ];
  if (o.filter !== undefined) args.push(['--filter-expression', o.filter]);
  if (o.query !== undefined) args.push(['--query', o.query]);
  if (o.output !== undefined) args.push(['--output', o.output]);
  return awsCliCommand('xray', 'get-trace-summaries', args, target);
}

export function batchGetTracesCli(ids: readonly string[], target: CliTarget): string {
  return awsCliCommand('xray', 'batch-get-traces', ['--trace-ids', ...ids.map(shellQuote)], target);
}

export function getServiceGraphCli(w: { start: Date; end: Date }, target: CliTarget): string {
  return awsCliCommand('xray', 'get-service-graph', [['--start-time', epochSeconds(w.start)], ['--end-time', epochSeconds(w.end)]], target);
}
