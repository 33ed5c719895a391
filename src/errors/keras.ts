import type { CatalogEntry } from './entry.js';

const RESAVE = 're-save the model with Keras';

/** Keras files: .h5 (HDF5) and .keras (zip), their config and weights. */
export const KERAS_ERRORS = {
  'keras/hdf5-unreadable': {
    message: '{file}: not a readable HDF5 file ({detail})',
    fix: RESAVE,
  },
  'keras/hdf5-damaged': {
    message: '{file}: the HDF5 file is damaged ({detail})',
    fix: RESAVE,
  },
  'keras/hdf5-header-truncated': {
    message: '{file}: the HDF5 file is truncated (only {bytes} bytes, the header is cut off)',
    fix: 're-download or re-save the model',
  },
  'keras/hdf5-superblock-version': {
    message: '{file}: unknown HDF5 superblock version {version}',
    fix: RESAVE,
  },
  'keras/hdf5-header-corrupt': {
    message: '{file}: the HDF5 header is corrupt (offset size {offsetSize})',
    fix: 're-save the model',
  },
  'keras/hdf5-truncated': {
    message: '{file}: the HDF5 file is truncated: it has {bytes} bytes, its header says {declared}',
    fix: 're-download or re-save the model',
  },
  'keras/hdf5-link-refused': {
    message: '{file}: {detail}; only self-contained files with plain groups and datasets are read (Keras writes no links)',
    fix: 're-save the model with Keras',
  },
  'keras/hdf5-external-file': {
    message:
      '{file}: the HDF5 file refers to another file ({attempts} attempt(s) to open one; an external link, external raw storage or a virtual dataset); only self-contained files are read',
    fix: 're-save the model with Keras',
  },
  'keras/h5-unreadable-object': {
    message: '{file}: cannot read "{where}" (the file is corrupt)',
    fix: 're-save the model',
  },
  'keras/h5-weight-missing': {
    message: '{file}: layer "{layer}" lists weight "{name}" but the file has no such dataset',
    fix: 're-save the model',
  },
  'keras/h5-weight-bad-shape': {
    message: '{file}: weight "{where}" has an invalid shape [{shape}]',
    fix: 're-save the model',
  },
  'keras/h5-weight-over-limit': {
    message:
      '{file}: weight "{where}" declares shape [{shape}] ({bytes} bytes), more than the {left} bytes left under maxUncompressedBytes; the file is corrupt or hostile',
    fix: 're-save it, or raise the limit if the model is really that large',
  },
  'keras/h5-weight-data-missing': {
    message:
      '{file}: weight "{where}" declares shape [{shape}] ({bytes} bytes) but is stored uncompressed in an HDF5 file of {fileBytes} bytes: its data is not there (unwritten chunks); the file is corrupt or hostile',
    fix: 're-save the model',
  },
  'keras/h5-weight-dtype': {
    message: '{file}: weight "{where}" is {kind}; only float32/float64 weights can be converted',
    fix: 'cast the model to float32 in Keras and save again',
  },
  'keras/h5-weight-unreadable': {
    message: '{file}: weight "{where}" could not be read as {count} floats',
    fix: 're-save the model',
  },
  'keras/config-not-json': {
    message: '{file}: {what} is not valid JSON',
    fix: RESAVE,
  },
  'keras/h5-weights-only': {
    message: '{file}: this HDF5 file holds weights only, no architecture (written by model.save_weights())',
    fix: 'save the whole model with model.save("model.h5") or model.save("model.keras"), or convert the architecture JSON and these weights together with the Python converter',
  },
  'keras/h5-no-model-config': {
    message: '{file}: an HDF5 file without a "model_config" attribute is not a Keras model',
    fix: 'save it with model.save()',
  },
  'keras/unreadable': {
    message: '{file}: the model file {reason}',
  },
  'keras/not-keras': {
    message: '{file}: not a Keras model — neither HDF5 (.h5) nor a .keras zip archive',
    fix: 'save the model with model.save("model.keras") or model.save("model.h5"), or point at a TF.js model.json',
  },
  'keras/rebuild-failed': {
    message: '{file}: TF.js cannot rebuild the model from its config ({detail})',
    fix: 'check the layers against docs/keras.md',
  },
  'keras/weight-count-mismatch': {
    message:
      '{file}: layer "{layer}" has {inFile} weight(s) in the file but {inConfig} in its config ({targets}); the weights do not belong to this architecture',
    fix: 're-save the model',
  },
  'keras/weight-shape-mismatch': {
    message: '{file}: weight "{weight}" has shape [{shape}] but layer "{layer}" needs [{needed}] for "{variable}"; the config and the weights disagree',
    fix: 're-save the model',
  },
  'keras/variables-missing': {
    message: '{file}: the file has no values for {count} variable(s) the config needs: {missing}',
    fix: 're-save the model',
  },
  'keras/params-disagree': {
    message:
      '{file}: its layer configs declare at least {declared} parameters but the file holds {held} weight values; the config and the weights disagree (or the file is hostile)',
    fix: 're-save the model',
  },
  'keras/weights-without-layer': {
    message: '{file}: the file has weights for layer "{layer}" but the config has no such layer; the config and the weights disagree',
    fix: 're-save the model',
  },
  'keras/subclassed-model': {
    message:
      '{file}: the model is a subclassed Keras model ("{topClass}"{registered}); its layers are defined in Python code, not in the file, so it cannot be converted',
    fix: 'rebuild it as a Sequential or Functional model, or register a matching class through customLayers',
  },
  'keras/unsupported-layers': {
    message: '{file}: the model cannot be converted.\n{lines}',
  },
  'keras/zip-without-config': {
    message: '{file}: a zip without config.json is not a Keras model',
    fix: 'save it with model.save("model.keras")',
  },
  'keras/zip-over-limit': {
    message: '{file}: the archive would inflate to {bytes} bytes, over the limit of {limit} (maxUncompressedBytes); it is a zip bomb or a very large model',
    fix: 'raise the limit only if you trust the file',
  },
  'keras/zip-invalid': {
    message: '{file}: not a valid .keras archive ({what})',
    fix: RESAVE,
  },
  'keras/zip-too-many-entries': {
    message: '{file}: the archive lists {count} entries, over the limit of {maxEntries} (maxEntries); a .keras file holds a handful — refusing it as hostile',
  },
  'keras/zip-entry-escapes': {
    message: '{file}: the archive holds an entry named "{name}" that points outside the archive (absolute or "../"); refusing it as hostile',
    fix: 're-save the model with Keras',
  },
  'keras/zip-entry-bomb': {
    message: '{file}: archive entry "{name}" inflates past its declared {bytes} bytes; refusing it as a zip bomb',
    fix: 're-save the model with Keras',
  },
  'keras/zip-entry-corrupt': {
    message: '{file}: archive entry "{name}" is corrupt ({detail})',
    fix: 're-save the model',
  },
} as const satisfies Record<`keras/${string}`, CatalogEntry>;
