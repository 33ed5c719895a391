import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { corpusModel } from '../../helpers/corpus.js';
import { quantizeAffine } from '../../../src/compress/quantize.js';
import { splitWeights } from '../../../src/compress/weights.js';
import type { QuantizationSpec } from '../../../src/compress/weights.js';
import { corpusArtifacts } from './corpus-artifacts.js';

/**
 * The corpus holds a Keras .h5 (float32) and the uint8 TF.js model the official tensorflowjs_converter made from
 * it. Quantizing the .h5 weights ourselves must reproduce the converter's min, scale and bytes exactly.
 */
describe('uint8 quantization matches tensorflowjs_converter', () => {
  it('reproduces min, scale and every byte of all 96 tensors of idealo psnr-small', async () => {
    const model = corpusModel('idealo-psnr-small-uint8');
    const module = await h5wasm.ready;
    const h5 = readFileSync(join(model.dir, 'image-super-resolution-psnr-small.h5'));
    module.FS.writeFile('/psnr-small.h5', new Uint8Array(h5));
    const file = new h5wasm.File('/psnr-small.h5', 'r');
    const converted = splitWeights(corpusArtifacts('idealo-psnr-small-uint8'));
    expect(converted).toHaveLength(96);
    let identical = 0;
    const mismatches: string[] = [];
    for (const { spec, bytes } of converted) {
      const layer = spec.name.split('/')[0] ?? '';
      const dataset = file.get(`model_weights/${layer}/${spec.name}:0`);
      if (!(dataset instanceof h5wasm.Dataset)) throw new Error(`no dataset for ${spec.name}`);
      expect(dataset.shape).toEqual(spec.shape);
      const values = dataset.value;
      if (!(values instanceof Float32Array)) throw new Error(`${spec.name} is not float32 in the .h5`);
      const q = spec.quantization as QuantizationSpec;
      const ours = quantizeAffine(values, 'uint8');
      expect(ours.min, spec.name).toBe(q.min);
      expect(ours.scale, spec.name).toBe(q.scale);
      if (Buffer.compare(Buffer.from(ours.codes), Buffer.from(bytes)) === 0) identical++;
      else mismatches.push(spec.name);
    }
    file.close();
    expect(mismatches).toEqual([]);
    expect(identical).toBe(96);
  });
});
