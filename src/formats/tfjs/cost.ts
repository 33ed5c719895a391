import type { TfjsLoadedModel } from '../../model/types.js';
import type { FlopsOptions, FlopsReport } from '../cost.js';
import { countGraphFlops } from './flops-graph.js';
import { countLayersFlops } from './flops-layers.js';

/**
 * Counts FLOPs, MACs and params of a TF.js model. Layers models: shapes are inferred layer by layer with each layer's
 * own `computeOutputShape`, no inference is run. Graph models: the graph is run once on seeded synthetic inputs on
 * the active backend and the shapes of the counted nodes are recorded (works for every op the runtime can execute,
 * control flow included). Throws `MeasureError` naming the model when it cannot be loaded or run.
 */
export async function countTfjsFlops(model: Pick<TfjsLoadedModel, 'format' | 'artifacts' | 'path'>, options: FlopsOptions = {}): Promise<FlopsReport> {
  return model.format === 'layers' ? countLayersFlops(model, options) : countGraphFlops(model, options);
}
