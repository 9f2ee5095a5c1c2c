/** Crash-injection matrix, part A (see crash-matrix.ts). */
import { defineCrashSuite, KILL_POINTS_A, RESUME_POINTS_A } from './crash-matrix.js';

defineCrashSuite(KILL_POINTS_A, RESUME_POINTS_A);
