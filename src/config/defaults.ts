/**
 * Defaults that more than one place needs: the CLI and the Action, the config schema and the stage that reads the
 * setting, action.yml and the code behind its inputs. Each is written here once; test/unit/config/defaults.test.ts
 * checks that action.yml declares the same input defaults.
 */

/** The config file read when none is named (CLI `--config`, Action input `config`). */
export const DEFAULT_CONFIG_PATH = 'model-budget.yml';
/** Branch the trend history is kept on (Action input `history-branch`, `model-budget trend`). */
export const DEFAULT_HISTORY_BRANCH = 'model-budget-data';
/** Records kept per model in the trend history (Action input `history-max-entries`). */
export const DEFAULT_HISTORY_ENTRIES = 500;
/** Synthetic input sets drift compares on when no samples are given (`inputs.samples`). */
export const DEFAULT_DRIFT_SAMPLES = 8;
/** Seed of the synthetic inputs (`inputs.seed`). */
export const DEFAULT_INPUT_SEED = 1;
/** Most evaluations the mixed-precision search of `compress: auto` makes (`auto.max-evaluations`). */
export const DEFAULT_AUTO_EVALUATIONS = 48;

/**
 * Every Action input's default as action.yml writes it (inputs are strings; '' means unset). `github-token` is
 * left out: its default is the expression `${{ github.token }}`, which the runner fills in.
 */
export const ACTION_INPUT_DEFAULTS = {
  config: DEFAULT_CONFIG_PATH,
  'working-directory': '.',
  'report-json': '',
  comment: 'always',
  'comment-key': '',
  verbose: 'false',
  'comment-author': '',
  'override-label': 'model-budget:accept',
  mode: 'check',
  artifact: 'model-budget-report',
  leg: '',
  legs: '',
  record: 'auto',
  'history-branch': DEFAULT_HISTORY_BRANCH,
  'history-max-entries': String(DEFAULT_HISTORY_ENTRIES),
} as const satisfies Record<string, string>;

export type ActionInputName = keyof typeof ACTION_INPUT_DEFAULTS;
