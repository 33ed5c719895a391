import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// LiteRT.js holds one global instance, so each build is tested in its own process: execute.test.ts again, with
// LITERT_BUILD set, on this Node and on Node 24 (the Action's runtime) when .cache/node24 has it.
const root = join(import.meta.dirname, '..', '..', '..', '..');
const node24 = join(root, '.cache', 'node24', 'bin', 'node');
const nodes = [process.execPath, ...(existsSync(node24) && node24 !== process.execPath ? [node24] : [])];
const cases = nodes.flatMap((node) => (['compat', 'relaxed-simd', 'threads'] as const).map((build) => ({ node, build })));

describe('every LiteRT build runs a corpus model', () => {
  it.each(cases)(
    '$build on $node',
    ({ node, build }) => {
      // `--configLoader runner`: vite would otherwise write the bundled config into node_modules/.vite-temp, which a
      // non-root user running the tests on a root-owned clone cannot write.
      const vitest = [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--configLoader', 'runner', '--reporter=verbose'];
      const out = execFileSync(node, [...vitest, 'test/integration/runtimes/litert/execute.test.ts'], {
        cwd: root,
        env: { ...process.env, LITERT_BUILD: build, NO_COLOR: '1', FORCE_COLOR: '0' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // A failing run throws (non-zero exit); this checks the build that ran is the one asked for.
      expect(out).toContain(`LiteRT in Node (${build} build) > runs the face detector`);
      expect(out).toMatch(/Tests +2 passed/);
    },
    120_000,
  );
});
