import { describe, it, expect } from 'vitest';
import { compileFilter, evalTrace } from '../../../src/local/xray/summaries.js';
import { evaluate } from '../../../src/local/xray/filter/evaluate.js';
import { parseFilter } from '../../../src/local/xray/filter/parser.js';
import { ServiceError } from '../../../src/local/core/errors.js';
import { fixtureStore, letterOf } from './fixtures.js';

const store = fixtureStore();
const LAB = 'ABCDEG';
const ALL = 'ABCDEFG';

function select(expression: string): string {
  const expr = compileFilter(expression)!;
  return [...store.traces()].filter((t) => evaluate(expr, evalTrace(store, t))).map((t) => letterOf(t.id)).sort().join('');
}

// Trace letters: A 200 cold start, user alice, account 111111111111 · B 404 user not found · C 502 function crash ·
// D 429 at API Gateway · E 200 with a handled DynamoDB 400 · G 200 with a throttled DynamoDB call ·
// F an in-progress non-lab segment (orders-api, EC2, user bob) whose remote call to api.example.com faulted.
const valid: [string, string][] = [
  ['error = true', 'BD'],
  ['error', 'BD'],
  ['!error', 'ACEFG'],
  ['error = false', 'ACEFG'],
  ['error != true', 'ACEFG'],
  ['ERROR = TRUE', 'BD'],
  ['fault', 'C'],
  ['fault != false', 'C'],
  ['ok', 'AEFG'],
  ['ok = false', 'BCD'],
  ['throttle', 'DG'],
  ['throttle = false', 'ABCEF'],
  ['partial', 'F'],
  ['!partial', LAB],
  ['inferred', ALL],
  ['!inferred', ''],
  ['service("user-service")', LAB],
  ['service("user-api/prod")', LAB],
  ['service("UserProfiles")', LAB],
  ['service("User-Service")', ''],
  ['!service("user-service")', 'F'],
  ['service()', ALL],
  ['service() {}', ALL],
  ['service(id(name: "user-service", type: "AWS::Lambda::Function"))', LAB],
  ['service(id(name: "user-service", type: "AWS::DynamoDB::Table"))', ''],
  ['service(id(type: "AWS::DynamoDB::Table"))', LAB],
  ['service(id(name: "user-service", account.id: "111111111111"))', 'A'],
  ['service() { fault }', 'CF'],
  ['service() { error }', 'BDEG'],
  ['service("UserProfiles") { error }', 'EG'],
  ['service("UserProfiles") { throttle }', 'G'],
  ['service("user-api/prod") { http.status = 404 }', 'B'],
  ['service("user-api/prod") { http.url CONTAINS "nonexistent" }', 'B'],
  ['service() { root AND name = "orders-api" }', 'F'],
  ['service() { type = "remote" }', 'F'],
  ['service("user-service") { responsetime > 0.3 }', 'A'],
  ['service("user-service") { partial }', ''],
  ['service(id(name: "user-service", type: "AWS::Lambda")) { http.status = 200 }', LAB],
  ['service("orders-api") { user = "bob" }', 'F'],
  ['service("orders-api") { instance.id = "i-0abc" AND availabilityzone BEGINSWITH "us-" }', 'F'],
  ['service() { inferred and ok }', 'ABCD'],
  ['edge("user-api/prod", "user-service")', LAB],
  ['edge("user-service", "UserProfiles") { error }', 'EG'],
  ['edge("user-service", "UserProfiles") { throttle }', 'G'],
  ['edge(id(name: "user-service", type: "AWS::Lambda"), id(name: "user-service", type: "AWS::Lambda::Function"))', LAB],
  ['edge("orders-api", "api.example.com") { fault }', 'F'],
  ['edge("user-service", "UserProfiles") { http.status = 200 }', 'ABCD'],
  ['edge("user-api/prod", "user-service") { http.method = "POST" }', LAB],
  ['edge("user-service", "UserProfiles") { remote }', LAB],
  ['edge("UserProfiles", "user-service")', ''],
  ['responsetime > 0.3', 'A'],
  ['responsetime < 0.3', 'BCDEFG'],
  ['duration >= 0.3', 'AF'],
  ['duration <= 0.2', 'BCDEG'],
  ['http.status = 200', 'AEG'],
  ['http.status >= 400', 'BCD'],
  ['http.status != 200', 'BCD'],
  ['http.status', LAB],
  ['http.url CONTAINS "/users/"', LAB],
  ['http.url BEGINSWITH "http://orders"', 'F'],
  ['http.url ENDSWITH "nonexistent"', 'B'],
  ['http.method = "POST"', 'F'],
  ['http.useragent = "curl/8"', 'F'],
  ['http.clientip = "127.0.0.1"', LAB],
  ['user = "alice"', 'A'],
  ['user', 'AF'],
  ['user CONTAINS ""', 'AF'],
  ['user != "alice"', 'F'],
  ['annotation.user_found = true', 'ACDEG'],
  ['annotation.user_found = false', 'B'],
  ['annotation.user_found', LAB],
  ['!annotation.user_found', 'F'],
  ['annotation.user_id = "nonexistent"', 'B'],
  ['annotation.user_id BEGINSWITH "user"', 'ACDEG'],
  ['annotation[aws.local.operation] = "GET /x"', 'F'],
  ['annotation[aws:api_stage] = "prod"', LAB],
  ['annotation.priority > 2', 'F'],
  ['Annotation.priority <= 2', ''],
  ['annotation.priority = "3"', ''],
  ['annotation.priority = 3 AND user = "bob"', 'F'],
  ['resource.arn CONTAINS "function:user-service"', LAB],
  ['resource.arn ENDSWITH "stages/prod"', LAB],
  ['instance.id = "i-0abc"', 'F'],
  ['availabilityzone = "us-east-1a"', 'F'],
  ['ok !partial duration < 3', 'AEG'],
  ['error OR fault', 'BCD'],
  ['error or fault', 'BCD'],
  ['fault AND service("user-service")', 'C'],
  ['(error OR fault) and !throttle', 'BC'],
  ['!(error OR fault)', 'AEFG'],
  ['responseTime > 0.3', 'A'],
  ['HTTP.STATUS = 404', 'B'],
  ['error OR fault AND throttle', 'BD'],
  ['rootcause.fault.service { name = "user-service" }', 'C'],
  ['rootcause.fault.service { name = "api.example.com" AND remote }', 'F'],
  ['rootcause.fault.service { inferred }', 'F'],
  ['rootcause.fault.entity { name = "user_processing" }', 'C'],
  ['rootcause.fault.exception { message CONTAINS "timed out" }', 'F'],
  ['rootcause.fault.exception { name = "Error" }', 'C'],
  ['rootcause.error.service { name = "UserProfiles" }', 'EG'],
  ['rootcause.error.service { name = "user-api/prod" AND last }', 'BD'],
  ['rootcause.error.service { first }', 'BDEG'],
  ['rootcause.error.service { type = "AWS::DynamoDB::Table" }', 'EG'],
  ['rootcause.responsetime.service { name = "user-service" }', LAB],
  ['rootcause.responsetime.entity { name = "Initialization" }', 'A'],
  ['rootcause.responsetime.entity { coverage > 0.5 AND name = "Invocation" }', 'BCDEG'],
  ['rootcause.responsetime.service { index = 0 AND name = "user-api/prod" }', LAB],
  ['rootcause.json = #[{"Services": [{"Name": "orders-api"}, {"Name": "api.example.com"}]}]', 'F'],
  ['rootcause.json = #[{"Services": [{"Name": "orders-api"}]}]', ''],
];

