import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseRefError } from '../../../src/errors.js';
import { findMergeBase } from '../../../src/git/base-commit.js';
import { materializeBase, modelPathsOf, snapshotLayout } from '../../../src/git/base-snapshot.js';
import { parseLfsPointer } from '../../../src/model/lfs.js';
import { corpusModel } from '../../helpers/corpus.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();

const POINTER = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';

let repo: string;
let baseSha: string;
let headSha: string;

beforeAll(() => {
  const gender = corpusModel('human-gender');
  repo = mkdtempSync(join(tmpdir(), 'mb-base-'));
  git(repo, 'init', '-q', '-b', 'main');
  mkdirSync(join(repo, 'models', 'gender'), { recursive: true });
  cpSync(join(gender.dir, 'gender.json'), join(repo, 'models', 'gender', 'model.json'));
  cpSync(join(gender.dir, 'gender.bin'), join(repo, 'models', 'gender', 'gender.bin'));
  mkdirSync(join(repo, 'models', 'lfs'), { recursive: true });
  writeFileSync(
    join(repo, 'models', 'lfs', 'model.json'),
    JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin', '../../escape.bin'], weights: [] }] }),
  );
  writeFileSync(join(repo, 'models', 'lfs', 'w.bin'), POINTER);
  writeFileSync(
    join(repo, 'model-budget.yml'),
    'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n  - name: lfs\n    path: models/lfs/model.json\n',
  );
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  baseSha = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '-q', '-b', 'feature');
  // Head: the gender model changes, a new model appears.
  writeFileSync(join(repo, 'models', 'gender', 'gender.bin'), Buffer.alloc(1000, 7));
  mkdirSync(join(repo, 'models', 'fresh'), { recursive: true });
  writeFileSync(join(repo, 'models', 'fresh', 'model.json'), '{}');
  writeFileSync(
    join(repo, 'model-budget.yml'),
    'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n  - name: fresh\n    path: ./models/fresh/model.json\n',
  );
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'head');
  headSha = git(repo, 'rev-parse', 'HEAD');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('materializeBase', () => {
  it('writes the base config and each model with its shards at the merge base; new models stay absent', async () => {
    const snap = await materializeBase({ repoDir: repo, workingDir: repo, configPath: join(repo, 'model-budget.yml'), baseSha, headSha });
    try {
      // HEAD is the PR head itself: a head checkout, compared with the merge base.
      expect(snap).toMatchObject({ ref: baseSha, kind: 'merge-base' });
      expect(readFileSync(join(snap.dir, 'model-budget.yml'), 'utf8')).toContain('name: lfs');
      const gender = corpusModel('human-gender');
      expect(readFileSync(join(snap.dir, 'models', 'gender', 'gender.bin')).equals(readFileSync(join(gender.dir, 'gender.bin')))).toBe(true);
      expect(existsSync(join(snap.dir, 'models', 'fresh', 'model.json'))).toBe(false);
      // From the base config only, and its shard is an LFS pointer; the "../" shard path is not followed.
      expect(snap.lfsPointers).toEqual([{ path: 'models/lfs/w.bin', size: 12345 }]);
      expect(snap.files).not.toContain('escape.bin');
    } finally {
      await snap.cleanup();
    }
    expect(existsSync(snap.dir)).toBe(false);
  });

  it('mirrors the working directory when the config lives in a subfolder', async () => {
    mkdirSync(join(repo, 'sub'), { recursive: true });
    writeFileSync(join(repo, 'sub', 'mb.yml'), 'models:\n  - path: ../models/gender/model.json\n');
    const snap = await materializeBase({ repoDir: repo, workingDir: join(repo, 'sub'), configPath: join(repo, 'sub', 'mb.yml'), baseSha, headSha });
    try {
      expect(existsSync(join(snap.dir, '..', 'models', 'gender', 'model.json'))).toBe(true);
    } finally {
      await snap.cleanup();
    }
  });
});

