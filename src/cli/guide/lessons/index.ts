/** Lessons by step id (the ids of steps/index.ts). A step without an entry still runs, without a lesson. */
import { SAMPLING_STEP_ID } from '../../../../steps/sampling-rules.js';
import { TABLE_STEP_ID } from '../../../../steps/user-table.js';
import type { StepLesson } from '../lesson.js';
import { samplingRulesLesson } from './sampling-rules.js';
import { userTableLesson } from './user-table.js';

export const lessons: Readonly<Record<string, StepLesson>> = {
  [SAMPLING_STEP_ID]: samplingRulesLesson,
  [TABLE_STEP_ID]: userTableLesson,
};