describe('filter expressions select the right traces', () => {
  it.each(valid)('%s', (expression, expected) => {
    expect(select(expression)).toBe(expected);
  });
});

const invalid: [string, number, string][] = [
  ['', 0, 'expected a filter'],
  ['error = 1', 8, 'expected true or false'],
  ['responsetime = "x"', 15, 'expected a number'],
  ['http.url > "a"', 9, 'for a string keyword'],
  ['http.status CONTAINS 4', 12, 'for a number keyword'],
  ['service(user)', 8, 'expected a quoted service name or id(...)'],
  ['annotation.x CONTAINS 5', 13, 'for a number annotation value'],
  ['(error', 6, "expected ')'"],
  ['error)', 5, "unbalanced ')'"],
  ['foo = "x"', 0, 'expected a filter keyword'],
  ['name = "x"', 0, 'allowed at the top level'],
  ['service() { annotation.a = 1 }', 12, 'annotations are only allowed at the top level'],
  ['service("a") { service("b") }', 15, 'service() is only allowed at the top level'],
  ['http.url = "abc', 11, `expected a closing '"'`],
  ['error AND', 9, 'found end of expression'],
  ['rootcause.fault.thing { name = "x" }', 0, 'rootcause.{fault|error|responsetime}'],
  ['rootcause.fault.service', 23, "expected '{'"],
  ['user = "a" @', 11, "found '@'"],
  ['edge("a") { error }', 8, "expected ','"],
  ['service(id(foo: "x"))', 11, 'name:, type: or account.id:'],
  ['rootcause.json = #[{"a": }]', 17, 'a valid JSON array'],
  ['error = true false', 13, 'expected a filter keyword'],
  ['!', 1, 'found end of expression'],
  ['duration >', 10, 'expected a value'],
  ['ok = maybe', 5, 'expected a value'],
  ['rootcause.fault.service { http.url = "x" }', 26, 'allowed in a root cause block'],
  ['service(user-service)', 12, "found '-'"],
  ['annotation', 10, "'.KEY' or '[KEY]'"],
];

describe('invalid filter expressions', () => {
  it.each(invalid)('%s → position %i', (expression, pos, fragment) => {
    let caught: unknown;
    try {
      parseFilter(expression);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ServiceError);
    const err = caught as ServiceError;
    expect(err.code).toBe('InvalidRequestException');
    expect(err.status).toBe(400);
    expect(err.message).toContain(`Invalid filter expression at position ${pos}: `);
    expect(err.message).toContain(fragment);
  });

  it('treats a blank expression as no filter in GetTraceSummaries', () => {
    expect(compileFilter('  ')).toBeUndefined();
  });

  it('rejects group filters with a clear message because no groups exist locally', () => {
    expect(() => compileFilter('group.name = "g"')).toThrow(/no groups/);
  });
});
