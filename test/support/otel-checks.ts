/**
 * What the OTLP tests check once the SERVER → INTERNAL → CLIENT (DynamoDB) tree has been
 * exported, whatever the transport (signed /v1/traces, OTLP/HTTP, OTLP/gRPC): read back through the
 * X-Ray SDK client, as a user's tools would.
 */
import { expect } from 'vitest';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, type XRayClient } from '@aws-sdk/client-xray';

export type Doc = { name: string; id: string; parent_id?: string; inferred?: boolean; namespace?: string; annotations?: Record<string, unknown>; subsegments?: Doc[]; aws?: Record<string, unknown>; http?: Record<string, unknown>; metadata?: Record<string, Record<string, unknown>> };

export async function segmentsOf(xray: XRayClient, traceId: string): Promise<Doc[]> {
  const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
  return (Traces?.[0]?.Segments ?? []).map((s) => JSON.parse(s.Document!) as Doc);
}

/** The app's segment with its subsegments nested: SERVER ← INTERNAL ← CLIENT (DynamoDB). */
export function expectTree(docs: Doc[], service: string, userId: string, table: string): void {
  const app = docs.find((d) => d.name === service)!;
  expect(app, `segments: ${docs.map((d) => d.name).join(', ')}`).toBeDefined();
  expect(app.http).toMatchObject({ request: { method: 'GET', url: `http://localhost/users/${userId}` }, response: { status: 200 } });
  expect(app.metadata?.default).toMatchObject({ 'otel.resource.service.name': service, 'otel.resource.service.version': '1.2.3' });
  const lookup = app.subsegments?.find((s) => s.name === 'lookup-user');
  expect(lookup?.annotations).toEqual({ lab_user: userId });
  expect(lookup?.metadata?.default).toEqual({ cache_hit: false });
  const dynamo = lookup?.subsegments?.find((s) => s.name === 'DynamoDB');
  expect(dynamo).toMatchObject({ namespace: 'aws', aws: { operation: 'GetItem', table_name: table, request_id: 'REQ1' } });
  // X-Ray infers the table's segment from the DynamoDB subsegment (its node is the table, see the graph test).
  const inferred = docs.find((d) => d.parent_id === dynamo!.id);
  expect(inferred).toMatchObject({ name: 'DynamoDB', inferred: true, aws: { table_name: table } });
}

export async function expectFound(xray: XRayClient, filter: string, traceId: string): Promise<void> {
  const now = Date.now();
  const { TraceSummaries } = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000), FilterExpression: filter }));
  expect(TraceSummaries?.map((t) => t.Id)).toContain(traceId);
}

/** The service graph has the app's node with an edge to the inferred DynamoDB table's node. */
export async function expectGraphEdge(xray: XRayClient, service: string, table: string): Promise<void> {
  const now = Date.now();
  const graph = await xray.send(new GetServiceGraphCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000) }));
  const app = graph.Services?.find((s) => s.Name === service && s.Type !== 'client');
  const node = graph.Services?.find((s) => s.Name === table);
  expect(node?.Type).toBe('AWS::DynamoDB::Table');
  expect(app?.Edges?.map((e) => e.ReferenceId)).toContain(node?.ReferenceId);
}
