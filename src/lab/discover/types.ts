/** What orphan discovery finds: lab resources in the account, whether or not a state file knows them. */
import type { Clients } from '../clients.js';
import type { Clock } from '../context.js';
import type { IO } from '../io.js';
import type { Target } from '../state-types.js';

// Discovery uses the state file's resource names, so both can be compared.
import type { ResourceType } from '../resource-types.js';

export interface DiscoveredResource {
  type: ResourceType;
  /** Name, or the service's id where names are not unique (REST APIs). */
  id: string;
  name: string;
  arn?: string;
  /** Value of the `xray-lab:run` tag: the run that created it. */
  runId?: string;
  /** Carries the run tag (or belongs to a tagged resource, like a function's log group). */
  tagged: boolean;
  /** How it was found: by the run tag, by the lab's well-known name, or as part of another resource. */
  foundBy: 'tag' | 'name' | 'companion';
  /** Recorded in this target's state file. */
  recorded: boolean;
}

export interface DiscoverContext {
  clients: Clients;
  region: string;
  accountId: string;
  target: Target;
  signal: AbortSignal;
  clock: Clock;
  io: IO;
  /** The endpoint used for the local target (goes into manual commands). */
  endpoint?: string;
}
