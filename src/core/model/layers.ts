/**
 * The network as a list of layers, and the one walk over it that everything else uses (training, checkpoints,
 * the folded inference model, the reference forward pass, sizes and costs, the views).
 *
 * A config lists the layers between the image and the classes: `conv2d`, `maxpool2d`, `flatten`, `dense`. The
 * output layer (a dense layer with one unit per class) is implied, as the input image is. Feature maps are NHWC,
 * so flattening a (H, W, C) map gives the index (y·W + x)·C + c, and a 28×28×1 image flattens to its 784 pixels
 * in row order: an MLP is `flatten, dense …`.
 *
 * networkPlan turns the list into weighted layers, each a matrix multiply seen the same way: a dense layer maps
 * K = inputs to N = units; a conv layer applies a (K = kh·kw·C_in, N = filters) matrix to every patch of its input
 * (im2col), weights stored in HWIO order, i.e. row (ky·kw + kx)·C_in + c. A max pool has no weights: it belongs
 * to the conv layer before it and runs after that layer's batch norm and activation. Bad lists are refused with a
 * message naming the layer (a pool on a 1×1 map, a dense layer on an unflattened map, a conv after flatten).
 */

import type { WeightFormat } from '../quant/weightFormats';

export type ConvPadding = 'valid' | 'same';

export type LayerSpec =
  /** kernel × kernel filters, applied with `stride`; 'same' pads so that stride 1 keeps the map's size. */
  | { kind: 'conv2d'; filters: number; kernel: number; stride: number; padding: ConvPadding; weights?: WeightFormat }
  /** Max over size × size windows, stride = size (a partial window at the edge is dropped). */
  | { kind: 'maxpool2d'; size: number }
  | { kind: 'flatten' }
  | { kind: 'dense'; units: number; weights?: WeightFormat };

export type LayerKind = LayerSpec['kind'];
export const LAYER_KINDS: readonly LayerKind[] = ['conv2d', 'maxpool2d', 'flatten', 'dense'];

export interface MapShape {
  height: number;
  width: number;
  channels: number;
}

/** The geometry of a conv layer, with its padding resolved (TensorFlow's 'same': the extra pixel goes after). */
export interface ConvGeometry {
  input: MapShape;
  /** Output of the convolution, before any pooling. */
  output: MapShape;
  kernel: number;
  stride: number;
  padding: ConvPadding;
  padTop: number;
  padLeft: number;
  /** Max-pool window (and stride) applied after the activation; 0 for none. */
  pool: number;
  /** The map after pooling: what the next layer sees. */
  pooled: MapShape;
}

export interface WeightedLayerPlan {
  kind: 'conv2d' | 'dense';
  /** K: a patch's length for a conv layer (kh·kw·C_in), the input width for a dense layer. */
  inputSize: number;
  /** N: filters or units. */
  outputSize: number;
  /** Set for conv layers. */
  conv: ConvGeometry | null;
  /** True for the implied output layer. */
  isOutput: boolean;
  /** How the layer's weights are stored (core/quant/weightFormats.ts); a spec without one is ternary. */
  weights: WeightFormat;
}

export const MNIST_INPUT: MapShape = { height: 28, width: 28, channels: 1 };

export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}

/** Output size of a convolution or pool along one axis, and the padding before it. */
export function convAxis(size: number, kernel: number, stride: number, padding: ConvPadding): { out: number; padBefore: number } {
  if (padding === 'valid') return { out: Math.floor((size - kernel) / stride) + 1, padBefore: 0 };
  const out = Math.ceil(size / stride);
  const padTotal = Math.max(0, (out - 1) * stride + kernel - size);
  return { out, padBefore: Math.floor(padTotal / 2) };
}

