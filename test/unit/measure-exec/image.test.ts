import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { decodeImage, imageToValues, resizeBilinear, type RgbaImage } from '../../../src/measure/samples/image.js';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

const checker = image(5, 3, (x, y) => [x * 50, y * 100, (x + y) % 2 ? 255 : 0, 200]);

describe('decodeImage', () => {
  test('a PNG made with pngjs decodes to the exact pixels', () => {
    const png = new PNG({ width: checker.width, height: checker.height });
    png.data.set(checker.data);
    const decoded = decodeImage(new Uint8Array(PNG.sync.write(png)), 'a.png');
    expect(decoded).toEqual({ width: 5, height: 3, data: checker.data });
  });

  test('a JPEG made with jpeg-js decodes close to its pixels (lossy), alpha opaque', () => {
    const flat = image(16, 16, () => [200, 100, 50, 255]);
    const file = jpeg.encode({ width: 16, height: 16, data: Buffer.from(flat.data) }, 100).data;
    const decoded = decodeImage(new Uint8Array(file), 'a.jpg');
    expect([decoded.width, decoded.height]).toEqual([16, 16]);
    for (let i = 0; i < decoded.data.length; i++) expect(Math.abs((decoded.data[i] ?? 0) - (flat.data[i] ?? 0))).toBeLessThanOrEqual(3);
  });

  test.each([
    { what: 'text', bytes: new TextEncoder().encode('hello'), message: /a\.img: not a PNG or JPEG image/ },
    { what: 'a cut PNG', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), message: /a\.img: the image cannot be decoded/ },
    {
      what: 'a PNG over 64 megapixels',
      bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 8, 6, 0, 0, 0]),
      message: /16384×16384 pixels is over the 64 megapixel limit/,
    },
  ])('refuses $what', ({ bytes, message }) => {
    expect(() => decodeImage(bytes, 'a.img')).toThrow(MeasureError);
    expect(() => decodeImage(bytes, 'a.img')).toThrow(message);
  });
});

describe('resizeBilinear (half-pixel centres)', () => {
  test('to its own size is the identity', () => {
    expect(resizeBilinear(checker, 3, 5)).toBe(checker);
  });

  test('2 → 4 columns interpolates between the pixel centres and clamps at the edges', () => {
    const two = image(2, 1, (x) => [x * 200, 0, 0, 255]);
    const four = resizeBilinear(two, 1, 4);
    expect(Array.from({ length: 4 }, (_, x) => four.data[x * 4])).toEqual([0, 50, 150, 200]);
  });

  test('a flat image stays flat at any size', () => {
    const flat = image(7, 5, () => [10, 20, 30, 40]);
    const out = resizeBilinear(flat, 3, 11);
    expect(new Set(out.data)).toEqual(new Set([10, 20, 30, 40]));
    expect(out.data.length).toBe(3 * 11 * 4);
  });
});

describe('imageToValues', () => {
  const px = image(1, 1, () => [255, 0, 51, 128]);
  test.each([
    { what: 'RGB in [0, 1] by default', channels: 3, dtype: 'float32', normalize: {}, expected: [1, 0, 0.2] },
    { what: 'RGBA', channels: 4, dtype: 'float32', normalize: { scale: 1 }, expected: [255, 0, 51, 128] },
    { what: 'grey = BT.601 luminance', channels: 1, dtype: 'float32', normalize: { scale: 1 }, expected: [Math.round(0.299 * 255 + 0.114 * 51)] },
    { what: 'per-channel mean / std', channels: 3, dtype: 'float32', normalize: { scale: 1, mean: [127.5, 0, 51], std: [127.5, 1, 2] }, expected: [1, 0, 0] },
    { what: 'int32 keeps raw pixels, ignoring normalize', channels: 3, dtype: 'int32', normalize: { scale: 1 / 255 }, expected: [255, 0, 51] },
  ] as const)('$what', ({ channels, dtype, normalize, expected }) => {
    const values = Array.from(imageToValues(px, channels, dtype, normalize));
    expected.forEach((v, i) => expect(values[i]).toBeCloseTo(v, 5));
  });

  test('refuses 2 channels and a short mean list', () => {
    expect(() => imageToValues(px, 2, 'float32')).toThrow(/1, 3 or 4 channels; the input wants 2/);
    expect(() => imageToValues(px, 3, 'float32', { mean: [0.5] })).toThrow(/normalize\.mean has 1 values/);
  });
});
