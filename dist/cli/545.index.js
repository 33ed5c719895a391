export const id = 545;
export const ids = [545];
export const modules = {

/***/ 3616:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  cI: () => (/* binding */ historyFileName),
  i6: () => (/* binding */ parseHistory)
});

// UNUSED EXPORTS: DEFAULT_MAX_ENTRIES, MAX_LINE_BYTES, appendHistory, appendHistoryBytes, classifyLine, compactLines

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(5217);
;// CONCATENATED MODULE: ./build/trend/types.js
/** The record schema this tool writes and understands. Lines with a higher version are kept verbatim. */
const TREND_SCHEMA_VERSION = 1;

;// CONCATENATED MODULE: ./build/trend/jsonl.js
/**
 * The history file format: JSON Lines, one record per line, oldest first. Everything here is pure text in, text
 * out; `store.ts` does the git I/O. Lines this version cannot read (corrupt, or written by a newer schema) are
 * skipped on read and kept verbatim on write: a history is never rewritten away by a tool that does not
 * understand it.
 */


/** Default bound on lines per history file. */
const DEFAULT_MAX_ENTRIES = 500;
/** Classifies one line: a record this version understands, a newer-schema record, or corrupt. */
function classifyLine(line) {
    let value;
    try {
        value = JSON.parse(line);
    }
    catch {
        return { kind: 'corrupt' };
    }
    if (!isObject(value) || typeof value.schemaVersion !== 'number')
        return { kind: 'corrupt' };
    if (value.schemaVersion > TREND_SCHEMA_VERSION)
        return { kind: 'newer' };
    return isRecord(value) ? { kind: 'record', record: value } : { kind: 'corrupt' };
}
/**
 * Parses a history file's text. `truncated`: the text is the tail of a larger file, so its first line may be
 * cut and is dropped rather than counted as corrupt.
 */
function parseHistory(model, text, truncated = false) {
    const lines = splitLines(text);
    if (truncated)
        lines.shift();
    const records = [];
    let corrupt = 0;
    let newer = 0;
    for (const line of lines) {
        const parsed = classifyLine(line);
        if (parsed.kind === 'record')
            records.push(parsed.record);
        else if (parsed.kind === 'newer')
            newer += 1;
        else
            corrupt += 1;
    }
    return { model, records, corrupt, newer, truncated };
}
/**
 * Appends records to a history file's text and compacts it to `maxEntries` lines (see `compactLines`). A record
 * whose sha is already in the file (or earlier in `records`) is written with `rerun: true`. Existing lines, valid
 * or not, are kept byte for byte unless compaction thins them.
 */
function appendHistory(text, records, maxEntries = DEFAULT_MAX_ENTRIES) {
    return new TextDecoder().decode(appendHistoryBytes(new TextEncoder().encode(text), records, maxEntries));
}
/** Longest line kept on append: a record is well under 4 KiB, so a longer line was not written by a tool. */
const MAX_LINE_BYTES = (/* unused pure expression or super */ null && (64 * 1024));
/**
 * {@link appendHistory} on the file's bytes: a line that is not valid UTF-8 is kept byte for byte (decoding it to
 * text would replace its bytes with U+FFFD for good), and counts as unreadable.
 */
function appendHistoryBytes(bytes, records, maxEntries = DEFAULT_MAX_ENTRIES) {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const raw = new Map();
    const lines = [];
    for (const line of splitByteLines(bytes)) {
        if (line.length > MAX_LINE_BYTES)
            continue;
        try {
            lines.push(decoder.decode(line));
        }
        catch {
            // A stand-in no JSON parser accepts (so it classifies as corrupt), unique per line, mapped back on output.
            const key = `\u0000raw:${raw.size}`;
            raw.set(key, line);
            lines.push(key);
        }
    }
    const text = lines.filter((line) => line.trim().length > 0);
    const seen = new Set();
    for (const line of text) {
        const parsed = classifyLine(line);
        if (parsed.kind === 'record')
            seen.add(runKey(parsed.record));
    }
    for (const record of records) {
        // Legs of a matrix record the same sha side by side; only the same leg again is a re-run.
        const rerun = seen.has(runKey(record));
        seen.add(runKey(record));
        text.push(JSON.stringify({ ...record, rerun }));
    }
    const encoder = new TextEncoder();
    const out = compactLines(text, maxEntries).map((line) => raw.get(line) ?? encoder.encode(line));
    const total = out.reduce((n, line) => n + line.length + 1, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const line of out) {
        joined.set(line, at);
        joined[at + line.length] = 0x0a;
        at += line.length + 1;
    }
    return joined;
}
function splitByteLines(bytes) {
    const lines = [];
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
        if (i === bytes.length || bytes[i] === 0x0a) {
            if (i > start)
                lines.push(bytes.subarray(start, i));
            start = i + 1;
        }
    }
    return lines;
}
/**
 * Bounds a history to `maxEntries` lines (at least 2). While it is over the bound, the newest ⌈maxEntries/2⌉ lines
 * stay untouched and the older lines keep every second one, starting with the oldest. The file shrinks to about
 * ¾·maxEntries, recent history stays dense and older history gets sparser each time, and the first record ever
 * written survives. Lines this version cannot read are kept while they fit: past twice the bound, the oldest lines
 * are dropped whatever they hold, so a file of unreadable lines is bounded too.
 */
