/**
 * The ONNX export: the folded model (inference.ts) as a standard ONNX graph, opset 13, written with the maintained
 * `onnx-proto` package (protobufjs code generated from onnx.proto), graph built by small node helpers.
 *
 * Input `pixels`: float32 (N, side·side·channels), raw pixel values 0..255 of (N, side, side, channels) images
 * flattened NHWC, channel fastest (784 for MNIST; for a keyword model the 28×28 log-mel features of
 * core/audio/frontEnd.ts, whose parameters the metadata names as `front_end`); the metadata's `input_shape` is
 * [side, side, channels] and `input_layout` NHWC. Output `logits`: float32 (N, classes), no softmax
 * (argmax ties go to the lowest class, as in core). Every step is a standard operator, in the order and float32
 * arithmetic of referenceForward, so ONNX Runtime reproduces the reference:
 *   16×16 input:  pixels = Floor((MatMul(pixels, A) + 24.5) / 49)   A: (784, 256) overlap weights w_y·w_x, so the
 *                 MatMul gives core/model/inputResolution.ts's integer sums exactly (integers below 2^24 in float32),
 *                 and +24.5 keeps the division half a step from every integer boundary
 *   x = pixels / 255
 *   per layer:  absmax8:  g = ReduceMax(|x|), q = Clip(Round(x · (127 / max(g, tiny))), −127, 127), inScale = g / 127
 *               sign:     q = Where(x ≥ 0, 1, −1), inScale = 1
 *               none:     q = x
 *               acc = MatMul(q, Cast(trits))       trits: int8 initializer (K, N) holding −1, 0, +1; a layer in an
 *                                                  integer format (core/quant/weightFormats.ts) has `codes` instead, the
 *                                                  same int8 codes the reference multiplies (exact in float32 while
 *                                                  |acc| < 2^24: K·127·maxCode, e.g. K ≤ 1,040 for int8 codes)
 *               y = (acc · inScale) · scale + bias  scale, bias: (N) float32, the ternary scale and batch norm folded
 *               ReLU where the layer has it
 * A conv layer (core/model/layers.ts) quantizes the same way over the example's whole flattened map, then:
 *               acc = Conv(Transpose(Reshape(q, (N, H, W, C)), NCHW), Cast(trits))   trits (N_out, C, k, k)
 *               y = (acc · inScale) · scale + bias, ReLU, MaxPool (all NCHW), then back to NHWC and flat (N, H·W·C)
 * With shift averaging (core/model/shiftAveraging.ts) the pixels first become five moved copies of each image (Pad, five
 * Slices, Concat: (5N, side·side·channels)), and the logits of the five passes are summed at the end (Reshape (5, N, C), ReduceSum).
 * Activations travel flat and NHWC between layers, as in the reference, so a dense layer after a conv layer reads
 * the same order. The float twin has a float32 weight initializer instead of trits (and scale = the batch-norm gain).
 */
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import type { FrontEndParameters } from '../audio/frontEnd';
import { imagePixelsOf, imageShapeOf, type InferenceLayer, type InferenceModel } from '../model/referenceModel';
import { SHIFT_OFFSETS, SHIFT_PASSES } from '../model/shiftAveraging';
import { AREA_ROUNDING, AREA_WEIGHT_SUM, areaSumMatrix, IMAGE_PIXELS, REDUCED_PIXELS, REDUCED_SIDE } from '../model/inputResolution';
import { ABSMAX_LEVELS } from '../quant/ternary';
import type { MapShape } from '../model/layers';

// onnx-proto is CommonJS (module.exports = the protobufjs root): take the namespace from its default export.
const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT8 = onnx.TensorProto.DataType.INT8;


export interface OnnxExportOptions {
  preset: string;
  appVersion: string;
  /** Extra key/value pairs for the model's metadata_props (config, threshold, …). */
  metadata: Record<string, string>;
  /**
   * A keyword model's audio front end (core/audio/frontEnd.ts): its parameters go to the metadata as `front_end`
   * (JSON) so a runtime can compute the same 28×28 features from 16 kHz PCM; the input stays those features.
   */
  frontEnd?: FrontEndParameters;
}

