import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: forks keep native modules (sqlite, leveldb) isolated per test file.
    pool: 'forks',
    maxWorkers: 2,
  },
});
