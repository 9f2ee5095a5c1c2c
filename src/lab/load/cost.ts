/**
 * Rough AWS bill for a lab run at US East list prices (the lab guide's figures; X-Ray's from https://aws.amazon.com/xray/pricing/;
 * DynamoDB on-demand after the November 2024 price cut, https://aws.amazon.com/dynamodb/pricing/on-demand/).
 * Only X-Ray's perpetual free tier is applied: other free tiers depend on the account's age and plan.
 */

export const LAB_PRICES = {
  apiGatewayRestPerMillion: 3.5,
  lambdaRequestsPerMillion: 0.2,
  lambdaPerGbSecond: 0.0000166667,
  dynamoDbOnDemandPerMillionReadUnits: 0.125,
  xrayRecordedPerMillion: 5,
  xrayRecordedFree: 100_000,
  xrayRetrievedPerMillion: 0.5,
  xrayRetrievedFree: 1_000_000,
} as const;

/**
 * Read request units per GetItem of the lab's item: the handler reads eventually consistent (no
 * ConsistentRead) and the item is far below 4 KB, which DynamoDB bills as half a read request unit.
 */
const READ_UNITS_PER_LAB_GET = 0.5;

export interface CostInput {
  requests: number;
  tracesRecorded: number;
  /** Traces retrieved (BatchGetTraces) plus scanned (GetTraceSummaries). */
  tracesRetrieved: number;
  /** Average billed duration per invocation; default 100 ms, the lab handler's simulated work. */
  lambdaDurationMs?: number;
  lambdaMemoryMb?: number;
  /** DynamoDB requests per API request (the lab does one GetItem). */
  dynamoRequestsPerRequest?: number;
}

export interface CostItem {
  service: 'API Gateway' | 'Lambda' | 'DynamoDB' | 'X-Ray';
  item: string;
  quantity: number;
  unit: string;
  free: number;
  billable: number;
  unitPriceUsd: number;
  costUsd: number;
}

export interface CostEstimate {
  items: CostItem[];
  totalUsd: number;
  assumptions: string[];
}

function item(service: CostItem['service'], name: string, quantity: number, unit: string, unitPriceUsd: number, free = 0): CostItem {
  const billable = Math.max(0, quantity - free);
  return { service, item: name, quantity, unit, free: Math.min(free, quantity), billable, unitPriceUsd, costUsd: billable * unitPriceUsd };
}

export function estimateAwsCost(input: CostInput): CostEstimate {
  const p = LAB_PRICES;
  const durationMs = Math.ceil(input.lambdaDurationMs ?? 100); // Lambda bills in 1 ms steps
  const memoryMb = input.lambdaMemoryMb ?? 128;
  const dynamoPer = input.dynamoRequestsPerRequest ?? 1;
  const gbSeconds = input.requests * (durationMs / 1000) * (memoryMb / 1024);
  const items = [
    item('API Gateway', 'REST API calls', input.requests, 'requests', p.apiGatewayRestPerMillion / 1e6),
    item('Lambda', 'invocations', input.requests, 'requests', p.lambdaRequestsPerMillion / 1e6),
    item('Lambda', `compute at ${memoryMb} MB × ${durationMs} ms`, gbSeconds, 'GB-s', p.lambdaPerGbSecond),
    item('DynamoDB', 'on-demand reads (½ read request unit each)', input.requests * dynamoPer * READ_UNITS_PER_LAB_GET, 'read request units', p.dynamoDbOnDemandPerMillionReadUnits / 1e6),
    item('X-Ray', 'traces recorded', input.tracesRecorded, 'traces', p.xrayRecordedPerMillion / 1e6, p.xrayRecordedFree),
    item('X-Ray', 'traces retrieved or scanned', input.tracesRetrieved, 'traces', p.xrayRetrievedPerMillion / 1e6, p.xrayRetrievedFree),
  ];
  return {
    items,
    totalUsd: items.reduce((sum, i) => sum + i.costUsd, 0),
    assumptions: [
      `Lambda billed at ${durationMs} ms per invocation with ${memoryMb} MB`,
      `${dynamoPer} eventually consistent DynamoDB read (item ≤ 4 KB) per request; the table's storage stays inside DynamoDB's free tier at this size`,
      'X-Ray free tier (100k recorded, 1M retrieved/scanned per month) applied as if this run were the whole month',
      'other free tiers not applied; US East list prices',
    ],
  };
}
