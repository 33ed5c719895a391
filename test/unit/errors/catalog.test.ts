import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../../../src/config/json-schema.js';
import { parseConfig } from '../../../src/config/load.js';
import { CATALOG, ModelBudgetError, ModelLoadError, problem, type CatalogEntry, type ErrorCode } from '../../../src/errors.js';
import { errorCatalogMarkdown } from '../../../src/errors/markdown.js';
import { catalogKeyProblems, schemaKeyPaths } from './keys.js';

const root = join(import.meta.dirname, '..', '..', '..');
const entries = Object.entries(CATALOG) as [ErrorCode, CatalogEntry][];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${join('tflite', 'generated')}`));
}

test('every config key a message, fix or example names exists in the config schema', () => {
  const keys = schemaKeyPaths(configJsonSchema());
  const inputs = Object.keys((parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: object }).inputs);
  const problems = entries.flatMap(([code, entry]) => catalogKeyProblems(code, entry, keys, inputs));
  expect(problems).toEqual([]);
});

test.each(entries.filter(([, e]) => e.example !== undefined))('the example of %s is a valid model-budget.yml', (_code, entry) => {
  const config = parseConfig(entry.example ?? '', join(root, 'model-budget.yml'), 'model-budget.yml', { root });
  expect(config.models.length).toBeGreaterThan(0);
});

test('every placeholder is a plain name, filled by problem()', () => {
  for (const [code, entry] of entries) {
    for (const text of [entry.message, entry.fix ?? '']) {
      for (const [, name] of text.matchAll(/\{([^\s{}:,"]*)\}/g)) expect(name, code).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    }
  }
  const filled = problem('model/shard-listed-missing', { name: 'group1-shard1of1.bin', modelPath: 'net/model.json', file: '/r/net/x.bin' });
  expect(filled.text).toBe('shard "group1-shard1of1.bin" listed in net/model.json is missing (/r/net/x.bin); commit it next to model.json');
});

test('every catalog code is used somewhere in src', () => {
  const text = sourceFiles(join(root, 'src'))
    .filter((f) => !f.startsWith(join(root, 'src', 'errors') + sep))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const unused = entries.map(([code]) => code).filter((code) => !text.includes(`'${code}'`));
  expect(unused).toEqual([]);
});

// Files that may still pass plain text to a named error: none. A file listed here must still do so (the test fails
// when a listed file no longer needs to be here).
const NOT_YET: readonly string[] = [];

test('every named error thrown in src has a catalog code', () => {
  const files = sourceFiles(join(root, 'src'));
  const program = ts.createProgram(files, {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const base = program.getSourceFile(join(root, 'src', 'errors.ts'));
  const baseSymbol = base && checker.getSymbolAtLocation(base)?.exports?.get(ts.escapeLeadingUnderscores('ModelBudgetError'));
  expect(baseSymbol).toBeDefined();
  const isNamedError = (type: ts.Type): boolean => {
    for (let t: ts.Type | undefined = type; t; t = checker.getBaseTypes(t as ts.InterfaceType)[0]) {
      if (t.getSymbol() === baseSymbol) return true;
      if (!(t.flags & ts.TypeFlags.Object) || !((t as ts.ObjectType).objectFlags & ts.ObjectFlags.ClassOrInterface)) return false;
    }
    return false;
  };
  const plain = new Map<string, string[]>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.arguments?.[0]) {
        const created = checker.getTypeAtLocation(node);
        const first = checker.getTypeAtLocation(node.arguments[0]);
        if (isNamedError(created) && first.flags & ts.TypeFlags.StringLike) {
          const at = `${relative(root, file).split('\\').join('/')}`;
          plain.set(at, [...(plain.get(at) ?? []), node.getText(source).slice(0, 120)]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const unexpected = [...plain].filter(([file]) => !NOT_YET.includes(file));
  expect(unexpected).toEqual([]);
  expect(NOT_YET.filter((file) => !plain.has(file))).toEqual([]);
});

test('a named error keeps its code, fix, example and cause', () => {
  const cause = new Error('ENOENT');
  const error = new ModelLoadError(problem('model/is-folder', { path: 'net' }), { file: 'net', cause });
  expect(error).toBeInstanceOf(ModelBudgetError);
  expect(error.code).toBe('model/is-folder');
  expect(error.cause).toBe(cause);
  expect(error.file).toBe('net');
  expect(error.message).toBe(
    'net is a folder; point `path` at the model.json inside it (or a .h5 / .keras file, or a SavedModel folder holding saved_model.pb)',
  );
  expect(error.fix).toBe('point `path` at the model.json inside it (or a .h5 / .keras file, or a SavedModel folder holding saved_model.pb)');
  const withExample = new ModelLoadError(problem('output/symlink', { dir: 'dist/net' }));
  expect(withExample.example).toContain('output: dist/net');
  expect(new ModelBudgetError('plain').code).toBeUndefined();
});

// Regenerate with: UPDATE_ERRORS=1 npx vitest run test/unit/errors
test('docs/errors.md is generated from the catalog and lists every code', async () => {
  const generated = errorCatalogMarkdown();
  const file = join(root, 'docs', 'errors.md');
  if (process.env['UPDATE_ERRORS'] === '1') await writeFile(file, generated);
  for (const [code] of entries) expect(generated).toContain(`### \`${code}\``);
  expect(await readFile(file, 'utf8')).toBe(generated);
});
