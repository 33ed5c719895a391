/**
 * One entry of the error catalog. `{name}` in `message` and `fix` is filled from the values the thrower passes
 * (`problem('model/shard-missing', { file, shard })`); a brace followed by a space (`{ dtype: uint8 }`) is text.
 */
export interface CatalogEntry {
  /** What is wrong, naming the file (or the flag, input or config key) it is about. */
  readonly message: string;
  /** What to do about it. Shown after the message, everywhere the message is. */
  readonly fix?: string;
  /**
   * A complete model-budget.yml that does what the fix says, where a config change is the fix. Printed by the CLI
   * and in the Action's job summary; a test loads every example with the real config loader.
   */
  readonly example?: string;
}

/** The `{name}` placeholders of a message template, as a union of names. */
export type Placeholders<S> = S extends `${string}{${infer Rest}`
  ? Rest extends `${infer Name}}${infer After}`
    ? Name extends '' | `${string}${' ' | ':' | ',' | '{' | '"'}${string}`
      ? Placeholders<Rest>
      : Name | Placeholders<After>
    : never
  : never;

/** The placeholder pattern `Placeholders` describes, for filling a template at run time. */
export const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** A model-budget.yml whose `output:` is a new folder inside the repository: the example of every `output:` problem. */
export const OUTPUT_EXAMPLE = `version: 1
models:
  - name: net
    path: models/net/model.json
    compress: { quantize: uint8 }
    output: dist/net
`;
