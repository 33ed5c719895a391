import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

it('the protobuf descriptor and the tfjs op list match what scripts/gen-savedmodel-protos.mjs generates', () => {
  expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-savedmodel-protos.mjs'), '--check'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
});
