/**
 * vitest `test.extend` fixtures for the sandboxes CLI tests set up again and again. File-scoped: one per
 * test file, created on first use and torn down after the file's last test.
 *   - `box`: the built CLI in a sandbox (its own HOME, state and data dirs, port 0);
 *   - `stack`: the lab's stack on an in-process local cloud (see lab-stack.ts).
 */
import { test as base } from 'vitest';
import { startLabStack, type LabStack } from './lab-stack.js';
import { makeSandbox, type Sandbox } from './cli.js';

export const cliTest = base.extend<{ box: Sandbox }>({
  box: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const box = await makeSandbox();
      await use(box);
      await box.dispose();
    },
    { scope: 'file' },
  ],
});

export const labStackTest = cliTest.extend<{ stack: LabStack }>({
  stack: [
    // eslint-disable-next-line no-empty-pattern -- as above
    async ({}, use) => {
      const stack = await startLabStack();
      await use(stack);
      await stack.close();
    },
    { scope: 'file' },
  ],
});
