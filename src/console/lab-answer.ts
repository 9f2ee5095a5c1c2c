/**
 * The shape of `/api/lab`: written by the console's server (server/lab-page.ts), read by the page
 * (web/lab-view.ts). It imports nothing, so the page's own tsconfig (DOM, no Node types) can read it.
 */
export interface LabPage {
  target: 'local' | 'aws';
  region: string;
  stateFile: string | null;
  invokeUrl: string | null;
  steps: { number: number; id: string; title: string; done: boolean; completedAt?: string }[];
  resources: { step: string; type: string; id: string; arn?: string; createdAt: string; status: string }[];
  queries: { title: string; filter: string }[];
}
