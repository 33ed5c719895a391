import { OUTPUT_EXAMPLE, type CatalogEntry } from './entry.js';

const FOLDER_FIX = 'point `output:` at a new folder (model-budget creates it), or empty this one';

/** Writing the compressed model where `output:` says. */
export const OUTPUT_ERRORS = {
  'output/symlink-outside': {
    message: '{dir} leads outside the repository through a symbolic link (it is {real})',
    fix: 'point `output:` at a real folder inside {within}',
    example: OUTPUT_EXAMPLE,
  },
  'output/overlaps-source': {
    message: '{dir} is {real} once symbolic links are followed, which overlaps the source model {source}',
    fix: 'point `output:` at a folder of its own',
    example: OUTPUT_EXAMPLE,
  },
  'output/symlink': {
    message: '{dir} is a symbolic link; model-budget writes only into a real folder',
    fix: FOLDER_FIX,
    example: OUTPUT_EXAMPLE,
  },
  'output/not-folder': {
    message: '{dir} exists and is not a folder',
    fix: FOLDER_FIX,
    example: OUTPUT_EXAMPLE,
  },
  'output/foreign-files': {
    message: '{dir} already holds files model-budget did not write ({shown})',
    fix: FOLDER_FIX,
    example: OUTPUT_EXAMPLE,
  },
  'output/marker-not-file': {
    message: '{marker} is not a plain file',
    fix: `delete it, or ${FOLDER_FIX}`,
  },
} as const satisfies Record<`output/${string}`, CatalogEntry>;
