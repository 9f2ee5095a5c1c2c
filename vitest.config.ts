import { defineConfig } from 'vitest/config';

/**
 * Two projects, so that only the tests that run the built CLI (`node bin/xray-lab.js`, as users do) wait
 * for `dist/` to be rebuilt: `npx vitest run test/unit` never builds. A new test that spawns the CLI
 * belongs under test/cli, test/guarantees or test/console (or add its path to CLI_TESTS).
 */
const CLI_TESTS = ['test/cli/**/*.test.ts', 'test/guarantees/**/*.test.ts', 'test/console/**/*.test.ts', 'test/bench/**/*.test.ts'];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // The SDK's notice that Node 20 support ends is for us, not for test output.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};

export default defineConfig({
  test: {
    // Two cores: forks keep native modules (sqlite, leveldb) isolated per test file.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'built-cli', include: CLI_TESTS, globalSetup: ['test/global-setup.ts'] } },
      { test: { ...shared, name: 'in-process', include: ['test/**/*.test.ts'], exclude: CLI_TESTS } },
    ],
  },
});
