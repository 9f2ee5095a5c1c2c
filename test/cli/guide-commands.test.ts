/** The guide's command rendering: what the screen shows must parse back, in a real bash, to the intended argv. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandArgv, renderCommand, shellQuote, type AwsCommand, type CommandTarget } from '../../src/cli/guide/commands.js';
import { guideApiRules } from '../../src/cli/guide/lessons/sampling-rules.js';

const LOCAL: CommandTarget = { target: 'local', region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' };
const AWS: CommandTarget = { target: 'aws', region: 'us-east-2' };

/** The words bash makes of `text`, using printf as the command instead of aws. */
function bashWords(text: string): string[] {
  const r = spawnSync('bash', ['-c', `aws() { printf '%s\\0' "$@"; }\n${text}`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe('guide commands', () => {
  it.each([
    ['plain words', ['dynamodb', 'describe-table', '--table-name', 'UserProfiles']],
    ['JSON with quotes, braces and a single quote', ['dynamodb', 'put-item', '--item', `{"name":{"S":"O'Brien \\"Bob\\""}}`]],
    ['JMESPath with brackets, backticks and stars', ['xray', 'get-sampling-rules', '--query', "SamplingRuleRecords[?SamplingRule.RuleName!=`Default`].*"]],
    ['an empty string and spaces', ['logs', 'filter-log-events', '--filter-pattern', '', '--log-group-name', 'a b']],
  ])('%s survive bash unchanged, on one line and split over continuation lines', (_what, args) => {
    const cmd: AwsCommand = { args };

    const oneLine = renderCommand(cmd, LOCAL, 10_000);
    const split = renderCommand(cmd, LOCAL, 20);

    expect(oneLine).toHaveLength(1);
    expect(split.length).toBeGreaterThan(1);
    expect(bashWords(oneLine.join('\n'))).toEqual(commandArgv(cmd, LOCAL).slice(1));
    expect(bashWords(split.join('\n'))).toEqual(commandArgv(cmd, LOCAL).slice(1));
  });

  it('adds --region always and --endpoint-url only for the local target', () => {
    const cmd: AwsCommand = { args: ['xray', 'get-sampling-rules'] };

    expect(renderCommand(cmd, LOCAL)).toEqual(['aws xray get-sampling-rules --region eu-west-1 --endpoint-url http://127.0.0.1:4566']);
    expect(renderCommand(cmd, AWS)).toEqual(['aws xray get-sampling-rules --region us-east-2']);
  });

  it('captures output into a shell variable that later commands can use unquoted', () => {
    const make = renderCommand({ args: ['apigateway', 'create-rest-api', '--name', 'user-api', '--query', 'id', '--output', 'text'], assignTo: 'API_ID' }, AWS, 40);
    const use = renderCommand({ args: ['apigateway', 'get-resources', '--rest-api-id', '$API_ID'] }, AWS);

    const words = bashWords(`aws() { [ "$1" = apigateway ] && [ "$2" = create-rest-api ] && echo abc123 && return; printf '%s\\0' "$@"; }\n${make.join('\n')}\n${use.join('\n')}`);

    expect(make[0]).toBe('API_ID=$(aws apigateway create-rest-api \\');
    expect(words).toEqual(['apigateway', 'get-resources', '--rest-api-id', 'abc123', '--region', 'us-east-2']);
  });

  it('double-quotes a word that uses our variables, so they expand and a * stays literal', () => {
    const cmd: AwsCommand = { args: ['lambda', 'add-permission', '--source-arn', 'arn:aws:execute-api:us-east-2:123456789012:$API_ID/*/GET/users/*'] };

    const shown = renderCommand(cmd, AWS);
    const words = bashWords(`API_ID=abc123\n${shown.join('\n')}`);

    expect(shown.join(' ')).toContain('"arn:aws:execute-api:us-east-2:123456789012:$API_ID/*/GET/users/*"');
    expect(words).toEqual(['lambda', 'add-permission', '--source-arn', 'arn:aws:execute-api:us-east-2:123456789012:abc123/*/GET/users/*', '--region', 'us-east-2']);
    expect(shellQuote('$API_ID and $(rm -rf x)')).toBe(`'$API_ID and $(rm -rf x)'`);
  });

  it('shows a shell line as written and runs a follow-up only after the command succeeds', () => {
    expect(renderCommand({ shell: "START=$(date -d '10 minutes ago' +%s); END=$(date +%s)" }, LOCAL)).toEqual([
      "START=$(date -d '10 minutes ago' +%s); END=$(date +%s)",
    ]);
    const shown = renderCommand({ args: ['lambda', 'invoke', '--function-name', 'f', '/tmp/out.json'], andThen: 'aws then' }, AWS, 30);

    expect(shown[shown.length - 1]).toBe('    --region us-east-2 && aws then');
    expect(bashWords(shown.join('\n'))).toEqual(['lambda', 'invoke', '--function-name', 'f', '/tmp/out.json', '--region', 'us-east-2', 'then']);
  });

  it('quotes only what needs quoting', () => {
    expect(shellQuote('AttributeName=userId,AttributeType=S')).toBe('AttributeName=userId,AttributeType=S');
    expect(shellQuote('*')).toBe("'*'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("step 1's commands create exactly the rules the step creates, as valid API rules", () => {
    const rules = guideApiRules();

    expect(rules.map((r) => [r.RuleName, r.Priority, r.ReservoirSize, r.FixedRate, r.Version])).toEqual([
      ['xray-lab-high-priority-service', 1000, 2, 0.5, 1],
      ['xray-lab-user-api-prod', 1001, 2, 0.5, 1],
    ]);
    for (const r of rules) expect(r.RuleName.length).toBeLessThanOrEqual(32);
  });
});
