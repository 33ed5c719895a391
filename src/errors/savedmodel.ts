import type { CatalogEntry } from './entry.js';

/** TensorFlow SavedModel: saved_model.pb, its variables bundle, signatures and ops. */
export const SAVEDMODEL_ERRORS = {
  'savedmodel/file-resolves-outside': {
    message: '{file} in the SavedModel {dir} resolves outside its folder (to {real}); refused',
  },
  'savedmodel/over-size-limit': {
    message: 'the SavedModel {dir} needs more than {limit} bytes with {file} ({bytes} bytes), over limits.model-size; refused before reading it',
    fix: 'raise the limit if the model is really that large',
    example: `version: 1
limits:
  model-size: 2 GB
models:
  - name: net
    path: models/net
`,
  },
  'savedmodel/file-unreadable': {
    message: '{file} {reason}',
  },
  'savedmodel/no-saved-model-pb': {
    message: '{name} is not a SavedModel: it has no saved_model.pb (export one with tf.saved_model.save or model.save(path) in TensorFlow 2)',
  },
  'savedmodel/pbtxt': {
    message: '{name} holds saved_model.pbtxt (text format); only the binary saved_model.pb is read',
    fix: 're-export without as_text',
  },
  'savedmodel/unknown-rank': {
    message: '{what} has an unknown rank',
  },
  'savedmodel/shape-unknown-dimension': {
    message: '{what} has shape [{dims}]: every dimension must be a known size ≥ 0',
  },
  'savedmodel/shape-too-large': {
    message: '{what} has shape [{dims}] = {elements} elements, more than {limit}',
  },
  'savedmodel/not-byte-count': {
    message: '{what} is {value}, not a byte count',
  },
  'savedmodel/variables-index-missing': {
    message: 'variables/{indexName} is missing: a SavedModel keeps its variables there (re-export with tf.saved_model.save)',
  },
  'savedmodel/variables-no-header': {
    message: 'variables/{indexName} has no bundle header (the entry under the empty key)',
  },
  'savedmodel/variables-big-endian': {
    message: 'variables/{indexName} was written big-endian; only little-endian bundles are read',
  },
  'savedmodel/variables-shard-count': {
    message: 'variables/{indexName} names {shardCount} data shards',
  },
  'savedmodel/variables-shard-missing': {
    message: 'variables/{name} is missing (the index names {shardCount} shard(s)); copy the whole variables/ folder',
  },
  'savedmodel/variable-not-in-index': {
    message: '{what} is not in variables/{indexName}',
  },
  'savedmodel/variable-sliced': {
    message: '{what} is stored as slices (a partitioned variable); that is not supported yet',
  },
  'savedmodel/variable-shard-unknown': {
    message: '{what} points to shard {shardId}, but the index names {shardCount}',
  },
  'savedmodel/variable-out-of-bounds': {
    message: '{what} lies at bytes {offset}…{end} of {name}, which has {byteLength}: the shard is truncated or the index is corrupt',
  },
  'savedmodel/variable-crc': {
    message: '{what} in {name} fails its crc32c check (stored 0x{stored}, computed 0x{computed}): the data is corrupt',
  },
  'savedmodel/variable-dtype': {
    message: '{what} has dtype {dtype}, which is not supported',
  },
  'savedmodel/variable-size': {
    message: '{what} holds {size} bytes, but {dtype} [{shape}] needs {needed}',
  },
  'savedmodel/string-lengths-overrun': {
    message: '{what}: string lengths run past the entry',
  },
  'savedmodel/string-length-varint': {
    message: '{what}: a string length varint is too long',
  },
  'savedmodel/string-overrun': {
    message: '{what}: a {length}-byte string runs past the entry',
  },
  'savedmodel/signature-missing': {
    message: 'the SavedModel has no signature "{signatureName}"; it has {usable}{more}',
  },
  'savedmodel/variables-folder-missing': {
    message:
      '{where}: the graph reads variables, but the SavedModel has no variables/ folder (copy variables/variables.index and variables.data-* along with saved_model.pb)',
  },
  'savedmodel/capture-not-variable': {
    message: '{where}: captured object {id} is not a saved variable',
  },
  'savedmodel/node-name-clash': {
    message: 'two nodes would be named "{name}" in the converted graph',
  },
  'savedmodel/variable-without-folder': {
    message: 'the graph reads variable "{key}", but the SavedModel has no variables/ folder',
  },
  'savedmodel/variable-taken-as-handle': {
    message: '{where} takes variable "{key}" itself, not its value',
  },
  'savedmodel/input-no-node': {
    message: '{where}: input "{input}" names no node',
  },
  'savedmodel/input-bad-index': {
    message: '{where}: input "{input}" has no valid output index',
  },
  'savedmodel/handle-no-variable': {
    message: '{where}: no saved variable matches this handle',
  },
  'savedmodel/read-not-variable': {
    message: '{where}: reads something that is not a saved variable',
  },
  'savedmodel/no-value': {
    message: '{where}: has no value',
  },
  'savedmodel/gather-not-variable': {
    message: '{where}: gathers from something that is not a saved variable',
  },
  'savedmodel/function-missing': {
    message: '{where}: calls function "{fname}", which is not in the graph\'s library',
  },
  'savedmodel/function-recursive': {
    message: '{where}: calls "{fname}" from inside itself ({chain}); recursive functions cannot be inlined',
  },
  'savedmodel/function-too-deep': {
    message: '{where}: function calls nest deeper than {limit}',
  },
  'savedmodel/function-arity': {
    message: '{where}: passes {passed} inputs to "{fname}", which takes {takes}',
  },
  'savedmodel/function-output-missing': {
    message: '{where}: output {index} does not exist on "{fname}"',
  },
  'savedmodel/function-return-unknown': {
    message: 'function {fname} does not say what it returns as "{name}"',
  },
  'savedmodel/signature-input-not-placeholder': {
    message: 'signature "{signatureName}" input "{key}" is {name}, not a Placeholder of the main graph',
  },
  'savedmodel/signature-output-missing': {
    message: 'signature "{signatureName}" output "{key}" names {name}, which is not in the main graph',
  },
  'savedmodel/no-metagraph': {
    message: '{what} holds no MetaGraph: it is not a SavedModel (or it is empty)',
  },
  'savedmodel/no-graph': {
    message: '{what} has no graph',
  },
  'savedmodel/variables-index-absent': {
    message: '{name}/variables/variables.index is missing: the variable data cannot be found without it',
  },
  'savedmodel/output-count-attr': {
    message: '{where}: attribute "{attr}" should count the "{name}" outputs',
  },
  'savedmodel/op-output-missing': {
    message: '{where}: op {op} has no output "{outArg}" (it has {args})',
  },
  'savedmodel/proto-invalid': {
    message: '{what} is not a valid {type} protocol buffer: {detail}',
  },
  'savedmodel/table-varint-overrun': {
    message: '{what}: a varint runs past the end of its block',
  },
  'savedmodel/table-varint-too-large': {
    message: '{what}: a varint exceeds 2^53',
  },
  'savedmodel/table-varint-too-long': {
    message: '{what}: a varint is longer than 10 bytes',
  },
  'savedmodel/table-entry-overrun': {
    message: '{what}: an entry of {length} bytes runs past the end of its block',
  },
  'savedmodel/table-block-outside': {
    message: '{what} at byte {offset} ({size} bytes) lies outside the file ({byteLength} bytes)',
  },
  'savedmodel/table-crc': {
    message: '{what} at byte {offset} fails its crc32c check (stored {stored}, computed {computed}): the file is corrupt',
  },
  'savedmodel/table-compressed': {
    message: '{what} uses compression type {type}; only uncompressed tables (type 0, what TensorFlow writes for variables.index) are read',
  },
  'savedmodel/table-block-short': {
    message: '{what} is {byteLength} bytes, too short for its restart count',
  },
  'savedmodel/table-restarts': {
    message: '{what} claims {restarts} restart points, more than its {byteLength} bytes hold',
  },
  'savedmodel/table-shared-key': {
    message: '{what}: an entry shares {shared} key bytes with a {byteLength}-byte key',
  },
  'savedmodel/table-too-short': {
    message: '{what} is {byteLength} bytes, shorter than a table footer (48 bytes)',
  },
  'savedmodel/table-magic': {
    message: '{what} does not end with the table magic number 0xdb4775248b80fb57: it is not a TensorFlow checkpoint index',
  },
  'savedmodel/dtype-unreadable': {
    message: 'dtype {dtype} cannot be read',
  },
  'savedmodel/int64-out-of-range': {
    message: '{what} holds {value} at index {index}, outside int32: TF.js stores int64 as int32, so this value cannot be kept',
  },
  'savedmodel/weight-dtype': {
    message: '{what} has dtype {dtype}, which a TF.js graph model cannot hold as a weight',
  },
  'savedmodel/weight-shape-mismatch': {
    message: '{what} is stored with shape [{stored}] but the graph declares [{expected}]: the variables do not belong to this saved_model.pb',
  },
  'savedmodel/weight-size': {
    message: '{what} holds {byteLength} bytes of {tfDtype}, but shape [{shape}] needs {needed}',
  },
  'savedmodel/weight-value-count': {
    message: '{what} lists {count} values for shape [{shape}]',
  },
  'savedmodel/unsupported-ops': {
    message: 'signature "{signature}" uses {count} op(s) the TF.js graph cannot run:\n{lines}',
  },
} as const satisfies Record<`savedmodel/${string}`, CatalogEntry>;
