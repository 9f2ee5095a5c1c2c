/** The lab's steps, in order. The position here is the order of `setup` and (reversed) of teardown. */
import type { LabStep } from '../src/lab/context.js';
import { samplingRulesStep } from './sampling-rules.js';
import { userApiStep } from './user-api.js';
import { userFunctionStep } from './user-function.js';
import { userTableStep } from './user-table.js';
import { loadStep } from './load.js';
import { tracesStep } from './traces.js';

export const steps: readonly LabStep[] = [samplingRulesStep, userTableStep, userFunctionStep, userApiStep, loadStep, tracesStep];
