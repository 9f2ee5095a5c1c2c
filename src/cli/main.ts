/** Entry point (bin/xray-lab.js imports the compiled copy): run the CLI on this process's arguments. */
import { guardClosedOutput } from './exit.js';
import { run } from './program.js';

// The AWS SDK's notice that its 2027 releases will need Node 22 is for us, the maintainers, not for
// learners running the lab: it would print on every command. Anyone can turn it back on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

guardClosedOutput();
void run(process.argv);
