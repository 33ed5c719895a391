/** Types of scripts/licenses.mjs (for the tests that import it). */
export interface BundledPackage {
  readonly dir: string;
  readonly pkg: { readonly name: string; readonly version: string; readonly license?: unknown };
}
export function modulePaths(stats: unknown): string[];
export function bundledPackages(stats: unknown, root: string): BundledPackage[];
export function renderLicenses(packages: readonly BundledPackage[]): string;
