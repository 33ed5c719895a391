export const id = 962;
export const ids = [962];
export const modules = {

/***/ 4962:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_MAX_ENTRIES: () => (/* binding */ DEFAULT_MAX_ENTRIES),
  DEFAULT_MAX_UNCOMPRESSED_BYTES: () => (/* binding */ DEFAULT_MAX_UNCOMPRESSED_BYTES),
  isKerasFile: () => (/* reexport */ isKerasFile),
  loadKerasModel: () => (/* binding */ loadKerasModel)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@tensorflow/tfjs/dist/tf.node.js
var tf_node = __webpack_require__(9368);
// EXTERNAL MODULE: ./build/errors.js
var errors = __webpack_require__(9473);
// EXTERNAL MODULE: ./build/limits.js
var limits = __webpack_require__(7598);
// EXTERNAL MODULE: ./build/model/read-file.js
var read_file = __webpack_require__(7883);
// EXTERNAL MODULE: ./build/model/declared-params.js
var declared_params = __webpack_require__(6657);
;// CONCATENATED MODULE: ./build/model/keras/assemble.js



/**
 * Turns a Keras source into TF.js layers artifacts, checked against the model tfjs-layers builds from the config:
 * every weight in the file must fill one variable of the right shape, and every variable must be filled, so a model
 * that loads here also loads with `tf.loadLayersModel`. Weight data is float32, back to back in manifest order.
 */
async function assembleArtifacts(source, file, maxBytes) {
    checkDeclaredParams(source, file, maxBytes);
    const modelTopology = {
        keras_version: source.kerasVersion,
        backend: source.backend,
        model_config: source.modelConfig,
        ...(source.trainingConfig === undefined ? {} : { training_config: source.trainingConfig }),
    };
    let model;
    try {
        model = await tf_node.models.modelFromJSON({ modelTopology });
    }
    catch (error) {
        throw new errors/* ModelLoadError */.SW(`${file}: TF.js cannot rebuild the model from its config (${error instanceof Error ? error.message : String(error)}); ` +
            'check the layers against docs/keras.md', { file, cause: error });
    }
    try {
        const specs = [];
        const chunks = [];
        const filled = new Set();
        for (const layer of source.layers) {
            const targets = findLayer(model, layer, file).weights;
            if (targets.length !== layer.weights.length) {
                throw new errors/* ModelLoadError */.SW(`${file}: layer "${layer.layerPath.join('/')}" has ${layer.weights.length} weight(s) in the file but ` +
                    `${targets.length} in its config (${targets.map((t) => t.originalName).join(', ') || 'none'}); the weights ` +
                    'do not belong to this architecture — re-save the model', { file });
            }
            layer.weights.forEach((weight, i) => {
                const target = targets[i];
                if (!target)
                    return;
                if (!sameShape(target.shape, weight.shape)) {
                    throw new errors/* ModelLoadError */.SW(`${file}: weight "${weight.fileName}" has shape [${weight.shape.join(', ')}] but layer ` +
                        `"${layer.layerPath.join('/')}" needs [${target.shape.join(', ')}] for "${target.originalName}"; the ` +
                        'config and the weights disagree — re-save the model', { file });
                }
                filled.add(target);
                const name = source.naming === 'file' && resolvesTo(weight.fileName, target.originalName) ? weight.fileName : target.originalName;
                specs.push({ name, shape: [...weight.shape], dtype: 'float32' });
                chunks.push(weight.values);
            });
        }
        const missing = model.weights.filter((v) => !filled.has(v));
        if (missing.length > 0) {
            throw new errors/* ModelLoadError */.SW(`${file}: the file has no values for ${missing.length} variable(s) the config needs: ` +
                `${missing.map((v) => `${v.originalName} [${v.shape.join(', ')}]`).join(', ')}; re-save the model`, { file });
        }
        return { modelTopology, weightSpecs: specs, weightData: concat(chunks), format: 'layers-model', generatedBy: `keras v${source.kerasVersion}` };
    }
    finally {
        model.dispose();
    }
}
/**
 * Refuses a config that declares more parameters than the file holds (or than `maxBytes` as float32) before tfjs
 * builds it: building allocates every variable, so `Dense(units=1e9)` in a small file would take gigabytes first.
 */
function checkDeclaredParams(source, file, maxBytes) {
    const declared = (0,declared_params/* modelParams */.Uh)(source.modelConfig);
    const held = source.layers.reduce((n, l) => n + l.weights.reduce((m, w) => m + w.values.length, 0), 0);
    if (declared <= held + declared_params/* BUILD_SLACK_PARAMS */.VX && declared * 4 <= maxBytes)
        return;
    throw new errors/* ModelLoadError */.SW(`${file}: its layer configs declare at least ${Math.round(declared).toLocaleString('en-US')} parameters ` +
        (declared > held + declared_params/* BUILD_SLACK_PARAMS */.VX
            ? `but the file holds ${held.toLocaleString('en-US')} weight values; the config and the weights disagree (or the file is hostile) — re-save the model`
            : `(${Math.round(declared * 4).toLocaleString('en-US')} bytes as float32), over limits.model-size (${maxBytes.toLocaleString('en-US')} bytes); raise the limit if the model is really that large`), { file });
}
function findLayer(model, layer, file) {
    let current;
    let container = model;
    for (const name of layer.layerPath) {
        current = container?.layers.find((l) => l.name === name);
        container = current instanceof tf_node.LayersModel ? current : undefined;
    }
    if (!current) {
        throw new errors/* ModelLoadError */.SW(`${file}: the file has weights for layer "${layer.layerPath.join('/')}" but the config has no such layer; the ` +
            'config and the weights disagree — re-save the model', { file });
    }
    return current;
}
function sameShape(expected, actual) {
    return expected.length === actual.length && expected.every((d, i) => d === actual[i]);
}
/** tfjs-layers matches a weight by its name, or with an inner cell scope removed (`lstm/lstm_cell/kernel`). */
function resolvesTo(fileName, originalName) {
    if (fileName === originalName)
        return true;
    const tokens = fileName.split('/');
    return [...tokens.slice(0, -2), ...tokens.slice(-1)].join('/') === originalName;
}
function concat(chunks) {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const out = new Float32Array(total);
    let at = 0;
    for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.length;
    }
    return out.buffer;
}

