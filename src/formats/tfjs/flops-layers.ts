/** FLOPs of a tfjs layers model: concrete shapes propagated layer by layer with each layer's `computeOutputShape`. */
import * as tf from '@tensorflow/tfjs';
import { errorMessage, MeasureError, problem } from '../../errors.js';
import type { TfjsLoadedModel } from '../../model/types.js';
import { loadLayersModelReleasing } from '../../runtimes/tfjs/network.js';
import { elements, floatParams, totalCosts, type FlopsOptions, type FlopsReport, type OpCost } from '../cost.js';

type Shape = readonly number[];
interface Sym {
  readonly id: number;
  readonly shape: readonly (number | null)[];
}
interface GraphNode {
  readonly inputTensors: readonly Sym[];
  readonly outputTensors: readonly Sym[];
}
type Config = Record<string, unknown>;

const ZERO_COST = new Set([
  'InputLayer',
  'Reshape',
  'Flatten',
  'Permute',
  'RepeatVector',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ZeroPadding2D',
  'Cropping2D',
  'Concatenate',
  'Masking',
]);
const ELEMENTWISE = new Set(['Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax']);
const MERGE = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);
const POOL = /^(Max|Average)Pooling[123]D$/;
const GLOBAL_POOL = /^Global(Max|Average)Pooling[123]D$/;
const CONV = /^Conv[123]D$/;

function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

/** Input channels of a conv-like layer (channels last unless `dataFormat` says otherwise). */
function channels(shape: Shape, config: Config): number {
  return (config.dataFormat === 'channelsFirst' ? shape[1] : shape[shape.length - 1]) ?? 1;
}

/** Extra elementwise cost of a layer's own bias and activation. */
function biasAndActivation(out: number, config: Config): number {
  const bias = config.useBias === true ? out : 0;
  const act = typeof config.activation === 'string' && config.activation !== 'linear' ? out : 0;
  return bias + act;
}

/** MACs and FLOPs of one layer application; `counted` false for a class this counter does not know. */
export function layerCost(className: string, config: Config, inputs: readonly Shape[], output: Shape): { macs: number; flops: number; counted: boolean } {
  const input = inputs[0] ?? [];
  const out = elements(output);
  const kernel = elements(numbers(config.kernelSize));
  let macs = 0;
  let extra = 0;
  if (CONV.test(className)) {
    macs = out * kernel * channels(input, config);
    extra = biasAndActivation(out, config);
  } else if (className === 'DepthwiseConv2D') {
    macs = out * kernel;
    extra = biasAndActivation(out, config);
  } else if (className === 'SeparableConv2D') {
    const depthMultiplier = numbers(config.depthMultiplier)[0] ?? 1;
    const cin = channels(input, config);
    const spatial = out / channels(output, config);
    macs = spatial * cin * depthMultiplier * kernel + spatial * cin * depthMultiplier * channels(output, config);
    extra = biasAndActivation(out, config);
  } else if (className === 'Conv2DTranspose') {
    macs = elements(input) * kernel * channels(output, config);
    extra = biasAndActivation(out, config);
  } else if (className === 'Dense') {
    macs = out * (input[input.length - 1] ?? 1);
    extra = biasAndActivation(out, config);
  } else if (className === 'BatchNormalization') {
    extra = 2 * out;
  } else if (POOL.test(className)) {
    extra = out * elements(numbers(config.poolSize));
  } else if (GLOBAL_POOL.test(className)) {
    extra = elements(input);
  } else if (ELEMENTWISE.has(className)) {
    extra = out;
  } else if (MERGE.has(className)) {
    extra = out * Math.max(1, inputs.length - 1);
  } else if (className === 'UpSampling2D') {
    extra = config.interpolation === 'bilinear' ? 4 * out : 0;
  } else if (!ZERO_COST.has(className)) {
    return { macs: 0, flops: 0, counted: false };
  }
  return { macs, flops: 2 * macs + extra, counted: true };
}

function concrete(shape: readonly (number | null)[], name: string, options: FlopsOptions): number[] {
  const configured = options.inputShapes?.[name];
  if (configured) return [...configured];
  return shape.map((d, i) => (d !== null ? d : i === 0 ? (options.batch ?? 1) : 64));
}

/** See `countTfjsFlops`. */
export async function countLayersFlops(model: Pick<TfjsLoadedModel, 'artifacts' | 'path'>, options: FlopsOptions): Promise<FlopsReport> {
  let lm: tf.LayersModel;
  try {
    lm = await loadLayersModelReleasing(model.artifacts);
  } catch (error) {
    throw new MeasureError(problem('measure/flops-layers-build', { path: model.path, detail: errorMessage(error) }), {
      cause: error,
    });
  }
  try {
    const shapes = new Map<number, Shape>();
    const inputShapes: Record<string, Shape> = {};
    lm.inputs.forEach((input, i) => {
      const name = lm.inputNames[i] ?? input.name;
      const shape = concrete(input.shape, name, options);
      inputShapes[name] = shape;
      shapes.set(input.id, shape);
    });
    const ops: OpCost[] = [];
    // Apply layers whose inputs are known until nothing changes: works for any topological order of `lm.layers`.
    const pending = lm.layers.flatMap((layer) => (layer.inboundNodes as unknown as GraphNode[]).map((node) => ({ layer, node })));
    let progress = true;
    while (progress && pending.length > 0) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const item = pending[i];
        if (!item) continue;
        const { layer, node } = item;
        const ins = node.inputTensors.map((t) => shapes.get(t.id));
        if (ins.some((s) => s === undefined)) continue;
        const known = ins.filter((s): s is Shape => s !== undefined);
        pending.splice(i, 1);
        i -= 1;
        progress = true;
        if (layer.getClassName() === 'InputLayer') continue;
        let outShape: Shape;
        try {
          const computed = layer.computeOutputShape(known.length === 1 ? [...(known[0] ?? [])] : known.map((s) => [...s]));
          const outs = (Array.isArray(computed[0]) ? computed : [computed]) as (number | null)[][];
          outs.forEach((s, k) => {
            const sym = node.outputTensors[k];
            if (sym)
              shapes.set(
                sym.id,
                s.map((d) => d ?? 1),
              );
          });
          outShape = (outs[0] ?? []).map((d) => d ?? 1);
        } catch (error) {
          throw new MeasureError(
            problem('measure/flops-layer-shape', {
              path: model.path,
              layer: layer.name,
              className: layer.getClassName(),
              known: known.map((s) => `[${s.join(', ')}]`).join(', '),
              detail: errorMessage(error),
            }),
            { cause: error },
          );
        }
        const cost = layerCost(layer.getClassName(), layer.getConfig(), known, outShape);
        const params = layer.weights.reduce((sum, w) => sum + elements(w.shape.map((d) => d ?? 1)), 0);
        ops.push({ name: layer.name, op: layer.getClassName(), outputShape: outShape, params, ...cost });
      }
    }
    return totalCosts(ops, floatParams(model.artifacts.weightSpecs), inputShapes);
  } finally {
    lm.dispose();
  }
}
