import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, imageToValues, resizeBilinear, type Normalize, type RgbaImage } from '../../src/measure/samples/image.js';

/** The photos of test/fixtures/images (see SOURCES.md there): a head-and-shoulders portrait and a full-body person. */
export const PHOTOS = ['astronaut.jpg', 'cameraman.jpg'] as const;

const mirrored = (image: RgbaImage): RgbaImage => {
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 4;
      data.set(image.data.subarray(from, from + 4), (y * image.width + (image.width - 1 - x)) * 4);
    }
  }
  return { ...image, data };
};

/**
 * Each photo (and, with `mirror`, its mirror image) resized to `height × width`, as float32 RGB values normalised as
 * `normalize` says: one model input per image.
 */
export function photoInputs(height: number, width: number, normalize: Normalize, options: { mirror?: boolean } = {}): Float32Array[] {
  const images = PHOTOS.map((f) => decodeImage(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'images', f)), f));
  const all = options.mirror ? images.flatMap((i) => [i, mirrored(i)]) : images;
  return all.map((image) => Float32Array.from(imageToValues(resizeBilinear(image, height, width), 3, 'float32', normalize)));
}
