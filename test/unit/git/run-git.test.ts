/** The one git runner (src/git/run-git.ts) against a real repository in a temporary folder. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCommandError, gitBytes, gitToFile, runGit } from '../../../src/git/run-git.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();

/** Bytes that are not UTF-8, so a text round trip would change them. */
const BLOB = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a, 0xc3, 0x28, ...Array.from({ length: 5000 }, (_, i) => i % 256)]);

let repo: string;
let out: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'mb-run-git-'));
  out = mkdtempSync(join(tmpdir(), 'mb-run-git-out-'));
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'blob.bin'), BLOB);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'one');
});
afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('gitBytes', () => {
  it('returns stdout byte for byte', async () => {
    expect((await gitBytes(repo, ['cat-file', 'blob', 'HEAD:blob.bin'])).equals(BLOB)).toBe(true);
  });

  it('rejects with the command, the repository and git’s first error line', async () => {
    const error = await gitBytes(repo, ['cat-file', 'blob', 'HEAD:absent.bin']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).code).not.toBe(0);
    expect((error as Error).message).toMatch(new RegExp(`^git cat-file blob HEAD:absent\\.bin \\(in ${repo.replace(/[/\\.]/g, '\\$&')}\\): fatal: `));
  });

  it('stops git and rejects when it writes more than the limit', async () => {
    const error = await gitBytes(repo, ['cat-file', 'blob', 'HEAD:blob.bin'], 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).toContain('output is larger than 100 bytes');
  });

  it('rejects, naming the folder, when it does not exist', async () => {
    const missing = join(out, 'no-such-folder');
    const error = await gitBytes(missing, ['rev-parse', 'HEAD']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).toContain(`(in ${missing}): git could not start`);
  });

  it('passes arguments without a shell', async () => {
    const marker = join(out, 'shell-ran');
    await gitBytes(repo, ['cat-file', '-t', `HEAD:$(touch ${marker})`]).catch(() => undefined);
    await gitBytes(repo, ['cat-file', '-t', `HEAD:; touch ${marker}`]).catch(() => undefined);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('gitToFile', () => {
  it('streams stdout into the file and returns its head', async () => {
    const target = join(out, 'copy.bin');
    const head = await gitToFile(repo, ['cat-file', 'blob', 'HEAD:blob.bin'], target, 1025);
    expect(readFileSync(target).equals(BLOB)).toBe(true);
    expect(head.equals(BLOB.subarray(0, 1025))).toBe(true);
  });

  it('rejects with a GitCommandError when git fails', async () => {
    const error = await gitToFile(repo, ['cat-file', 'blob', 'HEAD:absent.bin'], join(out, 'absent.bin'), 1025).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).toContain('git cat-file blob HEAD:absent.bin');
  });
});

describe('runGit', () => {
  it('resolves with the exit code instead of rejecting', async () => {
    const result = await runGit(['cat-file', '-e', 'HEAD:absent.bin'], { cwd: repo });
    expect(result.code).not.toBe(0);
  });

  it('keeps only the tail of stdout past maxStdoutBytes and says so', async () => {
    const result = await runGit(['cat-file', 'blob', 'HEAD:blob.bin'], { cwd: repo, maxStdoutBytes: 64 });
    expect(result.truncated).toBe(true);
    expect(result.stdoutBytes.equals(BLOB.subarray(BLOB.length - 64))).toBe(true);
  });

  it('feeds stdin', async () => {
    const result = await runGit(['hash-object', '--stdin'], { cwd: repo, input: 'hello\n' });
    expect(result.stdout.trim()).toBe(execFileSync('git', ['hash-object', '--stdin'], { cwd: repo, input: 'hello\n', encoding: 'utf8' }).trim());
    expect(result.stdout.trim()).not.toBe(execFileSync('git', ['hash-object', '--stdin'], { cwd: repo, input: '', encoding: 'utf8' }).trim());
  });
});
