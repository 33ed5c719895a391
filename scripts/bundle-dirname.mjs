// Injected by scripts/build.mjs wherever bundled CommonJS code reads `__dirname` or `__filename` (the tfjs wasm
// backend's emscripten glue does), which ES modules do not have: the folder of the bundle file this lands in, which
// is dist/, where the `.wasm` files are.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const __filename = fileURLToPath(import.meta.url);
export const __dirname = dirname(__filename);
