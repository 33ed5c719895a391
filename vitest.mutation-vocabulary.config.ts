import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs for the bottom-layer vocabulary (src/format.ts, src/dtypes.ts, src/note.ts,
 * src/report/cells.ts): their own unit tests and those of the renderers and units built on them. The schema and
 * other modules call these at import time, which makes most of their mutants "static" (run against every test
 * that imports them, ~40 s each with the whole of vitest.mutation.config.ts); this narrower set scores them in
 * minutes, a lower bound of what the whole suite kills. Used by stryker.vocabulary.json.
 */
export default defineConfig({
  test: {
    include: ['test/unit/vocabulary/**/*.test.ts', 'test/unit/config/units*.test.ts', 'test/unit/report/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