function compactLines(lines, maxEntries) {
    const bound = Math.max(2, Math.floor(maxEntries));
    let current = [...lines];
    while (current.length > bound) {
        const keepNewest = Math.ceil(bound / 2);
        const older = current.slice(0, current.length - keepNewest);
        let index = 0;
        const thinned = older.filter((line) => {
            // Only records we understand count towards the every-second rule; the rest are kept verbatim.
            if (classifyLine(line).kind !== 'record')
                return true;
            index += 1;
            return index % 2 === 1;
        });
        if (thinned.length === older.length)
            break;
        current = [...thinned, ...current.slice(current.length - keepNewest)];
    }
    return current.length > 2 * bound ? current.slice(current.length - 2 * bound) : current;
}
/**
 * A file name for a model's history that is safe on every file system and in a git tree: lower-case letters,
 * digits, `.`, `_` and `-`; when that changes the name (or the name is long), a hash of the original keeps two
 * models from sharing a file (`Face Mesh` → `face-mesh-37fb644d.jsonl`).
 */
function historyFileName(model) {
    const slug = model
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[.-]+|[.-]+$/g, '')
        .slice(0, 64);
    if (slug === model && slug.length > 0)
        return `${slug}.jsonl`;
    const hash = (0,external_node_crypto_.createHash)('sha256').update(model, 'utf8').digest('hex').slice(0, 8);
    return `${slug.length > 0 ? `${slug}-` : 'model-'}${hash}.jsonl`;
}
/** The commit and leg of a record: what a re-run repeats. */
function runKey(record) {
    return `${record.sha}\u0000${record.leg ?? ''}`;
}
function splitLines(text) {
    return text.split('\n').filter((line) => line.trim().length > 0);
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isRecord(value) {
    if (value.schemaVersion !== TREND_SCHEMA_VERSION)
        return false;
    for (const key of ['model', 'sha', 'ref', 'date', 'configHash', 'tool']) {
        if (typeof value[key] !== 'string')
            return false;
    }
    if (Number.isNaN(Date.parse(String(value.date))))
        return false;
    if (!isObject(value.metrics))
        return false;
    for (const metric of Object.values(value.metrics)) {
        if (!isObject(metric) || typeof metric.value !== 'number' || typeof metric.unit !== 'string')
            return false;
    }
    if (value.environment !== undefined && !isObject(value.environment))
        return false;
    if (value.leg !== undefined && typeof value.leg !== 'string')
        return false;
    return typeof value.rerun === 'boolean';
}


/***/ }),

/***/ 5545:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W2: () => (/* binding */ DEFAULT_MAX_READ_BYTES),
/* harmony export */   readHistory: () => (/* binding */ readHistory)
/* harmony export */ });
/* unused harmony exports DEFAULT_HISTORY_BRANCH, appendRecords, isBusyClone */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5217);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var _git_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9048);
/* harmony import */ var _jsonl_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3616);
/**
 * The history store: a data branch in the user's own repository, one JSON Lines file per model, written with git
 * plumbing against a remote of the workspace (`origin`, the checkout whose persisted token can push). Plumbing
 * (hash-object, mktree, commit-tree, push <sha>:<ref>) never touches the user's work tree, index or HEAD.
 *
 * Concurrency: every write is compare-and-swap. The new commit's parent is the tip we read, so the push is a
 * fast-forward only if nobody wrote in between; otherwise the remote rejects it, we fetch the new tip, re-apply
 * our append on top and retry (bounded, with jittered exponential back-off). No record is lost and none is
 * written twice, whatever number of writers race.
 */