/** Collects nodes and initializers; names are made unique and readable (layer0.q, layer0.acc, …). */
class GraphBuilder {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];

  node(opType: string, inputs: string[], output: string, attributes: Onnx.IAttributeProto[] = []): string {
    this.nodes.push({ opType, input: inputs, output: [output], name: `${output}.${opType}`, attribute: attributes });
    return output;
  }

  floatTensor(name: string, dims: number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values);
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  int8Tensor(name: string, dims: number[], values: Int8Array): string {
    this.initializers.push({ name, dims, dataType: INT8, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  }

  scalar(name: string, value: number): string {
    return this.floatTensor(name, [], [value]);
  }

  /** A 1-D int64 initializer (shapes, pads, slice bounds, axes). */
  int64Vector(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
    return name;
  }
}

/**
 * Shift averaging (core/model/shiftAveraging.ts), first half: pixels (N, side²) -> (5N, side²), the five moved copies of
 * every image, pass-major (rows s·N + b): the image zero-padded by one pixel on each side, then five Slices.
 */
function addShiftedCopies(graph: GraphBuilder, pixels: string, shape: MapShape): string {
  const side = shape.width;
  // (N, side, side, C), NHWC as the pixels are flattened: a pixel moves with all its channels.
  const image = graph.node('Reshape', [pixels, graph.int64Vector('image_shape', [-1, side, side, shape.channels])], 'image');
  const padded = graph.node('Pad', [image, graph.int64Vector('shift_pads', [0, 1, 1, 0, 0, 1, 1, 0])], 'image_padded');
  const axes = graph.int64Vector('shift_axes', [1, 2]);
  // Moved by (dx, dy): moved(y, x) = image(y − dy, x − dx) = padded(y + 1 − dy, x + 1 − dx).
  const copies = SHIFT_OFFSETS.map(([dx, dy], s) =>
    graph.node('Slice', [padded, graph.int64Vector(`shift${s}_starts`, [1 - dy, 1 - dx]), graph.int64Vector(`shift${s}_ends`, [1 - dy + side, 1 - dx + side]), axes], `image_shift${s}`),
  );
  const stacked = graph.node('Concat', copies, 'shifted_images', [intAttribute('axis', 0)]);
  return graph.node('Reshape', [stacked, graph.int64Vector('shifted_pixels_shape', [-1, side * side * shape.channels])], 'shifted_pixels');
}

/** Second half: logits (5N, C), pass-major -> (N, C), the five passes summed. */
function addShiftSum(graph: GraphBuilder, logits: string, classes: number): string {
  const passes = graph.node('Reshape', [logits, graph.int64Vector('pass_logits_shape', [SHIFT_PASSES, -1, classes])], 'pass_logits');
  return graph.node('ReduceSum', [passes, graph.int64Vector('pass_axis', [0])], 'summed_logits', [intAttribute('keepdims', 0)]);
}

const intsAttribute = (name: string, ints: number[]): Onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });
const intAttribute = (name: string, i: number): Onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });

