/** Lessons by step id (the ids of steps/index.ts). A step without an entry still runs, without a lesson. */
import { API_STEP_ID } from '../../../../steps/user-api.js';
import { FUNCTION_STEP_ID } from '../../../../steps/user-function.js';
import { LOAD_STEP_ID } from '../../../../steps/load.js';
import { SAMPLING_STEP_ID } from '../../../../steps/sampling-rules.js';
import { TRACES_STEP_ID } from '../../../../steps/traces.js';
import { TABLE_STEP_ID } from '../../../../steps/user-table.js';
import type { StepLesson } from '../lesson.js';
import { loadLesson } from './load.js';
import { samplingRulesLesson } from './sampling-rules.js';
import { traceAnalysisLesson } from './trace-analysis.js';
import { userApiLesson } from './user-api.js';
import { userFunctionLesson } from './user-function.js';
import { userTableLesson } from './user-table.js';

export const lessons: Readonly<Record<string, StepLesson>> = {
  [SAMPLING_STEP_ID]: samplingRulesLesson,
  [TABLE_STEP_ID]: userTableLesson,
  [FUNCTION_STEP_ID]: userFunctionLesson,
  [API_STEP_ID]: userApiLesson,
  [LOAD_STEP_ID]: loadLesson,
  [TRACES_STEP_ID]: traceAnalysisLesson,
};