/** Default data branch. */
const DEFAULT_HISTORY_BRANCH = 'model-budget-data';
/** Default bound on one history file read for a PR: 1 MiB of its tail (≈ 1,000 records). */
const DEFAULT_MAX_READ_BYTES = 1024 * 1024;
const COMMITTER = {
    GIT_AUTHOR_NAME: 'model-budget',
    GIT_AUTHOR_EMAIL: 'model-budget@users.noreply.github.com',
    GIT_COMMITTER_NAME: 'model-budget',
    GIT_COMMITTER_EMAIL: 'model-budget@users.noreply.github.com',
};
const README = (/* unused pure expression or super */ null && (`# model-budget history

Written by model-budget: one JSON Lines file per model, one record per line, oldest first.
Do not edit by hand while a workflow may be writing; every write is a fast-forward on top of the last one.
`));
/**
 * Appends the records to the data branch (one commit for all of them) and pushes it. Never throws for git or
 * permission problems: a failed push returns `warning` so a history problem cannot fail a budget check.
 */
async function appendRecords(records, options) {
    if (records.length === 0)
        return { status: 'skipped', reason: 'no model produced a record' };
    return keepingCheckout(options.workspace, () => appendUnchecked(records, options));
}
async function appendUnchecked(records, options) {
    const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
    const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
    const random = options.random ?? Math.random;
    const sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
    const byFile = groupByFile(records);
    // The commit of the last rejected push: if it turns out to have landed after all (the rejection came from a
    // local lock, not the remote), re-applying would write every record twice.
    let pushed;
    try {
        for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
            const tip = await fetchTip(options, branch);
            if (tip.status === 'error') {
                // Another writer in the same clone holds a lock or rewrote .git/shallow under us: wait and try again.
                if (tip.busy && attempt < maxAttempts) {
                    await sleep(random() * Math.min(4000, 250 * 2 ** attempt));
                    continue;
                }
                return warn(options.log, tip.message);
            }
            if (pushed !== undefined && tip.commit === pushed) {
                return { status: 'written', commit: pushed, attempts: attempt - 1, files: [...byFile.keys()] };
            }
            const commit = await buildCommit(options, tip.commit, byFile, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
            // To the remote's URL, not its name: a push to a named remote would create a remote-tracking ref of the user's.
            const push = await runGit(['push', '--porcelain', '--no-verify', await pushUrlOf(options), `${commit}:refs/heads/${branch}`], { cwd: options.workspace });
            if (push.code === 0) {
                options.log.info(`model-budget: recorded ${records.length} model(s) on ${branch} (${commit.slice(0, 7)})`);
                return { status: 'written', commit, attempts: attempt, files: [...byFile.keys()] };
            }
            pushed = commit;
            if (!isRaceRejection(push)) {
                return warn(options.log, `could not push the trend history to ${branch}: ${pushError(push)}. ${PUSH_FIX}`);
            }
            if (attempt < maxAttempts)
                await sleep(random() * Math.min(4000, 250 * 2 ** attempt));
        }
        return warn(options.log, `gave up recording the trend history after ${maxAttempts} attempts: ${branch} kept moving`);
    }
    catch (error) {
        return warn(options.log, `could not record the trend history: ${error instanceof Error ? error.message : String(error)}`);
    }
}
/**
 * Reads model histories from the data branch with a shallow fetch of that branch alone (never the user's history)
 * and at most `maxBytes` from the end of each file. A missing branch is not an error: there is no history yet.
 */
