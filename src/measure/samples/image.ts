import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { errorMessage, MeasureError, problem } from '../../errors.js';

/** A decoded image: 8-bit RGBA, row-major, `width × height × 4` bytes. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Pixel normalisation: `value = (pixel × scale − mean[c]) / std[c]`. */
export interface Normalize {
  /** Multiplies the 0–255 pixel first. Default 1/255 (pixels in [0, 1]). */
  readonly scale?: number;
  /** Subtracted after scaling, one number or one per channel. Default 0. */
  readonly mean?: number | readonly number[];
  /** Divides last, one number or one per channel. Default 1. */
  readonly std?: number | readonly number[];
}

/** Largest image decoded, in megapixels: a guard against decompression bombs in a sample folder. */
const MAX_MEGAPIXELS = 64;

/** Decodes a PNG or JPEG (told apart by their magic bytes) in pure JS. `file` names it in messages. */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      // IHDR holds width and height right after the signature: refuse a bomb before inflating it.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes.length >= 24 && (view.getUint32(16) * view.getUint32(20)) / 1e6 > MAX_MEGAPIXELS) {
        throw new Error(`${view.getUint32(16)}×${view.getUint32(20)} pixels is over the ${MAX_MEGAPIXELS} megapixel limit`);
      }
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (error) {
    throw new MeasureError(problem('measure/image-undecodable', { file, detail: errorMessage(error) }), { cause: error, file });
  }
  throw new MeasureError(problem('measure/image-format', { file }), { file });
}

/**
 * Bilinear resize to `height × width` with half-pixel centres (as OpenCV, PIL and tf `halfPixelCenters`),
 * so an image resized to its own size is unchanged.
 */
export function resizeBilinear(image: RgbaImage, height: number, width: number): RgbaImage {
  if (image.height === height && image.width === width) return image;
  const out = new Uint8Array(height * width * 4);
  const sy = image.height / height;
  const sx = image.width / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const p = (yy: number, xx: number): number => image.data[(yy * image.width + xx) * 4 + c] ?? 0;
        const top = p(y0, x0) * (1 - wx) + p(y0, x1) * wx;
        const bottom = p(y1, x0) * (1 - wx) + p(y1, x1) * wx;
        out[(y * width + x) * 4 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, data: out };
}

function perChannel(value: number | readonly number[] | undefined, channel: number, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const v = value[channel];
  if (v === undefined) throw new MeasureError(problem('measure/image-normalize-channels', { what, count: value.length }));
  return v;
}

/**
 * Pixels as model input values, `height × width × channels` in HWC order: 1 channel = luminance (BT.601), 3 = RGB,
 * 4 = RGBA. int32 inputs get raw 0–255 integers; float32 inputs get `normalize`d values.
 */
export function imageToValues(image: RgbaImage, channels: number, dtype: 'float32' | 'int32', normalize: Normalize = {}): Float32Array | Int32Array {
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new MeasureError(problem('measure/image-channels', { channels }));
  }
  const pixels = image.width * image.height;
  const out = dtype === 'int32' ? new Int32Array(pixels * channels) : new Float32Array(pixels * channels);
  const scale = normalize.scale ?? 1 / 255;
  for (let i = 0; i < pixels; i++) {
    const r = image.data[i * 4] ?? 0;
    const g = image.data[i * 4 + 1] ?? 0;
    const b = image.data[i * 4 + 2] ?? 0;
    const a = image.data[i * 4 + 3] ?? 0;
    const raw = channels === 1 ? [Math.round(0.299 * r + 0.587 * g + 0.114 * b)] : channels === 3 ? [r, g, b] : [r, g, b, a];
    raw.forEach((v, c) => {
      out[i * channels + c] = dtype === 'int32' ? v : (v * scale - perChannel(normalize.mean, c, 0, 'mean')) / perChannel(normalize.std, c, 1, 'std');
    });
  }
  return out;
}
