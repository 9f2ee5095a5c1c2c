/**
 * Commander wiring only. Each action lazy-imports its implementation, so `--help` loads neither
 * the AWS SDK nor the terminal libraries.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_OK, EXIT_USER } from '../lab/errors.js';
import type { CommonFlags } from '../lab/config.js';
import { runAction } from './exit.js';
import { parseDurationSeconds, parsePositiveInt, parsePositiveNumber, parseUsers, type LoadFlags } from './commands/load-options.js';

function withCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--target <target>', 'where the lab runs').choices(['local', 'aws']).default('local'))
    .option('--region <region>', "AWS region (default: the AWS config's region, else us-east-1)")
    .option('--profile <name>', 'AWS shared-config profile (aws target)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint')
    .option('--state-dir <dir>', 'where state files live (default: $XDG_STATE_HOME/xray-lab, env XRAY_LAB_STATE_DIR)')
    .option('--yes', 'answer yes to confirmations (required without a terminal on AWS and for teardown)')
    .option('--json', 'print one JSON document on stdout and nothing else')
    .option('--debug', 'show stack traces on errors');
}

/** Step 3's options, shared by `setup` and `step`. */
function withFunctionOptions(cmd: Command): Command {
  return cmd
    .option('--lab-policies', "step 3: attach the guide's managed policies (incl. AmazonDynamoDBFullAccess) instead of a least-privilege inline policy")
    .option('--runtime <runtime>', 'step 3: Node runtime of the function (nodejs24.x default, nodejs22.x, nodejs20.x, nodejs18.x)')
    .option('--simulated-work-ms <ms>', "step 3: the handler's simulated processing time inside user_processing (default 100, the lab's; 0 to measure the stack itself)")
    .option('--instrumentation <name>', 'step 3: trace user-service with xray-sdk (default, the guide\'s) or otel (OpenTelemetry, what AWS recommends); switching re-deploys the code');
}

function parseStepNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a step number is a whole number, e.g. 1.');
  return Number(value);
}