;// CONCATENATED MODULE: ./build/model/keras/detect.js

/** First bytes of an HDF5 file (the superblock signature at offset 0). */
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** First bytes of a zip archive (a local file header). */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
function startsWith(bytes, magic) {
    return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}
/**
 * The Keras container a file holds, judged by its first bytes (never by its extension: `.keras` files written by
 * tf.keras 2.11–2.12 may be HDF5). `h5`: HDF5 (Keras 2 / tf.keras / Keras 3 legacy `.h5`); `zip`: a Keras 3 (or
 * tf.keras 2.13+) `.keras` archive; `undefined`: neither.
 */
function isKerasFile(bytes) {
    if (startsWith(bytes, HDF5_MAGIC))
        return 'h5';
    if (startsWith(bytes, ZIP_MAGIC))
        return 'zip';
    return undefined;
}
/**
 * Refuses a truncated HDF5 file before the HDF5 library sees it: the superblock records the end-of-file address, so
 * a short file is caught with a plain message instead of a library error stack.
 */
function checkHdf5Length(bytes, file) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tooShort = () => new errors/* ModelLoadError */.SW(`${file}: the HDF5 file is truncated (only ${bytes.length.toLocaleString('en-US')} bytes, the header is cut off); ` +
        're-download or re-save the model', { file });
    if (bytes.length < 16)
        throw tooShort();
    const version = bytes[8] ?? 0;
    let offsetSize;
    let eofAt;
    if (version === 0 || version === 1) {
        offsetSize = bytes[13] ?? 0;
        // signature 8, four version bytes, sizes 2, reserved 1, two K values 4, flags 4 (+4 in version 1): then addresses
        const addresses = version === 0 ? 24 : 28;
        eofAt = addresses + 2 * offsetSize;
    }
    else if (version === 2 || version === 3) {
        offsetSize = bytes[9] ?? 0;
        eofAt = 12 + 2 * offsetSize;
    }
    else {
        throw new errors/* ModelLoadError */.SW(`${file}: unknown HDF5 superblock version ${version}; re-save the model with Keras`, {
            file,
        });
    }
    if (offsetSize !== 8 && offsetSize !== 4) {
        throw new errors/* ModelLoadError */.SW(`${file}: the HDF5 header is corrupt (offset size ${offsetSize}); re-save the model`, {
            file,
        });
    }
    if (bytes.length < eofAt + offsetSize)
        throw tooShort();
    const base = offsetSize === 8 ? Number(view.getBigUint64(eofAt - 2 * offsetSize, true)) : view.getUint32(eofAt - 8, true);
    const eof = offsetSize === 8 ? Number(view.getBigUint64(eofAt, true)) : view.getUint32(eofAt, true);
    if (base + eof > bytes.length) {
        throw new errors/* ModelLoadError */.SW(`${file}: the HDF5 file is truncated: it has ${bytes.length.toLocaleString('en-US')} bytes, its header says ` +
            `${(base + eof).toLocaleString('en-US')}; re-download or re-save the model`, { file });
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(5217);
// EXTERNAL MODULE: ./node_modules/h5wasm/dist/esm/hdf5_hl.js + 1 modules
var hdf5_hl = __webpack_require__(2214);
;// CONCATENATED MODULE: ./build/model/keras/hdf5.js

// The browser/ESM build, not `h5wasm/node`: its emscripten file system is in memory (MEMFS), whereas the Node build
// maps every path onto the real disk (NODERAWFS), so opening a file there meant writing a copy to `/`, which a
// non-root user may not do and a killed run leaves behind. The ESM build embeds its wasm and runs in Node as is.



/** HDF5 type classes as h5wasm reports them in `metadata.type`. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
/**
 * Opens HDF5 bytes with h5wasm (WebAssembly HDF5), runs `read` on the root group, then closes and deletes the
 * in-memory copy. Nothing is written to the real file system. `read` must be synchronous so nothing else touches
 * the h5wasm file system meanwhile.
 *
 * While `read` runs, the HDF5 library may open the one file it was given and nothing else: an external link, a
 * dataset with external raw storage or a virtual dataset is refused (defence in depth: the in-memory file system
 * holds no other model file, but a link must never silently resolve to anything).
 */
async function withHdf5(bytes, file, read) {
    checkHdf5Length(bytes, file);
    const module = await hdf5_hl/* default.ready */.Ay.ready;
    // libhdf5 prints its error stack ("HDF5-DIAG: …", pages of it) to stderr by default; this handler hands it to
    // us as the thrown Error's message instead, which becomes one catalog line (the full text stays in `cause`).
    module.activate_throwing_error_handler();
    const name = `/model-budget-${(0,external_node_crypto_.randomUUID)()}.h5`;
    module.FS.writeFile(name, bytes);
    let h5;
    const fs = module.FS;
    const open = fs.open;
    const refused = [];
    fs.open = (path, ...rest) => {
        // libc's tmpfile() (the throwing error handler captures libhdf5's error stack in one) is the library's own
        // scratch file, never data a model can name.
        if (path !== name && !LIBC_TMPFILE.test(path)) {
            refused.push(path);
            throw new fs.ErrnoError(EMSCRIPTEN_EACCES);
        }
        return open.call(fs, path, ...rest);
    };
    try {
        try {
            h5 = new hdf5_hl/* default.File */.Ay.File(name, 'r');
        }
        catch (error) {
            throw new errors/* ModelLoadError */.SW(errors/* MESSAGES */.nl.hdf5Unreadable(file, hdf5Reason(error)), { file, cause: error });
        }
        try {
            const result = read(h5);
            if (refused.length > 0)
                throw otherFileError(file, refused);
            return result;
        }
        catch (error) {
            if (error instanceof LinkRefusedError) {
                throw new errors/* ModelLoadError */.SW(`${file}: ${error.message}; only self-contained files with plain groups and datasets are read (Keras writes ` +
                    'no links) — re-save the model with Keras', { file, cause: error });
            }
            // HDF5 reports the refused open as a missing object or a read failure; name the real reason instead.
            if (refused.length > 0 && !(error instanceof errors/* ModelBudgetError */.jW))
                throw otherFileError(file, refused, error);
            // Only libhdf5's own errors mean the file is damaged; ours pass through. It aborts (a WebAssembly
            // RuntimeError) on some damage, e.g. a variable-length string it cannot free.
            if (isWasmAbort(error)) {
                throw new errors/* ModelLoadError */.SW(errors/* MESSAGES */.nl.hdf5Damaged(file, `libhdf5 aborted on it: ${(0,errors/* firstLine */.TM)(error.message)}`), { file, cause: error });
            }
            if (error instanceof errors/* ModelBudgetError */.jW || !isHdf5Error(error))
                throw error;
            throw new errors/* ModelLoadError */.SW(errors/* MESSAGES */.nl.hdf5Damaged(file, hdf5Reason(error)), { file, cause: error });
        }
    }
    finally {
        fs.open = open;
        h5?.close();
        module.FS.unlink(name);
    }
}
/** A soft or external link met while reading; {@link withHdf5} names the file in the ModelLoadError it becomes. */
class LinkRefusedError extends Error {
    where;
    kind;
    constructor(where, kind) {
        super(`"${where}" in the HDF5 file is ${kind}`);
        this.where = where;
        this.kind = kind;
        this.name = 'LinkRefusedError';
    }
}
/** The names emscripten's libc gives tmpfile() files. */
const LIBC_TMPFILE = /^\/tmp\/tmpfile_[A-Za-z0-9]+$/;
/** Emscripten's errno for "permission denied" (its numbering, not Linux's). */
const EMSCRIPTEN_EACCES = 2;
function otherFileError(file, paths, cause) {
    return new errors/* ModelLoadError */.SW(`${file}: the HDF5 file refers to another file (${paths.length} attempt(s) to open one; an external link, ` +
        'external raw storage or a virtual dataset); only self-contained files are read — re-save the model with Keras', { file, ...(cause === undefined ? {} : { cause }) });
}
/** libhdf5's own errors (raised by the handler), or its abort on a damaged file (e.g. a vlen string it cannot free). */
function isHdf5Error(error) {
    return isWasmAbort(error) || (error instanceof Error && error.message.includes('HDF5-DIAG'));
}
/** Emscripten's abort: a `WebAssembly.RuntimeError` "Aborted(…)". */
function isWasmAbort(error) {
    return error instanceof Error && error.name === 'RuntimeError' && error.message.startsWith('Aborted');
}
/**
 * The innermost reason of a libhdf5 error stack (`#003: H5Oint.c line 1 in H5O_protect(): bad object header`
 * → `bad object header`), else the first line of the message.
 */
function hdf5Reason(error) {
    const text = error instanceof Error ? error.message : String(error);
    const reasons = Array.from(text.matchAll(/^\s*#\d+:.* in [\w.]+\(\): (.+)$/gm), (m) => m[1]?.trim() ?? '');
    return reasons.at(-1) || (0,errors/* firstLine */.TM)(text) || 'libhdf5 gave no reason';
}
/** A group's child, or undefined when it is absent or not a group. */
function childGroup(group, name) {
    const entity = hardChild(group, name);
    return entity instanceof hdf5_hl/* default.Group */.Ay.Group ? entity : undefined;
}
/** A group's child dataset, or undefined when it is absent or not a dataset. */
function childDataset(group, name) {
    const entity = hardChild(group, name);
    return entity instanceof hdf5_hl/* default.Dataset */.Ay.Dataset ? entity : undefined;
}
/**
 * `group.get(name)`, after refusing soft and external links: Keras writes neither, and following one would read
 * whatever it points at (another file, or another place in this one). The link is inspected without following it.
 */
function hardChild(group, name) {
    // A name may be a path ("dense_1/kernel:0"): walk it one link at a time, so every step is checked for links and
    // an absent step is found by listing (asking libhdf5 about an absent link throws with the throwing error handler).
    let at = group;
    const steps = name.split('/').filter((s) => s !== '');
    for (const [i, step] of steps.entries()) {
        if (!at.keys().includes(step))
            return null;
        const path = `${at.path === '/' ? '' : at.path}/${step}`;
        const external = at.get_external_link(path);
        const soft = at.get_link(path);
        if (external?.filename !== undefined || (soft !== null && soft !== undefined)) {
            throw new LinkRefusedError(path, external?.filename !== undefined ? 'an external link to another file' : 'a soft link');
        }
        const entity = at.get(step);
        if (i === steps.length - 1)
            return entity;
        if (!(entity instanceof hdf5_hl/* default.Group */.Ay.Group))
            return null;
        at = entity;
    }
    return at;
}
/** Names of the child groups/datasets, as HDF5 lists them (by name, byte order). */
function childNames(group) {
    return group.keys();
}
/** A string attribute (HDF5 stores them as fixed or variable-length strings, sometimes as bytes). */
function stringAttr(node, name) {
    const attr = node.attrs[name];
    if (attr === undefined)
        return undefined;
    const value = attr.json_value;
    if (typeof value === 'string')
        return value;
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string')
        return value[0];
    return undefined;
}
/**
 * A list-of-strings attribute such as `layer_names` or `weight_names`. HDF5 limits an attribute's size, so Keras
 * splits long lists into `name0`, `name1`, …; those chunks are joined in order.
 */
function stringListAttr(node, name) {
    const attrs = node.attrs;
    if (attrs[name] !== undefined)
        return toStringList(attrs[name].json_value);
    if (attrs[`${name}0`] === undefined)
        return undefined;
    const out = [];
    for (let chunk = 0; attrs[`${name}${chunk}`] !== undefined; chunk++) {
        out.push(...toStringList(attrs[`${name}${chunk}`]?.json_value ?? []));
    }
    return out;
}
function toStringList(value) {
    if (typeof value === 'string')
        return [value];
    if (!Array.isArray(value))
        return [];
    return value.filter((v) => typeof v === 'string');
}
/**
 * Reads a float dataset as float32 after checking its declared size against the budget, so a dataset that claims
 * absurd dimensions is refused before anything is allocated. float64 is narrowed (as the Python converter does).
 */
function readFloatDataset(dataset, where, file, budget) {
    const meta = dataset.metadata;
    const shape = meta.shape ?? [];
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new errors/* ModelLoadError */.SW(`${file}: weight "${where}" has an invalid shape [${shape.join(', ')}]; re-save the model`, {
            file,
        });
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = count * meta.size;
    if (!Number.isSafeInteger(bytes) || bytes > budget.bytesLeft) {
        throw new errors/* ModelLoadError */.SW(`${file}: weight "${where}" declares shape [${shape.join(', ')}] (${bytes.toLocaleString('en-US')} bytes), ` +
            `more than the ${budget.bytesLeft.toLocaleString('en-US')} bytes left under maxUncompressedBytes; ` +
            'the file is corrupt or hostile — re-save it, or raise the limit if the model is really that large', { file });
    }
    if (bytes > budget.hdf5Bytes && dataset.filters.length === 0) {
        throw new errors/* ModelLoadError */.SW(`${file}: weight "${where}" declares shape [${shape.join(', ')}] (${bytes.toLocaleString('en-US')} bytes) but is ` +
            `stored uncompressed in an HDF5 file of ${budget.hdf5Bytes.toLocaleString('en-US')} bytes: its data is not ` +
            'there (unwritten chunks); the file is corrupt or hostile — re-save the model', { file });
    }
    if (meta.type !== H5T_FLOAT || (meta.size !== 4 && meta.size !== 8)) {
        const kind = meta.type === H5T_INTEGER ? `int${meta.size * 8}` : `HDF5 type class ${meta.type}, ${meta.size} bytes`;
        throw new errors/* ModelLoadError */.SW(`${file}: weight "${where}" is ${kind}; only float32/float64 weights can be converted — cast the model to ` +
            'float32 in Keras and save again', { file });
    }
    budget.bytesLeft -= bytes;
    const raw = dataset.value;
    const values = raw instanceof Float32Array ? raw : raw instanceof Float64Array ? Float32Array.from(raw) : undefined;
    if (values?.length !== count) {
        throw new errors/* ModelLoadError */.SW(`${file}: weight "${where}" could not be read as ${count} floats; re-save the model`, {
            file,
        });
    }
    return { shape, values };
}

;// CONCATENATED MODULE: ./build/model/keras/json.js
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** `value[key]` when it is an object. */
function objectAt(value, key) {
    if (!isObject(value))
        return undefined;
    const child = value[key];
    return isObject(child) ? child : undefined;
}
/** `value[key]` when it is a string. */
function stringAt(value, key) {
    if (!isObject(value))
        return undefined;
    const child = value[key];
    return typeof child === 'string' ? child : undefined;
}
/** `value[key]` when it is an array. */
function arrayAt(value, key) {
    if (!isObject(value))
        return undefined;
    const child = value[key];
    return Array.isArray(child) ? child : undefined;
}
/** The layer list of a model config: `config.layers`, or `config` itself in the Keras ≤ 2.2 Sequential form. */
function layersOf(model) {
    if (!isObject(model))
        return [];
    const config = model.config;
    if (Array.isArray(config))
        return config;
    return arrayAt(config, 'layers') ?? [];
}

;// CONCATENATED MODULE: ./build/model/keras/keras3-config.js

/** Keys Keras 3 adds around a serialized object that tfjs-layers does not read (and some that it chokes on). */
const KERAS3_ONLY_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);
/**
 * Rewrites a Keras 3 (or tf.keras 2.13+ `.keras`) model config into the Keras 2 form that tfjs-layers 4.x
 * deserializes. Pure: returns a new value. What changes, and why:
 * - `module` / `registered_name` / `build_config` / `compile_config` / `shared_object_id` are dropped;
 * - a `DTypePolicy` object becomes its dtype string (`mixed_*` policies keep float32 variables, so → `float32`);
 * - a `__tensor__` value becomes its plain value (a one-element list becomes a number, e.g. Masking's `mask_value`);
 * - `InputLayer.batch_shape` becomes `batch_input_shape` (tfjs requires one of its own names);
 * - `LeakyReLU.negative_slope` becomes `alpha`;
 * - a `Flatten` built on rank-2 input (a no-op in Keras, refused by tfjs) becomes a linear `Activation`;
 * - Functional `inbound_nodes` (`{args, kwargs}` with `__keras_tensor__` history) become Keras 2 node lists, and
 *   a single `input_layers` / `output_layers` triple becomes a list of one.
 * A Keras 2 config passes through unchanged apart from the dropped keys.
 */
function translateKeras3Config(value) {
    if (Array.isArray(value))
        return value.map(translateKeras3Config);
    if (!isObject(value))
        return value;
    const className = stringAt(value, 'class_name');
    if (className === '__tensor__')
        return tensorValue(objectAt(value, 'config')?.value ?? null);
    if (className !== undefined && /DTypePolicy$|^Policy$/.test(className))
        return policyDtype(value);
    if (className === 'Flatten' && arrayAt(objectAt(value, 'build_config'), 'input_shape')?.length === 2) {
        return translateKeras3Config(identityFor(value));
    }
    const out = {};
    for (const [key, child] of Object.entries(value)) {
        if (className !== undefined && KERAS3_ONLY_KEYS.has(key))
            continue;
        out[key] = translateKeras3Config(child);
    }
    const config = objectAt(out, 'config');
    if (config && className === 'InputLayer' && config.batch_shape !== undefined) {
        const { batch_shape: batchShape, ...rest } = config;
        out.config = { ...rest, batch_input_shape: batchShape ?? null };
    }
    if (config && className === 'LeakyReLU' && config.negative_slope !== undefined) {
        const { negative_slope: slope, ...rest } = config;
        out.config = { ...rest, alpha: slope ?? 0.3 };
    }
    if (Array.isArray(value.inbound_nodes))
        out.inbound_nodes = value.inbound_nodes.map(translateNode);
    if (config) {
        for (const key of ['input_layers', 'output_layers']) {
            const list = arrayAt(config, key);
            if (list && typeof list[0] === 'string')
                config[key] = [list];
        }
    }
    return out;
}
function identityFor(flatten) {
    const config = objectAt(flatten, 'config') ?? {};
    const kept = { activation: 'linear' };
    for (const key of ['name', 'trainable', 'dtype'])
        if (config[key] !== undefined)
            kept[key] = config[key] ?? null;
    const { build_config: _dropped, ...rest } = flatten;
    return { ...rest, class_name: 'Activation', config: kept };
}
function tensorValue(value) {
    return Array.isArray(value) && value.length === 1 ? (value[0] ?? null) : value;
}
function policyDtype(policy) {
    const name = stringAt(objectAt(policy, 'config'), 'name') ?? 'float32';
    return name.startsWith('mixed_') ? 'float32' : name;
}
/** One Keras 3 call node `{args, kwargs}` → a Keras 2 node `[[layer, node, tensor, kwargs], …]`. */
function translateNode(node) {
    if (!isObject(node) || !Array.isArray(node.args))
        return translateKeras3Config(node);
    const inputs = [];
    collectTensors(node.args, inputs);
    const kwargs = {};
    for (const [key, child] of Object.entries(objectAt(node, 'kwargs') ?? {})) {
        // Tensors passed by keyword (initial_state, mask…) travel as extra inputs in the Keras 2 form.
        if (collectTensors(child, inputs) === 0)
            kwargs[key] = translateKeras3Config(child);
    }
    return inputs.map((history) => (Array.isArray(history) ? [...history.slice(0, 3), kwargs] : history));
}
function collectTensors(value, into) {
    if (Array.isArray(value))
        return value.reduce((n, item) => n + collectTensors(item, into), 0);
    if (!isObject(value))
        return 0;
    if (stringAt(value, 'class_name') === '__keras_tensor__') {
        into.push(arrayAt(objectAt(value, 'config'), 'keras_history') ?? []);
        return 1;
    }
    return 0;
}

;// CONCATENATED MODULE: ./build/model/keras/layer-check.js



/** Container classes whose `config.layers` hold more layers. */
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
/**
 * Refuses a model config tfjs-layers cannot rebuild, naming every offending layer at once: a subclassed model (its
 * architecture lives in Python code), `Lambda` layers (arbitrary Python, never executed, never dropped), and any class
 * neither tfjs-layers nor a `customLayers` module registered.
 */
function checkLayerClasses(modelConfig, file) {
    const topClass = stringAt(modelConfig, 'class_name') ?? '(none)';
    if (!MODEL_CLASSES.has(topClass) && !isRegistered(topClass)) {
        throw new errors/* ModelLoadError */.SW(`${file}: the model is a subclassed Keras model ("${topClass}"${registeredName(modelConfig)}); its layers are ` +
            'defined in Python code, not in the file, so it cannot be converted. Rebuild it as a Sequential or ' +
            'Functional model, or register a matching class through customLayers', { file });
    }
    const found = [];
    walk(modelConfig, stringAt(objectAt(modelConfig, 'config'), 'name') ?? topClass, found);
    const lambdas = found.filter((p) => p.className === 'Lambda');
    const unknown = found.filter((p) => p.className !== 'Lambda');
    if (lambdas.length === 0 && unknown.length === 0)
        return;
    const lines = [];
    if (lambdas.length > 0) {
        lines.push(`Lambda layers hold Python code, which is never run or dropped: ${lambdas.map((p) => p.where).join(', ')}. ` +
            'Replace each with a built-in layer or a custom layer class registered through customLayers.');
    }
    if (unknown.length > 0) {
        lines.push(`layer classes TF.js does not know: ${unknown.map((p) => `${p.className} (${p.where})`).join(', ')}. ` +
            'Replace them with supported layers (see docs/keras.md) or register them through customLayers.');
    }
    throw new errors/* ModelLoadError */.SW(`${file}: the model cannot be converted.\n${lines.join('\n')}`, { file });
}
function registeredName(config) {
    const name = stringAt(config, 'registered_name');
    return name ? `, registered as "${name}"` : '';
}
function isRegistered(className) {
    const map = tf_node.serialization.SerializationMap.getMap().classNameMap;
    return Object.prototype.hasOwnProperty.call(map, className);
}
function walk(layer, where, found) {
    for (const child of layersOf(layer)) {
        const className = stringAt(child, 'class_name') ?? '(no class_name)';
        const name = stringAt(objectAt(child, 'config'), 'name') ?? stringAt(child, 'name') ?? '?';
        const path = `${where} > ${name}`;
        if (className === 'Lambda' || !isRegistered(className))
            found.push({ className, where: `layer "${path}"` });
        else
            visitNested(child, path, found);
    }
}
/** Wrappers (Bidirectional, TimeDistributed), RNN cells and nested models carry layers of their own. */
function visitNested(layer, path, found) {
    const className = stringAt(layer, 'class_name') ?? '';
    if (MODEL_CLASSES.has(className)) {
        walk(layer, path, found);
        return;
    }
    const config = objectAt(layer, 'config');
    for (const key of ['layer', 'cell', 'forward_layer', 'backward_layer']) {
        const inner = config?.[key];
        const cells = Array.isArray(inner) ? inner : [inner];
        for (const cell of cells) {
            if (!isObject(cell))
                continue;
            const innerClass = stringAt(cell, 'class_name') ?? '(no class_name)';
            const innerPath = `${path} > ${key}`;
            if (innerClass === 'Lambda' || !isRegistered(innerClass))
                found.push({ className: innerClass, where: `layer "${innerPath}"` });
            else
                visitNested(cell, innerPath, found);
        }
    }
}

;// CONCATENATED MODULE: ./build/model/keras/source.js
/** Class renames the Python converter applies (tf 1.13-era serializations). */
const CLASS_NAME_MAP = {
    BatchNormalizationV1: 'BatchNormalization',
    UnifiedGRU: 'GRU',
    UnifiedLSTM: 'LSTM',
};
/** Applies {@link CLASS_NAME_MAP} to every `class_name` in a config. Pure. */
function translateClassNames(value) {
    if (Array.isArray(value))
        return value.map(translateClassNames);
    if (typeof value !== 'object' || value === null)
        return value;
    const out = {};
    for (const [key, child] of Object.entries(value)) {
        out[key] = key === 'class_name' && typeof child === 'string' ? (CLASS_NAME_MAP[child] ?? child) : translateClassNames(child);
    }
    return out;
}
/** Parses a JSON config stored in a Keras file, naming the file on failure. */
function parseConfigJson(text, what, file, onError) {
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw onError(`${file}: ${what} is not valid JSON; re-save the model with Keras`, error);
    }
}

;// CONCATENATED MODULE: ./build/model/keras/h5-model.js





const loadError = (file) => (message, cause) => new errors/* ModelLoadError */.SW(message, { file, cause });
/**
 * Reads a full-model Keras HDF5 file (`model.save('x.h5')` from Keras 2 / tf.keras, or Keras 3's legacy writer).
 * Layers are visited in the order HDF5 lists the groups under `model_weights` (by name), weights in `weight_names`
 * order — the order the Python converter writes, so manifests match it entry for entry.
 */
function readKerasH5(root, file, budget) {
    const configText = stringAttr(root, 'model_config');
    if (configText === undefined) {
        const weightsOnly = stringListAttr(root, 'layer_names') !== undefined;
        throw new errors/* ModelLoadError */.SW(weightsOnly
            ? `${file}: this HDF5 file holds weights only, no architecture (written by model.save_weights()); save the ` +
                'whole model with model.save("model.h5") or model.save("model.keras"), or convert the architecture JSON ' +
                'and these weights together with the Python converter'
            : `${file}: an HDF5 file without a "model_config" attribute is not a Keras model; save it with model.save()`, { file });
    }
    const weightsGroup = childGroup(root, 'model_weights');
    const kerasVersion = stringAttr(root, 'keras_version') ?? (weightsGroup && stringAttr(weightsGroup, 'keras_version')) ?? 'unknown';
    const backend = stringAttr(root, 'backend') ?? (weightsGroup && stringAttr(weightsGroup, 'backend')) ?? 'tensorflow';
    const rawConfig = translateClassNames(parseConfigJson(configText, 'the "model_config" attribute', file, loadError(file)));
    checkLayerClasses(rawConfig, file);
    const trainingText = stringAttr(root, 'training_config');
    const trainingConfig = trainingText === undefined
        ? undefined
        : translateClassNames(parseConfigJson(trainingText, 'the "training_config" attribute', file, loadError(file)));
    const keras3 = kerasVersion.startsWith('3.');
    return {
        kerasVersion,
        backend,
        modelConfig: keras3 ? translateKeras3Config(rawConfig) : rawConfig,
        trainingConfig,
        layers: weightsGroup ? readLayerGroups(weightsGroup, file, budget) : [],
        naming: keras3 ? 'tfjs' : 'file',
    };
}
function readLayerGroups(weightsGroup, file, budget) {
    const layerNames = new Set(stringListAttr(weightsGroup, 'layer_names') ?? []);
    const layers = [];
    for (const layer of childNames(weightsGroup)) {
        if (!layerNames.has(layer))
            continue;
        const group = childGroup(weightsGroup, layer);
        if (!group)
            continue;
        const weights = [];
        for (const name of stringListAttr(group, 'weight_names') ?? []) {
            const where = `model_weights/${layer}/${name}`;
            let dataset;
            try {
                dataset = childDataset(group, name);
            }
            catch (error) {
                if (error instanceof LinkRefusedError)
                    throw error;
                throw new errors/* ModelLoadError */.SW(`${file}: cannot read "${where}" (the file is corrupt); re-save the model`, { file, cause: error });
            }
            if (!dataset) {
                throw new errors/* ModelLoadError */.SW(`${file}: layer "${layer}" lists weight "${name}" but the file has no such dataset; re-save the model`, { file });
            }
            const { shape, values } = readFloatDataset(dataset, where, file, budget);
            weights.push({ fileName: name.endsWith(':0') ? name.slice(0, -2) : name, shape, values });
        }
        if (weights.length > 0)
            layers.push({ layerPath: [layer], weights });
    }
    return layers;
}

// EXTERNAL MODULE: ./build/model/custom-layers.js
var custom_layers = __webpack_require__(958);
;// CONCATENATED MODULE: ./build/model/keras/training-only.js

/**
 * Layer settings that only act while training: weight and activity regularizers add loss terms, constraints
 * project weights after each optimizer step. Neither changes a prediction, and tfjs-layers knows only some of their
 * classes (`L1L2` but not Keras 2.4+'s `L2`, so a model with `kernel_regularizer=l2` fails with "Unknown
 * regularizer: L2"). docs/keras.md lists them.
 */
const TRAINING_ONLY_KEY = /^(?:[a-z]+_)*(?:regularizer|constraint)$/;
/**
 * Sets every regularizer and constraint in a model config to `null` (what Keras writes when there is none), at any
 * depth (nested models, `Bidirectional` / `TimeDistributed` wrappers, RNN cells). Pure: returns a new config and
 * what was dropped.
 */
function dropTrainingOnly(modelConfig) {
    const found = new Map();
    const visit = (value, owner) => {
        if (Array.isArray(value))
            return value.map((item) => visit(item, owner));
        if (!isObject(value))
            return value;
        const name = stringAt(value, 'name') ?? owner;
        const out = {};
        for (const [key, child] of Object.entries(value)) {
            if (TRAINING_ONLY_KEY.test(key) && child !== null) {
                const className = typeof child === 'string' ? child : (stringAt(child, 'class_name') ?? 'unknown');
                const id = `${key}\u0000${className}`;
                const entry = found.get(id) ?? { key, className, layers: [] };
                if (!entry.layers.includes(name))
                    entry.layers.push(name);
                found.set(id, entry);
                out[key] = null;
            }
            else {
                out[key] = visit(child, name);
            }
        }
        return out;
    };
    const config = visit(modelConfig, '(model)');
    return { config, dropped: [...found.values()] };
}
/** The report note for what {@link dropTrainingOnly} dropped; `undefined` when nothing was. */
function droppedNote(dropped) {
    if (dropped.length === 0)
        return undefined;
    const parts = dropped.map((d) => {
        const shown = d.layers.slice(0, 3).join(', ') + (d.layers.length > 3 ? ` and ${d.layers.length - 3} more` : '');
        return `${d.key} ${d.className} (${shown})`;
    });
    return `Keras training-only settings dropped (they do not change predictions): ${parts.join('; ')}`;
}

// EXTERNAL MODULE: ./node_modules/fflate/esm/index.mjs
var esm = __webpack_require__(1306);
;// CONCATENATED MODULE: ./build/model/keras/zip.js


const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** Compressed bytes fed to the inflater per step: DEFLATE expands at most ~1032×, so one step stays under ~17 MB. */
const INFLATE_STEP_BYTES = 16 * 1024;
/**
 * Extracts the named entries of a zip archive in memory. Every entry name in the central directory is checked
 * (no `..` segments, no absolute or drive paths), the entry count and the *declared* sizes are checked against
 * `limits` before anything is inflated, and inflation stops as soon as an entry grows past its declared size.
 * Missing wanted entries are simply absent from the result.
 */
function extractZipEntries(bytes, wanted, limits, file) {
    const entries = readCentralDirectory(bytes, limits, file);
    const picked = entries.filter((e) => wanted.includes(e.name));
    const declared = picked.reduce((sum, e) => sum + e.uncompressedBytes, 0);
    if (declared > limits.maxUncompressedBytes) {
        throw new errors/* ModelLoadError */.SW(`${file}: the archive would inflate to ${declared.toLocaleString('en-US')} bytes, over the limit of ` +
            `${limits.maxUncompressedBytes.toLocaleString('en-US')} (maxUncompressedBytes); it is a zip bomb or a very ` +
            'large model — raise the limit only if you trust the file', { file });
    }
    const out = new Map();
    for (const entry of picked)
        out.set(entry.name, inflateEntry(bytes, entry, file));
    return out;
}
function corrupt(file, what) {
    return new errors/* ModelLoadError */.SW(`${file}: not a valid .keras archive (${what}); re-save the model with Keras`, { file });
}
function readCentralDirectory(bytes, limits, file) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // The end-of-central-directory record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
    let eocd = -1;
    for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
        if (view.getUint32(at, true) === EOCD_SIGNATURE) {
            eocd = at;
            break;
        }
    }
    if (eocd < 0)
        throw corrupt(file, 'no end of central directory: the file is truncated');
    const count = view.getUint16(eocd + 10, true);
    const size = view.getUint32(eocd + 12, true);
    const start = view.getUint32(eocd + 16, true);
    if (count === 0xffff || start === 0xffffffff)
        throw corrupt(file, 'ZIP64 archives are not supported');
    if (count > limits.maxEntries) {
        throw new errors/* ModelLoadError */.SW(`${file}: the archive lists ${count.toLocaleString('en-US')} entries, over the limit of ${limits.maxEntries} ` +
            '(maxEntries); a .keras file holds a handful — refusing it as hostile', { file });
    }
    if (start + size > eocd)
        throw corrupt(file, 'the central directory points past its end: the file is truncated');
    const entries = [];
    let at = start;
    for (let i = 0; i < count; i++) {
        if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE)
            throw corrupt(file, 'bad central directory');
        const nameBytes = view.getUint16(at + 28, true);
        const extraBytes = view.getUint16(at + 30, true);
        const commentBytes = view.getUint16(at + 32, true);
        const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameBytes));
        checkEntryName(name, file);
        entries.push({
            name,
            method: view.getUint16(at + 10, true),
            compressedBytes: view.getUint32(at + 20, true),
            uncompressedBytes: view.getUint32(at + 24, true),
            localHeaderAt: view.getUint32(at + 42, true),
        });
        at += 46 + nameBytes + extraBytes + commentBytes;
    }
    return entries;
}
/** Refuses entry names that could escape a directory if anyone ever extracted the archive to disk. */
function checkEntryName(name, file) {
    const segments = name.split(/[\\/]/);
    if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || segments.includes('..')) {
        throw new errors/* ModelLoadError */.SW(`${file}: the archive holds an entry named "${name}" that points outside the archive (absolute or "../"); ` +
            'refusing it as hostile — re-save the model with Keras', { file });
    }
}
function inflateEntry(bytes, entry, file) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = entry.localHeaderAt;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
        throw corrupt(file, `bad local header for "${entry.name}"`);
    }
    const dataAt = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const data = bytes.subarray(dataAt, dataAt + entry.compressedBytes);
    if (data.length !== entry.compressedBytes)
        throw corrupt(file, `"${entry.name}" is cut off: the file is truncated`);
    if (entry.method === 0) {
        if (entry.compressedBytes !== entry.uncompressedBytes)
            throw corrupt(file, `stored "${entry.name}" has two sizes`);
        return data.slice();
    }
    if (entry.method !== 8)
        throw corrupt(file, `"${entry.name}" uses compression method ${entry.method}`);
    const out = new Uint8Array(entry.uncompressedBytes);
    let written = 0;
    const tooBig = () => new errors/* ModelLoadError */.SW(`${file}: archive entry "${entry.name}" inflates past its declared ${entry.uncompressedBytes.toLocaleString('en-US')} ` +
        'bytes; refusing it as a zip bomb — re-save the model with Keras', { file });
    const inflater = new esm/* Inflate */.EL((chunk) => {
        if (written + chunk.length > out.length)
            throw tooBig();
        out.set(chunk, written);
        written += chunk.length;
    });
    try {
        for (let offset = 0; offset < data.length; offset += INFLATE_STEP_BYTES) {
            const end = Math.min(offset + INFLATE_STEP_BYTES, data.length);
            inflater.push(data.subarray(offset, end), end === data.length);
        }
    }
    catch (error) {
        if (error instanceof errors/* ModelLoadError */.SW)
            throw error;
        throw new errors/* ModelLoadError */.SW(`${file}: archive entry "${entry.name}" is corrupt (${String(error)}); re-save the model`, {
            file,
            cause: error,
        });
    }
    if (written !== out.length)
        throw corrupt(file, `"${entry.name}" is shorter than its declared size`);
    return out;
}

