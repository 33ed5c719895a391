/** Types of scripts/licenses.mjs (for the tests that import it). */
export interface BundledPackage {
  readonly dir: string;
  readonly pkg: { readonly name: string; readonly version: string; readonly license?: unknown };
}
export function bundledPackages(moduleIds: Iterable<string>, root: string): BundledPackage[];
export function renderLicenses(packages: readonly BundledPackage[]): string;
