// The third-party notice of a bundle: every npm package a bundled module comes from (rolldown's module ids of the
// output chunks), with its version, licence and licence text. Used by scripts/build.mjs to write dist/licenses.txt.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * The package folders (`node_modules/<name>` or `node_modules/@scope/name`, nested ones included) that the
 * bundle's modules come from (`./`-relative ids resolved against `root`), each once, sorted by package name.
 */
export function bundledPackages(moduleIds, root) {
  const dirs = new Set();
  const base = root.replace(/\\/g, '/');
  for (const raw of moduleIds) {
    // Ids are absolute paths; virtual modules start with "\0", and a query ("?x") may follow the path.
    const path = raw.replace(/\\/g, '/').replace(/^\0/, '').split('?')[0].trim();
    const absolute = path.startsWith('./') ? `${base}/${path.slice(2)}` : path;
    const match = /^(\/.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(absolute);
    if (match && match[1]) dirs.add(match[1].split('/').join(sep));
  }
  return [...dirs]
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => typeof pkg.name === 'string')
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name) || String(a.pkg.version).localeCompare(String(b.pkg.version)))
    .filter((p, i, all) => i === 0 || all[i - 1].pkg.name !== p.pkg.name || all[i - 1].pkg.version !== p.pkg.version);
}

/** One section per package: `name@version`, its licence, and the text of its LICENSE/COPYING/NOTICE files. */
export function renderLicenses(packages) {
  const sections = packages.map(({ dir, pkg }) => {
    const license =
      typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? (pkg.licenses ?? []).map((l) => l.type ?? l).join(' OR ')) || 'UNKNOWN';
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /^(licen[cs]e|copying|notice)(\.|-|$)/i.test(f))
          .sort()
      : [];
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8').trim());
    return [`${pkg.name}@${pkg.version}`, `License: ${license}`, ...(texts.length > 0 ? ['', ...texts] : [])].join('\n');
  });
  return `Third-party packages bundled in this file's folder, with their licences.\n\n${sections.join('\n\n---\n\n')}\n`;
}
