import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const OWNER = 'src/runtimes/tfjs/backend.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line` of every place in src/ outside the owner that switches the tfjs backend. */
function switchesOutsideOwner(): string[] {
  return (
    sources(join(root, 'src'))
      .map((path) => relative(root, path).split('\\').join('/'))
      // The message catalog names tf.setBackend in the text of an error; it holds no code that could call it.
      .filter((file) => file !== OWNER && !file.startsWith('src/errors/'))
      .flatMap((file) =>
        readFileSync(join(root, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (/\b(setBackend|removeBackend)\b/.test(line) ? [`${file}:${i + 1}`] : [])),
      )
  );
}

test('only tfjsBackend switches the tfjs backend', () => {
  expect(readFileSync(join(root, OWNER), 'utf8')).toMatch(/tf\.setBackend\(/);
  expect(switchesOutsideOwner()).toEqual([]);
});