;// CONCATENATED MODULE: ./build/model/keras/zip-model.js







const zip_model_MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
/** Sub-objects Keras saves in a fixed order that alphabetical order would get wrong. */
const CHILD_ORDER = { Bidirectional: ['forward_layer', 'backward_layer'] };
/** Saved state that is not a model weight (random-number generator seeds). */
const NOT_WEIGHTS = /(^|_)seed_generator(_\d+)?$/;
/**
 * Reads a `.keras` archive (Keras 3, or tf.keras 2.13+): `config.json`, `metadata.json` and `model.weights.h5`.
 * Keras stores each layer's variables at `layers/<snake_case class name>[_N]/vars/<i>`, where `_N` counts earlier
 * layers of the same class in the model's layer order (keras/src/saving/saving_lib.py), and sub-objects (an RNN's
 * `cell`, a Bidirectional's `forward_layer`/`backward_layer`, a wrapper's `layer`) under their attribute names.
 */
async function readKerasZip(bytes, file, limits, budget) {
    const entries = extractZipEntries(bytes, ['config.json', 'metadata.json', 'model.weights.h5'], limits, file);
    const configBytes = entries.get('config.json');
    if (!configBytes) {
        throw new errors/* ModelLoadError */.SW(`${file}: a zip without config.json is not a Keras model; save it with model.save("model.keras")`, { file });
    }
    const onError = (message, cause) => new errors/* ModelLoadError */.SW(message, { file, cause });
    const decoder = new TextDecoder();
    const metadataBytes = entries.get('metadata.json');
    const metadata = metadataBytes ? parseConfigJson(decoder.decode(metadataBytes), 'metadata.json', file, onError) : null;
    const rawConfig = translateClassNames(parseConfigJson(decoder.decode(configBytes), 'config.json', file, onError));
    checkLayerClasses(rawConfig, file);
    const modelConfig = translateKeras3Config(rawConfig);
    const weightsBytes = entries.get('model.weights.h5');
    if (weightsBytes)
        budget.hdf5Bytes = weightsBytes.length;
    const layers = weightsBytes
        ? await withHdf5(weightsBytes, `${file} (model.weights.h5)`, (root) => {
            const out = [];
            walkModel(root, modelConfig, [], `${file} (model.weights.h5)`, budget, out);
            return out;
        })
        : [];
    return {
        kerasVersion: stringAt(metadata, 'keras_version') ?? 'unknown',
        // A .keras archive does not record the backend; tfjs ignores the field, the converter writes "tensorflow".
        backend: 'tensorflow',
        modelConfig,
        trainingConfig: undefined,
        layers,
        naming: 'tfjs',
    };
}
/** Keras' `naming.to_snake_case`: `MaxPooling2D` → `max_pooling2d`, `LeakyReLU` → `leaky_re_lu`. */
function toSnakeCase(className) {
    return className
        .replace(/\W+/g, '')
        .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
        .replace(/([a-z])([A-Z])/g, '$1_$2')
        .toLowerCase();
}
function walkModel(group, model, prefix, file, budget, out) {
    const layersGroup = group && childGroup(group, 'layers');
    const used = new Map();
    for (const layer of layersOf(model)) {
        const className = stringAt(layer, 'class_name') ?? '';
        const name = stringAt(objectAt(layer, 'config'), 'name') ?? stringAt(layer, 'name') ?? '';
        const snake = toSnakeCase(className);
        const seen = used.get(snake);
        used.set(snake, seen === undefined ? 0 : seen + 1);
        const key = seen === undefined ? snake : `${snake}_${seen + 1}`;
        const layerGroup = layersGroup && childGroup(layersGroup, key);
        const path = [...prefix, name];
        if (zip_model_MODEL_CLASSES.has(className)) {
            walkModel(layerGroup, layer, path, file, budget, out);
            continue;
        }
        const weights = [];
        if (layerGroup)
            collectVars(layerGroup, className, `layers/${key}`, file, budget, weights);
        if (weights.length > 0)
            out.push({ layerPath: path, weights });
    }
}
function collectVars(group, className, where, file, budget, out) {
    const vars = childGroup(group, 'vars');
    if (vars) {
        const indices = childNames(vars)
            .filter((k) => /^\d+$/.test(k))
            .sort((a, b) => Number(a) - Number(b));
        for (const index of indices) {
            const dataset = childDataset(vars, index);
            if (!dataset)
                continue;
            const fileName = `${where}/vars/${index}`;
            out.push({ fileName, ...readFloatDataset(dataset, fileName, file, budget) });
        }
    }
    const children = CHILD_ORDER[className] ?? childNames(group).filter((k) => k !== 'vars' && !NOT_WEIGHTS.test(k));
    for (const child of children) {
        const sub = childGroup(group, child);
        if (sub)
            collectVars(sub, '', `${where}/${child}`, file, budget, out);
    }
}

