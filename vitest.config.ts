import { defineConfig } from 'vitest/config';

/** Workers run test files in parallel, each against its own database and Redis db (test/setup.ts). */
export const TEST_WORKERS = 3;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    maxWorkers: TEST_WORKERS,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
