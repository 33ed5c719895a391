// The third-party notice of a bundle: every npm package a webpack (ncc) stats file names a module of, with its
// version, licence and licence text. Used by scripts/build.mjs to write dist/licenses.txt and dist/cli/licenses.txt.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Every module path in webpack stats (concatenated modules included), as absolute or `./`-relative paths. */
export function modulePaths(stats) {
  const paths = [];
  const visit = (modules) => {
    for (const m of modules ?? []) {
      for (const key of ['nameForCondition', 'identifier', 'name']) if (typeof m[key] === 'string') paths.push(m[key]);
      visit(m.modules);
    }
  };
  visit(stats.modules);
  for (const chunk of stats.chunks ?? []) visit(chunk.modules);
  for (const child of stats.children ?? []) paths.push(...modulePaths(child));
  return paths;
}

/**
 * The package folders (`node_modules/<name>` or `node_modules/@scope/name`, nested ones included) that the
 * bundle's modules come from, resolved against `root`, each once, sorted by package name.
 */
export function bundledPackages(stats, root) {
  const dirs = new Set();
  const base = root.replace(/\\/g, '/');
  for (const raw of modulePaths(stats)) {
    // Identifiers carry a module type ("json|/abs/path"), loaders ("a!b") and queries ("?x"); names are
    // "./node_modules/…", relative to the root.
    for (const part of raw.replace(/\\/g, '/').split(/[|!]/)) {
      const path = part.split('?')[0].trim();
      const absolute = path.startsWith('./') ? `${base}/${path.slice(2)}` : path;
      const match = /^(\/.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(absolute);
      if (match && match[1]) dirs.add(match[1].split('/').join(sep));
    }
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
    const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? (pkg.licenses ?? []).map((l) => l.type ?? l).join(' OR ')) || 'UNKNOWN';
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)(\.|-|$)/i.test(f)).sort() : [];
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8').trim());
    return [`${pkg.name}@${pkg.version}`, `License: ${license}`, ...(texts.length > 0 ? ['', ...texts] : [])].join('\n');
  });
  return `Third-party packages bundled in this file's folder, with their licences.\n\n${sections.join('\n\n---\n\n')}\n`;
}