;// CONCATENATED MODULE: ./build/model/keras/index.js













/** Default of {@link KerasLoadOptions.maxBytes} and `maxUncompressedBytes`: 1 GiB (`limits.model-size`). */
const DEFAULT_MAX_UNCOMPRESSED_BYTES = limits/* DEFAULT_MAX_MODEL_BYTES */.h;
/** Default of {@link KerasLoadOptions.maxEntries}. */
const DEFAULT_MAX_ENTRIES = 1000;
/**
 * Loads a Keras model file — Keras 2 / tf.keras HDF5 (`.h5`), Keras 3 legacy HDF5, or a `.keras` zip (Keras 3 or
 * tf.keras 2.13+) — into the TF.js layers artifacts the Python converter would produce: `modelTopology` is
 * `{ keras_version, backend, model_config, training_config? }`, weights are float32. The format is detected from the
 * file's first bytes, not its extension. Throws {@link ModelLoadError} for anything it cannot convert faithfully.
 */
async function loadKerasModel(path, options = {}) {
    const file = (0,external_node_path_.resolve)(path);
    const bytes = await (0,read_file/* readRegularFile */.XF)(file, options.maxBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES, (reason, cause) => new errors/* ModelLoadError */.SW(`${file}: the model file ${reason}`, { file, ...(cause === undefined ? {} : { cause }) }));
    const kind = isKerasFile(bytes);
    if (kind === undefined) {
        throw new errors/* ModelLoadError */.SW(`${file}: not a Keras model — neither HDF5 (.h5) nor a .keras zip archive; save the model with ` +
            'model.save("model.keras") or model.save("model.h5"), or point at a TF.js model.json', { file });
    }
    await tf_node.ready();
    if (options.customLayers !== undefined)
        await (0,custom_layers/* loadCustomLayers */.w)(options.customLayers);
    const maxUncompressedBytes = options.maxUncompressedBytes ?? options.maxBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
    const budget = { bytesLeft: maxUncompressedBytes, hdf5Bytes: bytes.length };
    const source = kind === 'h5'
        ? await withHdf5(bytes, file, (root) => readKerasH5(root, file, budget))
        : await readKerasZip(bytes, file, { maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES, maxUncompressedBytes }, budget);
    const { config: modelConfig, dropped } = dropTrainingOnly(source.modelConfig);
    const artifacts = await assembleArtifacts({ ...source, modelConfig }, file, maxUncompressedBytes);
    const note = droppedNote(dropped);
    return {
        format: 'layers',
        artifacts,
        path: file,
        sourceKind: kind === 'h5' ? 'keras-h5' : 'keras-zip',
        files: [{ path: file, bytes: bytes.length }],
        ...(note === undefined ? {} : { notes: [note] }),
    };
}


/***/ })

};