export function buildProgram(): Command {
  const program = new Command('xray-lab')
    .description('Run the AWS X-Ray tracing lab against real AWS or an embedded local cloud.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  withFunctionOptions(withCommonOptions(program.command('setup').description("run the lab's resource steps in order")))
    .option('--sampling-rules <file>', "step 1's sampling document (default: the guide's)")
    .action((flags: CommonFlags) =>
      runAction(async () => (await import('./commands/lab.js')).setupCommand(flags), Boolean(flags.debug)),
    );

  withFunctionOptions(withCommonOptions(
    program
      .command('step')
      .argument('<n>', 'step number: 1 sampling rules, 2 table + sample data, 3 role + traced function, 4 REST API + stage tracing', parseStepNumber)
      .description('run one lab step'),
  ))
    .option('--sampling-rules <file>', "step 1's sampling document (default: the guide's)")
    .action((n: number, flags: CommonFlags) =>
      runAction(async () => (await import('./commands/lab.js')).stepCommand(n, flags), Boolean(flags.debug)),
    );

  withCommonOptions(program.command('status').description('show the target, account and every recorded resource')).action(
    (flags: CommonFlags) => runAction(async () => (await import('./commands/status.js')).statusCommand(flags), Boolean(flags.debug)),
  );

  withCommonOptions(program.command('teardown').description('delete every recorded resource, newest first'))
    .option('--discover', 'also find lab resources the state file does not know (by the xray-lab:run tag and by name) and delete the tagged ones')
    .option('--include-untagged', 'with --discover: ask, name by name, about look-alikes without the run tag')
    .action((flags: CommonFlags & { discover?: boolean; includeUntagged?: boolean }) =>
      runAction(async () => (await import('./commands/teardown.js')).teardownCommand(flags), Boolean(flags.debug)),
    );

  registerTraces(program);

  withCommonOptions(program.command('guide').description('the lab step by step in the terminal, with lessons and a quiz')).action(
    (flags: CommonFlags) => runAction(async () => (await import('./commands/guide.js')).guideCommand(flags), Boolean(flags.debug)),
  );

  withCommonOptions(program.command('load').description("step 5: the guide's test requests, then a bounded, measured load on the API"))
    .option('--url <url>', "stage URL to load (default: the lab API's, from the state)")
    .option('--duration <time>', 'how long to send, e.g. 60, 30s, 2m (default 60 s unless --requests)', parseDurationSeconds)
    .option('--requests <n>', 'stop after this many requests (alone on the local target: sent over 8 connections)', parsePositiveInt)
    .option('--rate <r>', 'requests per second, sent on schedule (open loop; default 1)', parsePositiveNumber)
    .option('--concurrency <c>', 'this many requests in flight, back to back (closed loop)', parsePositiveInt)
    .option('--users <ids>', 'comma-separated user ids to pick from (default: user123,user456,nonexistent,user789)', parseUsers)
    .option('--no-warmup', "skip the guide's 12 test requests before the load")
    .option('--i-know-the-cost', 'allow more than 5 req/s or 2,000 requests on AWS')
    .action((flags: LoadFlags) => runAction(async () => (await import('./commands/load.js')).loadCommand(flags), Boolean(flags.debug)));

  withCommonOptions(program.command('console').description("the X-Ray console in your browser: service map, traces, timelines and the lab, on loopback"))
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option('--no-open', 'do not open a browser (it opens only on a desktop anyway)')
    .action((flags: import('./commands/console.js').ConsoleFlags) =>
      runAction(async () => (await import('./commands/console.js')).consoleCommand(flags), Boolean(flags.debug)),
    );

  withCommonOptions(program.command('logs').description("the function's CloudWatch log events, with each invocation's trace id"))
    .option('--since <time>', 'how far back: 10m, 1.5h, 1d or an ISO time (default 10m)')
    .option('--follow', 'keep printing new events until Ctrl-C')
    .option('--function <name>', 'another function than user-service')
    .action((flags: import('./commands/logs.js').LogsFlags) =>
      runAction(async () => (await import('./commands/logs.js')).logsCommand(flags), Boolean(flags.debug)),
    );

  withCommonOptions(program.command('invoke').description("invoke the function directly with the guide's test event"))
    .option('--user <id>', 'the user id to look up (default user123)')
    .option('--function <name>', 'another function than user-service')
    .action((flags: import('./commands/invoke.js').InvokeFlags) =>
      runAction(async () => (await import('./commands/invoke.js')).invokeCommand(flags), Boolean(flags.debug)),
    );

  withCommonOptions(program.command('doctor').description('check Node, credentials, region, permissions and the lab; explain missing traces and 500s')).action(
    (flags: CommonFlags) => runAction(async () => (await import('./commands/doctor.js')).doctorCommand(flags), Boolean(flags.debug)),
  );

  const local = program.command('local').description('the embedded local cloud');
  local
    .command('start')
    .description('start the local cloud (in the background unless --foreground)')
    .option('--port <n>', 'HTTP port (default 4566, env XRAY_LAB_LOCAL_PORT)')
    .option('--daemon-port <n>', 'X-Ray daemon port: UDP intake and TCP sampling proxy (default 2000, env XRAY_LAB_DAEMON_PORT)')
    .option('--otlp-port <n|off>', 'OTLP/HTTP receiver port, or "off" (default 4318, env XRAY_LAB_OTLP_PORT)')
    .option('--otlp-grpc-port <n|off>', 'OTLP/gRPC receiver port, or "off" (default 4317, env XRAY_LAB_OTLP_GRPC_PORT)')
    .option('--foreground', 'run in this terminal until Ctrl-C')
    .option('--json', 'print one JSON document on stdout')
    .option('--debug', 'show stack traces on errors')
    .action((flags: { port?: string; daemonPort?: string; otlpPort?: string; otlpGrpcPort?: string; foreground?: boolean; json?: boolean; debug?: boolean }) =>
      runAction(async () => (await import('./commands/local.js')).localStartCommand(flags), Boolean(flags.debug)),
    );
  local
    .command('stop')
    .description('stop the background local cloud')
    .option('--json', 'print one JSON document on stdout')
    .action((flags: { json?: boolean }) => runAction(async () => (await import('./commands/local.js')).localStopCommand(flags), false));
  local
    .command('status')
    .description('is the local cloud running, and where')
    .option('--json', 'print one JSON document on stdout')
    .action((flags: { json?: boolean }) => runAction(async () => (await import('./commands/local.js')).localStatusCommand(flags), false));

  return program;
}

/** `traces [list|show|map|analyze]`: query X-Ray; `list` is the default subcommand. */
function registerTraces(program: Command): void {
  const traces = program.command('traces').description('query X-Ray: list traces, show one, the service map, the bottleneck');
  const queryOptions = (cmd: Command, since: string): Command =>
    withCommonOptions(cmd)
      .option('--since <duration>', `time window ending now, e.g. 10m, 1h, 2d (default ${since})`)
      .option('--start <time>', 'window start: ISO-8601 or epoch seconds (instead of --since)')
      .option('--end <time>', 'window end (default now)')
      .option('--wait <duration>', 'how long to wait for traces X-Ray has not indexed yet (default 60s on AWS, 2s locally; 0 = no wait)');
  queryOptions(traces.command('list', { isDefault: true }).description('recent trace summaries as a table'), '10m')
    .option('--filter <expr>', 'X-Ray filter expression, e.g. \'service("user-service")\'')
    .option('--limit <n>', 'at most this many traces, newest first (default 50)')
    .action((flags: TraceFlagsLike) =>
      runAction(async () => (await import('./commands/traces/list.js')).tracesListCommand(flags), Boolean(flags.debug)),
    );
  withCommonOptions(traces.command('show').argument('<trace-id>', 'e.g. 1-5f84c7a1-0123456789abcdef01234567').description('one trace as a waterfall timeline'))
    .option('--wait <duration>', 'how long to wait for the trace to appear (default 60s on AWS, 2s locally)')
    .action((id: string, flags: TraceFlagsLike) =>
      runAction(async () => (await import('./commands/traces/show.js')).tracesShowCommand(id, flags), Boolean(flags.debug)),
    );
  queryOptions(traces.command('map').description('the service graph: nodes, traffic, health and edges'), '1h').action((flags: TraceFlagsLike) =>
    runAction(async () => (await import('./commands/traces/map.js')).tracesMapCommand(flags), Boolean(flags.debug)),
  );
  queryOptions(traces.command('analyze').description('where is the bottleneck? latency per node, dominant span, root causes'), '1h')
    .option('--filter <expr>', 'only traces matching this X-Ray filter expression')
    .option('--limit <n>', 'analyse at most this many traces, newest first (default 200)')
    .action((flags: TraceFlagsLike) =>
      runAction(async () => (await import('./commands/traces/analyze.js')).tracesAnalyzeCommand(flags), Boolean(flags.debug)),
    );
}

type TraceFlagsLike = CommonFlags & { since?: string; start?: string; end?: string; filter?: string; limit?: string; wait?: string };

/** Parses argv and runs the command; commander's own errors (unknown flag, bad value) exit 2. */
export async function run(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  // Bare `xray-lab` at a terminal is the walkthrough; without one, commander prints the help as before.
  const args = argv.length <= 2 && process.stdin.isTTY && process.stdout.isTTY ? [...argv, 'guide'] : [...argv];
  try {
    await program.parseAsync(args);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code);
    process.exitCode = benign ? EXIT_OK : EXIT_USER;
  }
}