describe('the snapshot keeps the working directory where it is to the repository', () => {
  it('working directory above the repository (checkout `path:`, default working-directory)', async () => {
    const snap = await materializeBase({ repoDir: repo, workingDir: dirname(repo), configPath: join(repo, 'model-budget.yml'), baseSha, headSha });
    try {
      expect(readFileSync(join(snap.dir, basename(repo), 'model-budget.yml'), 'utf8')).toContain('name: lfs');
      expect(existsSync(join(snap.dir, basename(repo), 'models', 'gender', 'gender.bin'))).toBe(true);
    } finally {
      await snap.cleanup();
    }
  });

  it.each([
    { what: 'same folder', repoDir: '/w/app', workingDir: '/w/app', expected: { root: '/t/repo', dir: '/t/repo' } },
    { what: 'inside', repoDir: '/w', workingDir: '/w/sub', expected: { root: '/t/repo', dir: '/t/repo/sub' } },
    { what: 'above', repoDir: '/w/app', workingDir: '/w', expected: { root: '/t/work/app', dir: '/t/work' } },
    { what: 'a folder named like ..x is inside', repoDir: '/w', workingDir: '/w/..x', expected: { root: '/t/repo', dir: '/t/repo/..x' } },
  ])('$what', ({ repoDir, workingDir, expected }) => expect(snapshotLayout('/t', repoDir, workingDir)).toEqual(expected));

  it('a sibling folder is refused with both paths named', () => {
    expect(() => snapshotLayout('/t', '/w/app', '/w/other')).toThrow(/\/w\/other is neither inside nor above the repository \/w\/app/);
  });
});

describe('findMergeBase', () => {
  it('uses the merge base, not the base branch tip', async () => {
    git(repo, 'checkout', '-q', 'main');
    writeFileSync(join(repo, 'later.txt'), 'x');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'later on main');
    const tip = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', 'feature');
    expect(await findMergeBase(repo, tip, headSha)).toBe(baseSha);
  });

  it('a shallow clone fetches the missing commit and deepens until it reaches the merge base', async () => {
    const shallow = mkdtempSync(join(tmpdir(), 'mb-shallow-'));
    try {
      git(shallow, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo}`, 'c');
      expect(await findMergeBase(join(shallow, 'c'), baseSha, headSha)).toBe(baseSha);
    } finally {
      rmSync(shallow, { recursive: true, force: true });
    }
  });

  it('a shallow clone whose origin is gone fails with the fetch-depth fix', async () => {
    const shallow = mkdtempSync(join(tmpdir(), 'mb-shallow-'));
    try {
      git(shallow, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo}`, 'c');
      git(join(shallow, 'c'), 'remote', 'set-url', 'origin', join(shallow, 'gone'));
      const error = await findMergeBase(join(shallow, 'c'), baseSha, headSha).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BaseRefError);
      expect((error as Error).message).toMatch(/fetching it from origin failed.*fetch-depth: 0.*git fetch --no-tags --deepen/s);
    } finally {
      rmSync(shallow, { recursive: true, force: true });
    }
  });
});

describe('modelPathsOf', () => {
  it.each([
    {
      text: 'models:\n  - path: a/model.json\n  - path: ../y.json\n  - path: ../../outside.json\n  - path: /abs.json\n  - name: no-path',
      config: 'cfg/mb.yml',
      expected: ['cfg/a/model.json', 'y.json'],
    },
    { text: ': not yaml [', config: 'mb.yml', expected: [] },
  ])('$text', ({ text, config, expected }) => expect(modelPathsOf(text, config)).toEqual(expected));
});

describe('parseLfsPointer', () => {
  it.each([
    { what: 'a pointer', input: POINTER, expected: { oid: 'sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393', size: 12345 } },
    { what: 'JSON', input: '{"a":1}', expected: undefined },
    { what: 'no size', input: 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'a'.repeat(64) + '\n', expected: undefined },
    { what: 'bad oid', input: 'version https://git-lfs.github.com/spec/v1\noid md5:abc\nsize 1\n', expected: undefined },
  ])('$what', ({ input, expected }) => expect(parseLfsPointer(input)).toEqual(expected));
});
