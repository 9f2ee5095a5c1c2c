/** Entry point (bin/xray-lab.js imports the compiled copy): run the CLI on this process's arguments. */
import { run } from './program.js';

void run(process.argv);
