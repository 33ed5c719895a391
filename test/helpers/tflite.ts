import { readFileSync } from 'node:fs';
import { readTflite } from '../../src/formats/tflite/read.js';
import type { TfliteGraph } from '../../src/formats/tflite/graph.js';
import { corpusModel } from './corpus.js';

/** The .tflite models of the corpus (MediaPipe, float16 weights). */
export const TFLITE_IDS = [
  'mediapipe-face-short',
  'mediapipe-face-full',
  'mediapipe-face-full-sparse',
  'mediapipe-selfie',
  'mediapipe-selfie-landscape',
  'mediapipe-pose-lite',
  'mediapipe-pose-full',
  'mediapipe-pose-heavy',
] as const;

/** A corpus .tflite model, read and validated. */
export function readCorpusTflite(id: string): TfliteGraph {
  const m = corpusModel(id);
  return readTflite(readFileSync(m.path), m.path);
}
