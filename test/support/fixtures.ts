/**
 * vitest `test.extend` fixtures for the sandboxes CLI tests set up again and again. File-scoped: one per
 * test file, created on first use and torn down after the file's last test.
 *   - `box`: the built CLI in a sandbox (its own HOME, state and data dirs, port 0); in `localCliTest`, the
 *     local cloud its commands started is stopped at the end;
 *   - `stack`: the lab's stack on an in-process local cloud (see lab-stack.ts);
 *   - `cloud`: an empty in-process local cloud on an ephemeral port;
 *   - `lab`: a lab run on that cloud (lab-context.ts: temp state dir, clients, state store, LabContext),
 *     fresh for each test in `labTest`, one for the file in `fileLabTest`, on the stack's cloud in `stackLabTest`.
 *   - `aws`: the aws target's stand-ins: moto, a local cloud for X-Ray (moto has no sampling-rule API) and
 *     the environment routing the CLI to them (file-scoped; with `box` in `awsTargetTest`).
 * Files that keep helpers closing over their set-up take the fixtures in `it.beforeEach(({ lab }) => …)`.
 */
import { test as base } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { startLabStack, type LabStack } from './lab-stack.js';
import { makeSandbox, type Sandbox } from './cli.js';
import { openLabFixture, type LabFixture } from './lab-context.js';
import { MOTO_CREDENTIALS, startMoto, type Moto } from './moto.js';

/** The built CLI in a sandbox for the file; with `stopLocalCloud`, `xray-lab local stop` runs before it is removed. */
function sandbox(stopLocalCloud: boolean) {
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
  return async ({}, use: (box: Sandbox) => Promise<void>) => {
    const box = await makeSandbox();
    await use(box);
    if (stopLocalCloud) await box.run(['local', 'stop']);
    await box.dispose();
  };
}

export const cliTest = base.extend<{ box: Sandbox }>({ box: [sandbox(false), { scope: 'file' }] });
/** `box`, stopping the local cloud its commands started before it is removed. */
export const localCliTest = base.extend<{ box: Sandbox }>({ box: [sandbox(true), { scope: 'file' }] });

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

export const cloudTest = base.extend<{ cloud: LocalCloud }>({
  cloud: [
    // eslint-disable-next-line no-empty-pattern -- as above
    async ({}, use) => {
      const cloud = await startLocalCloud({ port: 0 });
      await use(cloud);
      await cloud.close();
    },
    { scope: 'file' },
  ],
});

/** A lab on the fixture's cloud, disposed after use: state dir removed, clients closed (cloud resources are the test's to tear down). */
async function lab({ cloud }: { cloud: LocalCloud }, use: (lab: LabFixture) => Promise<void>): Promise<void> {
  const opened = await openLabFixture(cloud, 'xray-lab-test-');
  await use(opened);
  await opened.dispose();
}

export const labTest = cloudTest.extend<{ lab: LabFixture }>({ lab });
export const fileLabTest = cloudTest.extend<{ lab: LabFixture }>({ lab: [lab, { scope: 'file' }] });

/** A fresh lab context for each test on the file's lab stack (steps that need the whole request path). */
export const stackLabTest = labStackTest.extend<{ lab: LabFixture }>({
  lab: async ({ stack }, use) => lab({ cloud: stack.cloud }, use),
});

export interface AwsTarget {
  moto: Moto;
  xrayCloud: LocalCloud;
  /** moto's credentials and endpoint, X-Ray routed to `xrayCloud` through the SDK's per-service endpoint variable. */
  env: NodeJS.ProcessEnv;
}

export const awsTargetTest = cliTest.extend<{ aws: AwsTarget }>({
  aws: [
    // eslint-disable-next-line no-empty-pattern -- as above
    async ({}, use) => {
      const [moto, xrayCloud] = await Promise.all([startMoto(), startLocalCloud({ port: 0 })]);
      try {
        await use({ moto, xrayCloud, env: { ...MOTO_CREDENTIALS, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: moto.endpoint, AWS_ENDPOINT_URL_XRAY: xrayCloud.endpoint } });
      } finally {
        await Promise.all([moto.stop(), xrayCloud.close()]);
      }
    },
    { scope: 'file' },
  ],
});
