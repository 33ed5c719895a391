import { ModelLoadError, problem } from '../../errors.js';

/** First bytes of an HDF5 file (the superblock signature at offset 0). */
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/** First bytes of a zip archive (a local file header). */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/**
 * The Keras container a file holds, judged by its first bytes (never by its extension: `.keras` files written by
 * tf.keras 2.11–2.12 may be HDF5). `h5`: HDF5 (Keras 2 / tf.keras / Keras 3 legacy `.h5`); `zip`: a Keras 3 (or
 * tf.keras 2.13+) `.keras` archive; `undefined`: neither.
 */
export function isKerasFile(bytes: Uint8Array): 'h5' | 'zip' | undefined {
  if (startsWith(bytes, HDF5_MAGIC)) return 'h5';
  if (startsWith(bytes, ZIP_MAGIC)) return 'zip';
  return undefined;
}

/**
 * Refuses a truncated HDF5 file before the HDF5 library sees it: the superblock records the end-of-file address, so
 * a short file is caught with a plain message instead of a library error stack.
 */
export function checkHdf5Length(bytes: Uint8Array, file: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tooShort = (): ModelLoadError =>
    new ModelLoadError(problem('keras/hdf5-header-truncated', { file, bytes: bytes.length.toLocaleString('en-US') }), { file });
  if (bytes.length < 16) throw tooShort();
  const version = bytes[8] ?? 0;
  let offsetSize: number;
  let eofAt: number;
  if (version === 0 || version === 1) {
    offsetSize = bytes[13] ?? 0;
    // signature 8, four version bytes, sizes 2, reserved 1, two K values 4, flags 4 (+4 in version 1): then addresses
    const addresses = version === 0 ? 24 : 28;
    eofAt = addresses + 2 * offsetSize;
  } else if (version === 2 || version === 3) {
    offsetSize = bytes[9] ?? 0;
    eofAt = 12 + 2 * offsetSize;
  } else {
    throw new ModelLoadError(problem('keras/hdf5-superblock-version', { file, version }), {
      file,
    });
  }
  if (offsetSize !== 8 && offsetSize !== 4) {
    throw new ModelLoadError(problem('keras/hdf5-header-corrupt', { file, offsetSize }), {
      file,
    });
  }
  if (bytes.length < eofAt + offsetSize) throw tooShort();
  const base = offsetSize === 8 ? Number(view.getBigUint64(eofAt - 2 * offsetSize, true)) : view.getUint32(eofAt - 8, true);
  const eof = offsetSize === 8 ? Number(view.getBigUint64(eofAt, true)) : view.getUint32(eofAt, true);
  if (base + eof > bytes.length) {
    throw new ModelLoadError(
      problem('keras/hdf5-truncated', { file, bytes: bytes.length.toLocaleString('en-US'), declared: (base + eof).toLocaleString('en-US') }),
      { file },
    );
  }
}
