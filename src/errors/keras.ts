import type { CatalogEntry } from './entry.js';

/** Keras files: .h5 (HDF5) and .keras (zip), their config and weights. */
export const KERAS_ERRORS = {
  'keras/hdf5-unreadable': {
    message: '{file}: not a readable HDF5 file ({detail})',
    fix: 're-save the model with Keras',
  },
  'keras/hdf5-damaged': {
    message: '{file}: the HDF5 file is damaged ({detail})',
    fix: 're-save the model with Keras',
  },
} as const satisfies Record<`keras/${string}`, CatalogEntry>;
