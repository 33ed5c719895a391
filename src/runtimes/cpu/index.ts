/** tfjs's pure-JavaScript backend: slow, but it has every kernel; the fallback when another runtime lacks one. */
import { instantiateTfjs } from '../tfjs/executable.js';
import type { Runtime } from '../types.js';
import { startCpu } from './start.js';

export const cpuRuntime: Runtime = { name: 'cpu', start: startCpu, instantiate: instantiateTfjs };