/** "conv2d 16 5×5 same", "maxpool2d 2", "flatten", "dense 128": how the page names a layer. */
export function describeLayer(layer: LayerSpec): string {
  switch (layer.kind) {
    case 'conv2d':
      return `conv2d ${layer.filters} ${layer.kernel}×${layer.kernel}${layer.stride === 1 ? '' : ` /${layer.stride}`} ${layer.padding}${formatSuffix(layer.weights, ' ')}`;
    case 'maxpool2d':
      return `maxpool2d ${layer.size}`;
    case 'flatten':
      return 'flatten';
    case 'dense':
      return `dense ${layer.units}${formatSuffix(layer.weights, ' ')}`;
  }
}

/** " int4" for an integer format, "" for ternary (so ternary networks read as they always did). */
function formatSuffix(weights: WeightFormat | undefined, separator: string): string {
  return weights === undefined || weights === 'ternary' ? '' : `${separator}${weights}`;
}

function shapeText(shape: MapShape): string {
  return `${shape.height}×${shape.width}×${shape.channels}`;
}

/**
 * The weighted layers of `layers` followed by the output layer, with every shape resolved; throws LayerError
 * with a message fit for the page when a layer does not fit the map it receives.
 */
export function networkPlan(
  layers: readonly LayerSpec[],
  input: MapShape = MNIST_INPUT,
  classCount = 10,
  outputWeights: WeightFormat = 'ternary',
): WeightedLayerPlan[] {
  const plan: WeightedLayerPlan[] = [];
  // Either a map (before flatten) or a vector of `features` values (after flatten or a dense layer).
  let map: MapShape | null = input;
  let features = input.height * input.width * input.channels;
  layers.forEach((layer, index) => {
    const where = `Layer ${index + 1} (${describeLayer(layer)})`;
    switch (layer.kind) {
      case 'conv2d': {
        if (!map) throw new LayerError(`${where} comes after a flatten or dense layer: convolutions need a feature map, so put them first.`);
        const rows = convAxis(map.height, layer.kernel, layer.stride, layer.padding);
        const columns = convAxis(map.width, layer.kernel, layer.stride, layer.padding);
        if (rows.out < 1 || columns.out < 1) {
          throw new LayerError(`${where} does not fit its ${shapeText(map)} input: a ${layer.kernel}×${layer.kernel} kernel without padding needs a map at least that large (use padding "same" or a smaller kernel).`);
        }
        const output: MapShape = { height: rows.out, width: columns.out, channels: layer.filters };
        plan.push({
          kind: 'conv2d',
          inputSize: layer.kernel * layer.kernel * map.channels,
          outputSize: layer.filters,
          conv: { input: map, output, kernel: layer.kernel, stride: layer.stride, padding: layer.padding, padTop: rows.padBefore, padLeft: columns.padBefore, pool: 0, pooled: output },
          isOutput: false,
          weights: layer.weights ?? 'ternary',
        });
        map = output;
        break;
      }
      case 'maxpool2d': {
        const previous = plan[plan.length - 1];
        const previousSpec = layers[index - 1];
        if (!map || !previous?.conv || previousSpec?.kind !== 'conv2d') {
          throw new LayerError(`${where} must come right after a conv2d layer (it pools that layer's feature map).`);
        }
        if (map.height < layer.size || map.width < layer.size) {
          throw new LayerError(`${where} cannot pool a ${shapeText(map)} map: the window is larger than the map. Remove the pool or make it smaller.`);
        }
        const pooled: MapShape = { height: Math.floor(map.height / layer.size), width: Math.floor(map.width / layer.size), channels: map.channels };
        previous.conv = { ...previous.conv, pool: layer.size, pooled };
        map = pooled;
        break;
      }
      case 'flatten':
        if (!map) throw new LayerError(`${where}: the values are already flat; remove it.`);
        features = map.height * map.width * map.channels;
        map = null;
        break;
      case 'dense':
        if (map) throw new LayerError(`${where} needs a flat input: add a flatten layer before it.`);
        plan.push({ kind: 'dense', inputSize: features, outputSize: layer.units, conv: null, isOutput: false, weights: layer.weights ?? 'ternary' });
        features = layer.units;
        break;
    }
  });
  if (map) throw new LayerError(`The last layer leaves a ${shapeText(map)} feature map: end the list with a flatten (and dense layers if you like) before the ${classCount} class outputs.`);
  plan.push({ kind: 'dense', inputSize: features, outputSize: classCount, conv: null, isOutput: true, weights: outputWeights });
  return plan;
}

