/**
 * How a service-graph node is named for people. AWS's GetServiceGraph gives the synthetic client node
 * Type "client", State "unknown" and no Name or Names
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-tutorial.html), so it is shown as `client`;
 * every other node by its name and type, since the two Lambda nodes of a function share a name.
 */
import type { Service } from '@aws-sdk/client-xray';

export function isClientNode(s: Pick<Service, 'Type'>): boolean {
  return s.Type === 'client';
}

export function nodeLabel(s: Service | undefined): string {
  if (!s) return '?';
  return isClientNode(s) ? 'client' : `${s.Name ?? '?'} (${s.Type ?? '?'})`;
}
