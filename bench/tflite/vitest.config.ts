import { defineConfig } from 'vitest/config';

// The .tflite benchmark runs under vitest only because vitest runs TypeScript directly; it asserts nothing.
export default defineConfig({
  test: {
    include: ['bench/tflite/run-tflite.ts', 'bench/tflite/worker.ts', 'bench/tflite/run-quantize.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
