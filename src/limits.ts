/**
 * Default read and allocation caps, the one place they are defined: the config's `limits:` defaults
 * (`config/schema.ts`) and the loaders' own defaults (`model/`, `measure/samples/`) both come from here.
 */

/** `limits.model-size`: 1 GiB per model (TF.js holds all weights in one ArrayBuffer). */
export const DEFAULT_MAX_MODEL_BYTES = 1024 ** 3;

/** `limits.sample-size`: 256 MiB per sample file. */
export const DEFAULT_MAX_SAMPLE_BYTES = 256 * 1024 ** 2;
