/**
 * Git LFS pointer files. A repository that stores model shards in LFS but was checked out without `lfs: true`
 * (or a base commit read with `git show`) holds small text pointers instead of the bytes. The pointer still says
 * how large the real file is, which is enough for the size budget.
 */

/** What an LFS pointer says about the real file. */
export interface LfsPointer {
  /** `sha256:<hex>` object id. */
  readonly oid: string;
  /** Size of the real file, in bytes. */
  readonly size: number;
}

/** Pointer files are tiny; anything larger is real content. */
const MAX_POINTER_BYTES = 1024;
const VERSION_LINE = /^version https:\/\/(git-lfs\.github\.com\/spec\/v1|hawser\.github\.com\/spec\/v1)$/;

/**
 * Parses a Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
 * Returns `undefined` for anything that is not a well-formed pointer, so callers can pass every file through it.
 */
export function parseLfsPointer(content: string | Uint8Array): LfsPointer | undefined {
  if (content.length > MAX_POINTER_BYTES) return undefined;
  const text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: false }).decode(content);
  const lines = text.split('\n').filter((line) => line !== '');
  const [first, ...rest] = lines;
  if (first === undefined || !VERSION_LINE.test(first)) return undefined;
  let oid: string | undefined;
  let size: number | undefined;
  for (const line of rest) {
    const match = /^([a-z0-9.-]+) (.*)$/.exec(line);
    if (!match) return undefined;
    const [, key, value = ''] = match;
    if (key === 'oid') {
      if (!/^sha256:[0-9a-f]{64}$/.test(value)) return undefined;
      oid = value;
    } else if (key === 'size') {
      if (!/^\d{1,15}$/.test(value)) return undefined;
      size = Number(value);
    }
  }
  if (oid === undefined || size === undefined) return undefined;
  return { oid, size };
}

/** True when the bytes are an LFS pointer rather than the file itself. */
export function isLfsPointer(content: string | Uint8Array): boolean {
  return parseLfsPointer(content) !== undefined;
}
