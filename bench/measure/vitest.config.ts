import { defineConfig } from 'vitest/config';

// The measure benchmark runs under vitest only because vitest runs TypeScript directly; it asserts nothing.
export default defineConfig({
  test: {
    include: ['bench/measure/run-measure.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
