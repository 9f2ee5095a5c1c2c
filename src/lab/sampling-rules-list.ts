/** Listing every sampling rule of the account: the one place that pages GetSamplingRules. */
import type { SamplingRuleRecord, XRayClient } from '@aws-sdk/client-xray';

/** Every rule record, through the SDK's paginator (which passes the abort signal to each page). */
export async function listSamplingRules(xray: XRayClient, signal?: AbortSignal): Promise<SamplingRuleRecord[]> {
  const { paginateGetSamplingRules } = await import('@aws-sdk/client-xray');
  const out: SamplingRuleRecord[] = [];
  for await (const page of paginateGetSamplingRules({ client: xray }, {}, { abortSignal: signal })) out.push(...(page.SamplingRuleRecords ?? []));
  return out;
}
