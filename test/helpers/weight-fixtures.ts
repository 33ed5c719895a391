import type { io } from '@tensorflow/tfjs';
import { encodeWeights, type NamedTensor } from '../../src/compress/weights.js';
import { seededInput } from './drift.js';

/**
 * Three float32 weights of a graph model with seeded values in [-1, 1): 64 + 2048 + 512 of them, 10,496 bytes
 * (2,624 as uint8). The artifacts carry no topology: quantization and the level search read the weights alone.
 */
export function threeWeights(): { tensors: NamedTensor[]; artifacts: io.ModelArtifacts; original: Map<string, Float32Array> } {
  const tensors: NamedTensor[] = [
    { name: 'small', shape: [8, 8], dtype: 'float32', data: seededInput(64, 1) },
    { name: 'big', shape: [64, 32], dtype: 'float32', data: seededInput(2048, 2) },
    { name: 'mid', shape: [32, 16], dtype: 'float32', data: seededInput(512, 3) },
  ];
  const artifacts: io.ModelArtifacts = { format: 'graph-model', ...encodeWeights(tensors) };
  return { tensors, artifacts, original: new Map(tensors.map((t) => [t.name, t.data as Float32Array])) };
}
