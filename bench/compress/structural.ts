/**
 * Latency effect of the structural techniques (BatchNorm folding, channel pruning) on a conv network built with
 * tfjs-layers — the corpus has no layers model with BatchNormalization. Timed with the project's own latency loop.
 */
import * as tf from '@tensorflow/tfjs';
import { foldBatchNorm } from '../../src/compress/fold-batchnorm.js';
import { pruneChannels } from '../../src/compress/prune-channels.js';
import { benchmarkModel } from '../../src/measure/latency/benchmark.js';
import { layersModelArtifacts } from '../../test/helpers/layers-artifacts.js';

/** One timed variant. Times in ms. */
export interface StructuralRow {
  readonly variant: string;
  readonly layers: number;
  readonly params: number;
  readonly p50: number;
  readonly p90: number;
  readonly runs: number;
  readonly runtime: string;
}

/** 6 × (Conv2D 3×3, 32 filters → BatchNormalization → ReLU) on 64×64×3, then pooling and a 10-way Dense. */
function convBnNet(): tf.LayersModel {
  const m = tf.sequential();
  for (let i = 0; i < 6; i++) {
    m.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [64, 64, 3] } : {}),
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: i }),
      }),
    );
    m.add(tf.layers.batchNormalization({}));
    m.add(tf.layers.reLU());
  }
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 10 }));
  return m;
}

function countLayers(artifacts: tf.io.ModelArtifacts): number {
  const topology = artifacts.modelTopology as { config?: { layers?: unknown[] } } | undefined;
  return topology?.config?.layers?.length ?? 0;
}

function countParams(artifacts: tf.io.ModelArtifacts): number {
  return (artifacts.weightSpecs ?? []).reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);
}

/** Times the original, the folded, and the folded + channel-pruned (30 % FLOPs) network. */
export async function benchStructural(): Promise<StructuralRow[]> {
  const original = await layersModelArtifacts(convBnNet());
  const folded = foldBatchNorm(original).artifacts;
  const pruned = pruneChannels(folded, { flops: 0.3 }).artifacts;
  const rows: StructuralRow[] = [];
  for (const [variant, artifacts] of [
    ['original (conv → BN → ReLU) × 6', original],
    ['fold-batchnorm', folded],
    ['fold-batchnorm + prune-channels flops 0.3', pruned],
  ] as const) {
    const r = await benchmarkModel({ format: 'layers', artifacts, path: `synthetic/${variant}` }, { profileOps: 0, minRuns: 128, minMs: 2000 });
    rows.push({
      variant,
      layers: countLayers(artifacts),
      params: countParams(artifacts),
      p50: r.summary.p50,
      p90: r.summary.p90,
      runs: r.summary.n,
      runtime: `${r.runtime.name} ${r.runtime.version}`,
    });
  }
  return rows;
}
