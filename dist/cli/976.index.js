export const id = 976;
export const ids = [976];
export const modules = {

/***/ 976:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   convertCommand: () => (/* binding */ convertCommand)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var _compress_quantize_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1970);
/* harmony import */ var _compress_select_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2977);
/* harmony import */ var _config_units_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3820);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9473);
/* harmony import */ var _model_load_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8171);
/* harmony import */ var _model_save_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3245);
/* harmony import */ var _args_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8642);
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(6910);
/**
 * `model-budget convert <in.h5|in.keras|model.json> <out-dir>`: writes a TF.js layers model (model.json +
 * `group1-shardNofM.bin`), optionally quantized — a TypeScript replacement for `tensorflowjs_converter`'s Keras path.
 */









const USAGE = `Usage: model-budget convert <in.h5|in.keras|model.json> <out-dir>
  [--quantize float16|uint8|uint16]  store every float32 weight in this dtype (as the converter's --quantize_*)
  [--shard-size 4MiB]               bytes per weight file (default 4 MiB, the converter's default; MB = 1000²)
  [--custom-layers module.js]       ES module that registers custom layer classes (tf.serialization.registerClass)
`;
function quantizeOption(raw) {
    if (raw === undefined)
        return undefined;
    if (_compress_select_js__WEBPACK_IMPORTED_MODULE_2__/* .QUANTIZE_DTYPES */ .ml.includes(raw))
        return raw;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`--quantize expects one of ${_compress_select_js__WEBPACK_IMPORTED_MODULE_2__/* .QUANTIZE_DTYPES */ .ml.join(', ')}; got "${raw}"`);
}
function shardOption(raw) {
    if (raw === undefined)
        return _model_save_js__WEBPACK_IMPORTED_MODULE_6__/* .DEFAULT_SHARD_BYTES */ .DF;
    const parsed = (0,_config_units_js__WEBPACK_IMPORTED_MODULE_3__/* .parseSize */ .DB)(/^\s*\d+\s*$/.test(raw) ? Number(raw) : raw);
    if (!parsed.ok || parsed.value < 1) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`--shard-size expects ${parsed.ok ? 'at least 1 byte' : parsed.expected}, got "${raw}"`);
    }
    return parsed.value;
}
/** Runs `convert`; returns 0, or throws a ModelBudgetError (the CLI maps it to exit 2). */
async function convertCommand(args, io) {
    const parsed = (0,_args_js__WEBPACK_IMPORTED_MODULE_7__/* .parseCommandArgs */ .Q)(args, {
        quantize: { type: 'string' },
        'shard-size': { type: 'string' },
        'custom-layers': { type: 'string' },
    });
    if (parsed.values.help === true) {
        io.stdout(USAGE);
        return _types_js__WEBPACK_IMPORTED_MODULE_8__/* .EXIT */ .d.ok;
    }
    const [input, outDir, ...extra] = parsed.positionals;
    if (input === undefined || outDir === undefined || extra.length > 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`convert takes an input model and an output folder.\n${USAGE}`);
    }
    const dtype = quantizeOption((0,_args_js__WEBPACK_IMPORTED_MODULE_7__/* .stringOption */ .P)(parsed, 'quantize'));
    const shardBytes = shardOption((0,_args_js__WEBPACK_IMPORTED_MODULE_7__/* .stringOption */ .P)(parsed, 'shard-size'));
    const customLayers = (0,_args_js__WEBPACK_IMPORTED_MODULE_7__/* .stringOption */ .P)(parsed, 'custom-layers');
    const model = await (0,_model_load_js__WEBPACK_IMPORTED_MODULE_5__/* .loadModel */ .c)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(io.cwd, input), customLayers === undefined ? {} : { customLayers: (0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(io.cwd, customLayers) });
    for (const note of model.notes ?? [])
        io.stderr(`note: ${note}\n`);
    let artifacts = model.artifacts;
    if (dtype !== undefined) {
        const result = (0,_compress_quantize_js__WEBPACK_IMPORTED_MODULE_1__/* .quantizeWeights */ .ni)(artifacts, { dtypes: dtype });
        for (const warning of result.warnings)
            io.stderr(`warning: ${warning}\n`);
        artifacts = result.artifacts;
    }
    const files = await (0,_model_save_js__WEBPACK_IMPORTED_MODULE_6__/* .saveModel */ .xS)({ artifacts, format: model.format }, (0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(io.cwd, outDir), { shardBytes });
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    io.stdout(`converted ${input} (${model.sourceKind}) → ${outDir}: ${files.length} file(s), ${(0,_config_units_js__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z3)(total)}` +
        `${dtype === undefined ? '' : `, weights ${dtype}`}\n` +
        files.map((f) => `  ${f.path} ${(0,_config_units_js__WEBPACK_IMPORTED_MODULE_3__/* .formatBytes */ .z3)(f.bytes)}\n`).join(''));
    return _types_js__WEBPACK_IMPORTED_MODULE_8__/* .EXIT */ .d.ok;
}


/***/ })

};
