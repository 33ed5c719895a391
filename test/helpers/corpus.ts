import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The real-model corpus fetched by `scripts/fetch-models.mjs` (run by `npm test`'s pretest step). */
export interface CorpusModel {
  readonly id: string;
  /** Absolute path of the model.json (or equivalent entry file). */
  readonly path: string;
  readonly dir: string;
  readonly pkg: string;
}

/** The repository root: the nearest folder up holding test/fixtures/corpus.json (benches run this file compiled under build/). */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'test', 'fixtures', 'corpus.json'))) return dir;
    if (dirname(dir) === dir) return resolve(import.meta.dirname, '..', '..');
  }
}

const root = repositoryRoot(import.meta.dirname);
export const corpusDir = resolve(process.env.MODEL_BUDGET_CORPUS ?? join(root, '.cache', 'models'));

interface CorpusFile {
  packages: { name: string; version: string; models: { id: string; entry: string }[] }[];
}

const manifest = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'corpus.json'), 'utf8')) as CorpusFile;

export const corpus: readonly CorpusModel[] = manifest.packages.flatMap((p) =>
  p.models.map((m) => ({
    id: m.id,
    dir: join(corpusDir, m.id),
    path: join(corpusDir, m.id, m.entry),
    pkg: `${p.name}@${p.version}`,
  })),
);

/** The TF.js and Keras models of the corpus (the .tflite ones are read by their own format code). */
export const tfjsCorpus: readonly CorpusModel[] = corpus.filter((m) => !m.path.endsWith('.tflite'));

/** A corpus model by id; throws with the fix when the corpus has not been fetched. */
export function corpusModel(id: string): CorpusModel {
  const model = corpus.find((m) => m.id === id);
  if (!model) throw new Error(`no corpus model "${id}" in test/fixtures/corpus.json`);
  if (!existsSync(join(model.dir, '.complete.json'))) {
    throw new Error(`corpus model "${id}" is not fetched: run \`node scripts/fetch-models.mjs\``);
  }
  return model;
}
