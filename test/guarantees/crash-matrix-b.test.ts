/** Crash-injection matrix, part B (see crash-matrix.ts). */
import { defineCrashSuite, KILL_POINTS_B, RESUME_POINTS_B } from './crash-matrix.js';

defineCrashSuite(KILL_POINTS_B, RESUME_POINTS_B);
