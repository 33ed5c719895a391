// The load worker as src/ starts it: the TypeScript entry through the hooks of ts-hooks.mjs. The bundle has its
// own load-worker.mjs next to its chunks (scripts/build.mjs builds ./entry.ts under that name), which
// `loadModelInWorker` finds by the same relative URL.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
await import('./entry.ts');
