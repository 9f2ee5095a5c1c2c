/** The page only ever asks its own server (the CSP allows nothing else); errors come back as one sentence. */
import type { Service, Trace, TraceSummary } from '@aws-sdk/client-xray';

/** JSON turns the SDK's Dates into ISO strings. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type GraphService = Json<Service>;
export type Summary = Json<TraceSummary>;
export type FullTrace = Json<Trace>;

export interface GraphAnswer {
  Services: GraphService[];
  StartTime?: string;
  EndTime?: string;
}

export interface SummariesAnswer {
  TraceSummaries: Summary[];
  TracesProcessedCount?: number;
  NextToken?: string;
  StartTime: string;
  EndTime: string;
}

/** The lab page's answer, one shape with the server that writes it. */
export type { LabPage as LabAnswer } from '../lab-answer.js';

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** Answers asked for before the view mounted (the first view's data), handed to its first getJson. */
const early = new Map<string, Promise<Response>>();

/** Starts a request now, so the first paint does not wait for the view to mount before asking. */
export function prefetch(path: string): void {
  const p = fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  p.catch(() => {}); // getJson reports it, if anyone asks
  early.set(path, p);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  const started = early.get(path);
  early.delete(path);
  try {
    res = await (started ?? fetch(path, { signal, credentials: 'same-origin', headers: { Accept: 'application/json' } }));
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError('The console server does not answer: is `xray-lab console` still running?', 0);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(body.error ?? `The console server answered ${res.status}.`, res.status);
  return body as T;
}

export const query = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** The map's request: one spelling, so main.ts's prefetch is the very request the map view then reads. */
export const graphPath = (since: string): string => `/api/graph${query({ since })}`;
