export const id = 258;
export const ids = [258];
export const modules = {

/***/ 9258:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readHistoryPath: () => (/* binding */ readHistoryPath)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9473);
/* harmony import */ var _jsonl_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3616);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5545);
/**
 * Reading history from local files (a checkout of the data branch, or one downloaded `.jsonl`), with the same
 * bound as the git reader: at most `maxBytes` from the end of each file.
 */





/** Reads one `.jsonl` file, or every `.jsonl` file of a directory (not recursive), sorted by file name. */
async function readHistoryPath(path, maxBytes = _store_js__WEBPACK_IMPORTED_MODULE_4__/* .DEFAULT_MAX_READ_BYTES */ .W2) {
    let info;
    try {
        info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(path);
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ModelBudgetError */ .jW(`trend history "${path}" does not exist; pass a .jsonl file or a checkout of the history branch (git worktree add ../history model-budget-data)`, { file: path, cause: error });
    }
    const files = info.isDirectory()
        ? (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(path)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(path, f))
        : [path];
    const histories = [];
    for (const file of files) {
        const { text, truncated } = await readTail(file, maxBytes);
        const history = (0,_jsonl_js__WEBPACK_IMPORTED_MODULE_3__/* .parseHistory */ .i6)('', text, truncated);
        histories.push({ ...history, model: history.records.at(-1)?.model ?? (0,node_path__WEBPACK_IMPORTED_MODULE_1__.basename)(file, '.jsonl') });
    }
    return histories;
}
async function readTail(file, maxBytes) {
    const handle = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.open)(file, 'r');
    try {
        const { size } = await handle.stat();
        const length = Math.min(size, maxBytes);
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, size - length);
        return { text: buffer.toString('utf8'), truncated: size > maxBytes };
    }
    finally {
        await handle.close();
    }
}


/***/ })

};