function floatTensorType(dims: (number | string)[]): Onnx.ITypeProto {
  return {
    tensorType: {
      elemType: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  };
}

/** Appends one layer's nodes; returns the name of its output (N_batch, units). */
function addLayer(graph: GraphBuilder, layer: InferenceLayer, index: number, input: string): string {
  const p = `layer${index}`;
  const { inputSize: K, outputSize: N } = layer.packed;
  let quantized = input;
  let inScale: string | null = null;
  if (layer.inputQuantizer === 'absmax8') {
    const gamma = graph.node('ReduceMax', [graph.node('Abs', [input], `${p}.abs`)], `${p}.gamma`, [intsAttribute('axes', [1]), intAttribute('keepdims', 1)]);
    // max(γ, tiny) only guards an all-zero row (x·(127/0) would be NaN); any real γ is at least 1/255.
    const safeGamma = graph.node('Max', [gamma, graph.scalar(`${p}.tiny`, 1e-30)], `${p}.gamma_safe`);
    const factor = graph.node('Div', ['levels', safeGamma], `${p}.factor`);
    const rounded = graph.node('Round', [graph.node('Mul', [input, factor], `${p}.scaled`)], `${p}.rounded`);
    quantized = graph.node('Clip', [rounded, 'minus_levels', 'levels'], `${p}.q`);
    inScale = graph.node('Div', [gamma, 'levels'], `${p}.in_scale`);
  } else if (layer.inputQuantizer === 'sign') {
    const nonNegative = graph.node('GreaterOrEqual', [input, 'zero'], `${p}.non_negative`);
    quantized = graph.node('Where', [nonNegative, 'one', 'minus_one'], `${p}.q`);
  }
  if (layer.conv) return addConvEpilogue(graph, layer, p, quantized, inScale);
  const weights = layer.floatWeights
    ? graph.floatTensor(`${p}.weight`, [K, N], layer.floatWeights)
    : graph.node('Cast', [graph.int8Tensor(`${p}.${codesName(layer)}`, [K, N], layer.codes)], `${p}.${codesName(layer)}_float`, [intAttribute('to', FLOAT)]);
  let y = graph.node('MatMul', [quantized, weights], `${p}.acc`);
  if (inScale) y = graph.node('Mul', [y, inScale], `${p}.acc_scaled`);
  y = graph.node('Mul', [y, graph.floatTensor(`${p}.scale`, [N], layer.scale)], `${p}.scaled_out`);
  y = graph.node('Add', [y, graph.floatTensor(`${p}.bias`, [N], layer.bias)], `${p}.y`);
  if (layer.activation === 'relu') y = graph.node('Relu', [y], `${p}.relu`);
  return y;
}

/** The int8 initializer's name: `trits` for a ternary layer, `codes` for an integer format (core/quant/weightFormats.ts). */
function codesName(layer: InferenceLayer): string {
  return layer.weights === 'ternary' ? 'trits' : 'codes';
}

/** (K = k·k·C, N) row-major HWIO weights -> (N, C, k, k), ONNX's OIHW. */
function toOihw<T extends Int8Array | Float32Array>(weights: T, kernel: number, channels: number, filters: number, make: (length: number) => T): T {
  const out = make(weights.length);
  for (let ky = 0; ky < kernel; ky++)
    for (let kx = 0; kx < kernel; kx++)
      for (let c = 0; c < channels; c++)
        for (let n = 0; n < filters; n++) out[((n * channels + c) * kernel + ky) * kernel + kx] = weights[((ky * kernel + kx) * channels + c) * filters + n]!;
  return out;
}

/** A conv layer after its input quantizer: quantized (N, H·W·C) flat -> its pooled output (N, H''·W''·C_out) flat. */
function addConvEpilogue(graph: GraphBuilder, layer: InferenceLayer, p: string, quantized: string, inScale: string | null): string {
  const geometry = layer.conv!;
  const { input, output, kernel, stride, padTop, padLeft, pool } = geometry;
  const N = layer.packed.outputSize;
  const padBottom = Math.max(0, (output.height - 1) * stride + kernel - input.height - padTop);
  const padRight = Math.max(0, (output.width - 1) * stride + kernel - input.width - padLeft);
  const shape = (name: string, dims: number[]): string => graph.int64Vector(name, dims);
  const nhwc = graph.node('Reshape', [quantized, shape(`${p}.map_shape`, [-1, input.height, input.width, input.channels])], `${p}.q_map`);
  const nchw = graph.node('Transpose', [nhwc], `${p}.q_nchw`, [intsAttribute('perm', [0, 3, 1, 2])]);
  const weights = layer.floatWeights
    ? graph.floatTensor(`${p}.weight`, [N, input.channels, kernel, kernel], toOihw(layer.floatWeights, kernel, input.channels, N, (n) => new Float32Array(n)))
    : graph.node('Cast', [graph.int8Tensor(`${p}.${codesName(layer)}`, [N, input.channels, kernel, kernel], toOihw(layer.codes, kernel, input.channels, N, (n) => new Int8Array(n)))], `${p}.${codesName(layer)}_float`, [intAttribute('to', FLOAT)]);
  let y = graph.node('Conv', [nchw, weights], `${p}.acc`, [
    intsAttribute('kernel_shape', [kernel, kernel]),
    intsAttribute('strides', [stride, stride]),
    intsAttribute('pads', [padTop, padLeft, padBottom, padRight]),
  ]);
  // (N, 1) per-example scale -> (N, 1, 1, 1); per-channel scale and bias as (C_out, 1, 1) broadcast over NCHW.
  if (inScale) y = graph.node('Mul', [y, graph.node('Reshape', [inScale, shape(`${p}.in_scale_shape`, [-1, 1, 1, 1])], `${p}.in_scale_map`)], `${p}.acc_scaled`);
  y = graph.node('Mul', [y, graph.floatTensor(`${p}.scale`, [N, 1, 1], layer.scale)], `${p}.scaled_out`);
  y = graph.node('Add', [y, graph.floatTensor(`${p}.bias`, [N, 1, 1], layer.bias)], `${p}.y`);
  if (layer.activation === 'relu') y = graph.node('Relu', [y], `${p}.relu`);
  if (pool) y = graph.node('MaxPool', [y], `${p}.pool`, [intsAttribute('kernel_shape', [pool, pool]), intsAttribute('strides', [pool, pool])]);
  const back = graph.node('Transpose', [y], `${p}.nhwc`, [intsAttribute('perm', [0, 2, 3, 1])]);
  return graph.node('Reshape', [back, shape(`${p}.flat_shape`, [0, -1])], `${p}.flat`);
}

/** The model as ONNX protobuf bytes. */
export function exportOnnx(model: InferenceModel, options: OnnxExportOptions): Uint8Array {
  const graph = new GraphBuilder();
  graph.scalar('levels', ABSMAX_LEVELS);
  graph.scalar('minus_levels', -ABSMAX_LEVELS);
  graph.scalar('zero', 0);
  graph.scalar('one', 1);
  graph.scalar('minus_one', -1);
  let pixels = model.shiftAveraging ? addShiftedCopies(graph, 'pixels', imageShapeOf(model)) : 'pixels';
  if (model.inputResolution === REDUCED_SIDE) {
    const sums = graph.node('MatMul', [pixels, graph.floatTensor('area_weights', [IMAGE_PIXELS, REDUCED_PIXELS], areaSumMatrix())], 'area_sums');
    const shifted = graph.node('Add', [sums, graph.scalar('area_rounding', AREA_ROUNDING + 0.5)], 'area_sums_rounded');
    pixels = graph.node('Floor', [graph.node('Div', [shifted, graph.scalar('area_weight_sum', AREA_WEIGHT_SUM)], 'area_means')], 'pixels16');
  }
  let x = graph.node('Div', [pixels, graph.scalar('pixel_max', 255)], 'x');
  model.layers.forEach((layer, i) => (x = addLayer(graph, layer, i, x)));
  graph.node('Identity', [model.shiftAveraging ? addShiftSum(graph, x, model.classCount) : x], 'logits');
  // Only the initializers a node reads (the sign constants are unused by absmax-only models and vice versa).
  const used = new Set(graph.nodes.flatMap((n) => n.input ?? []));
  const image = imageShapeOf(model);
  const imageText = `${image.height}×${image.width}×${image.channels}`;
  const layout = image.channels === 1 ? 'row-major' : 'row-major with the channel fastest (R, G, B of a pixel next to each other)';
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'BitNet Playground',
    producerVersion: options.appVersion,
    docString: options.frontEnd
      ? `Ternary keyword network (${options.preset}) exported by BitNet Playground: int8 trits with float32 scales; input the 28×28 log-mel features 0..255 of 1 s of 16 kHz audio (rows = mel bands, highest first; columns = frames; the front end's parameters in the metadata as front_end), output logits.`
      : `Ternary network (${options.preset}) exported by BitNet Playground: int8 trits with float32 scales; input raw pixels 0..255 of a ${imageText} image (height×width×channels), flattened ${layout} to ${imagePixelsOf(model)} values, 0 = background; output logits.`,
    // input_shape: [height, width, channels] of the image that `pixels` holds flattened NHWC.
    metadataProps: Object.entries({ preset: options.preset, input_shape: JSON.stringify([image.height, image.width, image.channels]), input_layout: 'NHWC', ...options.metadata, ...(options.frontEnd ? { front_end: JSON.stringify(options.frontEnd) } : {}) }).map(([key, value]) => ({
      key,
      value,
    })),
    graph: {
      name: `bitnet_${options.preset.replace(/[^A-Za-z0-9_]/g, '_')}`,
      node: graph.nodes,
      initializer: graph.initializers.filter((t) => used.has(t.name ?? '')),
      input: [{ name: 'pixels', type: floatTensorType(['N', imagePixelsOf(model)]) }],
      output: [{ name: 'logits', type: floatTensorType(['N', model.classCount]) }],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Parses ONNX bytes back (tests, and a check before download). */
export function decodeOnnx(bytes: Uint8Array): Onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