/** An MLP with these hidden widths as a layer list (how configs before layer lists described networks). */
export function mlpLayers(hidden: readonly number[]): LayerSpec[] {
  return [{ kind: 'flatten' }, ...hidden.map((units): LayerSpec => ({ kind: 'dense', units }))];
}

/** Multiply-accumulates of one weighted layer per example (a conv layer repeats its matrix at every position). */
export function layerMacs(layer: WeightedLayerPlan): number {
  const positions = layer.conv ? layer.conv.output.height * layer.conv.output.width : 1;
  return positions * layer.inputSize * layer.outputSize;
}

/** Values of the layer's output per example (before pooling): what its activations cost in memory. */
export function layerActivationCount(layer: WeightedLayerPlan): number {
  return layer.conv ? layer.conv.output.height * layer.conv.output.width * layer.outputSize : layer.outputSize;
}

/**
 * Compact text of a layer list, for share links and labels: `conv2d:16:5:1:same,maxpool2d:2,flatten,dense:128`, with
 * an integer weight format appended (`conv2d:16:3:1:same:int8`, `dense:64:int4`); ternary layers carry none.
 * parseLayerList reads it back (validateConfig checks the values).
 */
export function formatLayerList(layers: readonly LayerSpec[]): string {
  return layers
    .map((layer) => {
      switch (layer.kind) {
        case 'conv2d':
          return `conv2d:${layer.filters}:${layer.kernel}:${layer.stride}:${layer.padding}${formatSuffix(layer.weights, ':')}`;
        case 'maxpool2d':
          return `maxpool2d:${layer.size}`;
        case 'flatten':
          return 'flatten';
        case 'dense':
          return `dense:${layer.units}${formatSuffix(layer.weights, ':')}`;
      }
    })
    .join(',');
}

/** Inverse of formatLayerList; values are returned as parsed (numbers or text) for validateConfig to judge. */
export function parseLayerList(text: string): unknown[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => {
    const [kind, ...args] = item.trim().split(':');
    const number = (value: string | undefined): unknown => (value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : value);
    switch (kind) {
      case 'conv2d':
        return { kind, filters: number(args[0]), kernel: number(args[1]), stride: number(args[2]), padding: args[3], ...(args[4] === undefined ? {} : { weights: args[4] }) };
      case 'maxpool2d':
        return { kind, size: number(args[0]) };
      case 'flatten':
        return { kind };
      case 'dense':
        return { kind, units: number(args[0]), ...(args[1] === undefined ? {} : { weights: args[1] }) };
      default:
        return { kind };
    }
  });
}

/**
 * A network in one line: "784-128-10" for an MLP, else its layers, e.g. "conv2d 16 3×3 same, maxpool2d 2, flatten,
 * dense 10" (the output layer included).
 */
export function networkSummary(layers: readonly LayerSpec[], input: MapShape = MNIST_INPUT, classCount = 10): string {
  if (layers.every((layer) => layer.kind === 'flatten' || layer.kind === 'dense') && layers[0]?.kind === 'flatten' && layers.filter((layer) => layer.kind === 'flatten').length === 1) {
    const widths = layers.flatMap((layer) => (layer.kind === 'dense' ? [layer.units] : []));
    return [input.height * input.width * input.channels, ...widths, classCount].join('-');
  }
  return [...layers.map(describeLayer), `dense ${classCount}`].join(', ');
}