async function readHistory(options) {
    return keepingCheckout(options.workspace, () => readUnchecked(options));
}
async function readUnchecked(options) {
    const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    try {
        let tip = await fetchTip(options, branch);
        for (let attempt = 1; tip.status === 'error' && tip.busy && attempt < READ_ATTEMPTS; attempt += 1) {
            await new Promise((done) => setTimeout(done, Math.random() * 250 * 2 ** attempt));
            tip = await fetchTip(options, branch);
        }
        if (tip.status === 'error')
            return { status: 'warning', message: warnText(options.log, tip.message), histories: [] };
        if (tip.commit === undefined) {
            const message = `no trend history yet: branch ${branch} does not exist on ${remoteOf(options)}`;
            options.log.info(message);
            return { status: 'missing', message, histories: [] };
        }
        const entries = await listTree(options.workspace, tip.commit);
        const wanted = options.models?.map((model) => ({ model, file: (0,_jsonl_js__WEBPACK_IMPORTED_MODULE_4__/* .historyFileName */ .cI)(model) }));
        const files = wanted ?? [...entries.keys()].filter((name) => name.endsWith('.jsonl')).map((file) => ({ model: '', file }));
        const histories = [];
        for (const { model, file } of files) {
            const entry = entries.get(file);
            if (entry === undefined) {
                histories.push({ model, records: [], corrupt: 0, newer: 0, truncated: false });
                continue;
            }
            const blob = await (0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .runGit */ .E)(['cat-file', 'blob', entry.sha], { cwd: options.workspace, maxStdoutBytes: maxBytes });
            if (blob.code !== 0)
                throw new Error(`git cat-file ${file}: ${(0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .gitError */ .N)(blob)}`);
            const history = (0,_jsonl_js__WEBPACK_IMPORTED_MODULE_4__/* .parseHistory */ .i6)(model, blob.stdout, blob.truncated);
            const named = model || history.records.at(-1)?.model || file.replace(/\.jsonl$/, '');
            if (history.corrupt > 0)
                options.log.warning(`${branch}:${file}: skipped ${history.corrupt} corrupt line(s)`);
            if (history.newer > 0) {
                options.log.warning(`${branch}:${file}: skipped ${history.newer} record(s) of a newer schema; update model-budget`);
            }
            histories.push({ ...history, model: named });
        }
        return { status: 'ok', commit: tip.commit, histories };
    }
    catch (error) {
        const message = `could not read the trend history: ${error instanceof Error ? error.message : String(error)}`;
        return { status: 'warning', message: warnText(options.log, message), histories: [] };
    }
}
/**
 * A fetch that failed only because another git process in the same clone was writing at that moment (two jobs
 * of a runner sharing one checkout): a lock file held, or `.git/shallow` rewritten by the other fetch between our
 * read and our write ("shallow file has changed since we read it"). Waiting and fetching again succeeds.
 */
