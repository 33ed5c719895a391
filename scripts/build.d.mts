/** Types of scripts/build.mjs (for the tests that import it). */
export interface BundleChunk {
  readonly type: 'chunk';
  readonly fileName: string;
  readonly moduleIds: readonly string[];
}
export interface BundleAsset {
  readonly type: 'asset';
  readonly fileName: string;
}
export const ENTRIES: Readonly<Record<string, string>>;
export function bundle(dir?: string): Promise<readonly (BundleChunk | BundleAsset)[]>;
export function moduleIdsOf(output: readonly (BundleChunk | BundleAsset)[]): string[];
export interface Asset {
  readonly pkg: string;
  readonly from: string;
  readonly to: string;
  readonly files: RegExp;
}
export const ASSETS: readonly Asset[];
export function copyAssets(packages: readonly import('./licenses.mjs').BundledPackage[], distDir: string): string[];
