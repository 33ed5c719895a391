// What bench/load-worker/run.mjs bundles: the in-thread load and the worker load, built as dist/ builds them.
export { loadModel } from '../../src/formats/index.js';
export { loadModelInWorker } from '../../src/formats/worker/load.js';