function isBusyClone(stderr) {
    return /\.lock'?: File exists|unable to create .*\.lock|shallow file has changed since we read it/i.test(stderr);
}
/** Reads retry a busy clone a few times too: a PR's trend should not vanish because a sibling job fetched. */
const READ_ATTEMPTS = 4;
/** Shallow-fetches the data branch into a private, per-call ref and returns its commit (undefined: no branch). */
async function fetchTip(options, branch) {
    const ref = `refs/model-budget/fetch-${process.pid}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}`;
    const fetch = await (0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .runGit */ .E)(
    // `--refmap=`: update no remote-tracking ref of the user's; `--depth=1`: the tip alone, however long the history.
    ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--refmap=', '--depth=1', remoteOf(options), `+refs/heads/${branch}:${ref}`], { cwd: options.workspace });
    try {
        if (fetch.code !== 0) {
            if (/couldn't find remote ref/i.test(fetch.stderr))
                return { status: 'ok', commit: undefined };
            return { status: 'error', message: `could not fetch ${branch} from ${remoteOf(options)}: ${(0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .gitError */ .N)(fetch)}`, busy: isBusyClone(fetch.stderr) };
        }
        const parsed = await (0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .runGit */ .E)(['rev-parse', '--verify', `${ref}^{commit}`], { cwd: options.workspace });
        if (parsed.code !== 0)
            return { status: 'error', message: `could not read ${branch}: ${(0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .gitError */ .N)(parsed)}`, busy: false };
        return { status: 'ok', commit: parsed.stdout.trim() };
    }
    finally {
        // The objects stay in the object store for this call; the ref is ours alone and must not linger.
        await (0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .runGit */ .E)(['update-ref', '-d', ref], { cwd: options.workspace });
    }
}
async function listTree(cwd, commit) {
    const result = await (0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .runGit */ .E)(['ls-tree', '-z', commit], { cwd });
    if (result.code !== 0)
        throw new Error(`git ls-tree ${commit}: ${(0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .gitError */ .N)(result)}`);
    const entries = new Map();
    for (const item of result.stdout.split('\0')) {
        const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(item);
        if (match?.[1] && match[2] && match[3] && match[4])
            entries.set(match[4], { mode: match[1], type: match[2], sha: match[3] });
    }
    return entries;
}
/** Builds the next commit: the tip's tree with each model file appended to (and compacted); other files untouched. */
async function buildCommit(options, parent, byFile, maxEntries) {
    const cwd = options.workspace;
    const entries = parent === undefined ? new Map() : await listTree(cwd, parent);
    if (!entries.has('README.md'))
        entries.set('README.md', { mode: '100644', type: 'blob', sha: await writeBlob(cwd, README) });
    for (const [file, records] of byFile) {
        const existing = entries.get(file);
        let bytes = new Uint8Array(0);
        if (existing !== undefined) {
            const blob = await runGit(['cat-file', 'blob', existing.sha], { cwd });
            if (blob.code !== 0)
                throw new Error(`git cat-file ${file}: ${gitError(blob)}`);
            bytes = blob.stdoutBytes;
        }
        entries.set(file, { mode: '100644', type: 'blob', sha: await writeBlob(cwd, appendHistoryBytes(bytes, records, maxEntries)) });
    }
    const listing = [...entries].map(([name, e]) => `${e.mode} ${e.type} ${e.sha}\t${name}\0`).join('');
    const tree = await runGit(['mktree', '-z'], { cwd, input: listing });
    if (tree.code !== 0)
        throw new Error(`git mktree: ${gitError(tree)}`);
    const shas = [...new Set([...byFile.values()].flat().map((r) => r.sha.slice(0, 7)))].join(', ');
    const args = ['commit-tree', tree.stdout.trim(), '-m', `model-budget: record ${shas}`];
    if (parent !== undefined)
        args.push('-p', parent);
    const commit = await runGit(args, { cwd, env: COMMITTER });
    if (commit.code !== 0)
        throw new Error(`git commit-tree: ${gitError(commit)}`);
    return commit.stdout.trim();
}
async function writeBlob(cwd, text) {
    const result = await runGit(['hash-object', '-w', '--stdin'], { cwd, input: text });
    if (result.code !== 0)
        throw new Error(`git hash-object: ${gitError(result)}`);
    return result.stdout.trim();
}
function groupByFile(records) {
    const byFile = new Map();
    for (const record of records) {
        const file = historyFileName(record.model);
        byFile.set(file, [...(byFile.get(file) ?? []), record]);
    }
    return byFile;
}
/** A rejection another writer caused (the branch moved, the remote was mid-update, the clone was busy): fetch and retry. */
function isRaceRejection(push) {
    const text = `${push.stdout}\n${push.stderr}`;
    return isBusyClone(push.stderr) || /non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref|incorrect old value|reference already exists/i.test(text);
}
function pushError(push) {
    const rejected = /^!\t[^\t]*\t(.+)$/m.exec(push.stdout)?.[1];
    return rejected ?? gitError(push);
}
const PUSH_FIX = 'Give the workflow `permissions: contents: write` on push and keep `persist-credentials` of actions/checkout on';
function remoteOf(options) {
    return options.remote ?? 'origin';
}
/** The URL a push to the remote goes to (its pushurl, insteadOf applied); the remote as given when it is a URL. */
async function pushUrlOf(options) {
    const remote = remoteOf(options);
    const url = await runGit(['remote', 'get-url', '--push', remote], { cwd: options.workspace });
    return url.code === 0 && url.stdout.trim() !== '' ? (url.stdout.trim().split('\n')[0] ?? remote) : remote;
}
/**
 * Runs `work` and leaves the user's checkout as it found it. A depth-1 fetch records the data branch's tip in
 * `.git/shallow`, which would make a full clone shallow (and a shallow one list a commit it never had): the lines
 * this call added are removed again, and the file is deleted when it did not exist before. The fetched objects
 * are unreachable afterwards; git's own gc removes them.
 */
async function keepingCheckout(workspace, work) {
    const path = await shallowPath(workspace);
    const before = path === undefined ? undefined : await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(path, 'utf8').catch(() => undefined);
    try {
        return await work();
    }
    finally {
        if (path !== undefined)
            await restoreShallow(path, before);
    }
}
async function shallowPath(workspace) {
    const result = await (0,_git_js__WEBPACK_IMPORTED_MODULE_3__/* .runGit */ .E)(['rev-parse', '--git-path', 'shallow'], { cwd: workspace });
    const path = result.stdout.trim();
    if (result.code !== 0 || path === '')
        return undefined;
    return (0,node_path__WEBPACK_IMPORTED_MODULE_2__.isAbsolute)(path) ? path : (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(workspace, path);
}
async function restoreShallow(path, before) {
    const now = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(path, 'utf8').catch(() => undefined);
    if (now === before)
        return;
    const kept = new Set(lines(before));
    // The user's own lines stay; what was added while this call ran (the data branch's tip) goes.
    const restored = lines(now).filter((line) => kept.has(line));
    if (before === undefined && restored.length === 0) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(path, { force: true });
        return;
    }
    const temporary = `${path}.model-budget-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}`;
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)(temporary, restored.map((line) => `${line}\n`).join(''));
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename)(temporary, path);
}
function lines(text) {
    return (text ?? '').split('\n').filter((line) => line.trim() !== '');
}
function warn(log, message) {
    return { status: 'warning', message: warnText(log, message) };
}
function warnText(log, message) {
    log.warning(message);
    return message;
}


/***/ })

};
