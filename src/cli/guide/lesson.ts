/** What the guide knows about one lab step, beyond the step module itself. */
import type { LabContext } from '../../lab/context.js';
import type { GuideCommand } from './commands.js';
import type { SourcedClaim, SourceUrl } from './sources.js';

export interface Correction {
  /** What the lab guide does, in a few words. */
  guide: string;
  /** Why that is wrong and what the shown command does instead: one line. */
  why: string;
  /** The AWS page or AWS repository file a learner can open to check `why`. */
  source: SourceUrl;
}

export interface StepLesson {
  /** The X-Ray (or AWS) idea this step teaches, a few short paragraphs. */
  teaches: string[];
  /** One sentence for the recap at the end. */
  takeaway: string;
  /** More depth, shown on "Show details". */
  details: string[];
  /** Where the claims of `teaches` and `details` about AWS or the SDKs can be checked; shown with the details. */
  sources: SourcedClaim[];
  /** Asks what the step should do when flags left it open (step 3: which instrumentation), before anything is shown. */
  choose?(ctx: LabContext): Promise<void>;
  /** Writes what the shown commands read (e.g. the function's zip), before they are shown. */
  prepare?(ctx: LabContext): Promise<void>;
  /** AWS CLI commands doing what the step does. Shown before it runs, so they refer to names, not to ids that do not exist yet. */
  commands(ctx: LabContext): GuideCommand[];
  /** Where the lab guide's own commands are wrong or outdated. */
  corrections: Correction[];
  /** Calls the real services to prove the result is there; returns evidence lines, throws when it is not. */
  verify(ctx: LabContext): Promise<string[]>;
  /** Commands to look at the result yourself, with the real ids filled in. */
  checkCommands(ctx: LabContext): GuideCommand[];
  /** Why to open `xray-lab console` after this step (steps with traces to look at), one sentence. */
  seeInBrowser?: string;
}
