/**
 * The trained network as an inference model (packed ternary weights with per-unit scale and bias), and the
 * slow, obvious reference forward pass: the oracle that the WGSL kernels and the TensorFlow.js evaluation are
 * checked against.
 *
 * Folding. Training computes, per hidden unit j of a layer with ternary scale s (one per layer, or s_j per output
 * channel with weightScale 'channel'):
 *   z_j = s·Σ_k t_jk·q_k·inScale + b_j,   then batch norm  y_j = γ_j·(z_j − μ_j)/√(σ²_j + ε) + β_j.
 * Both are affine in the integer-or-float accumulator acc_j = Σ_k t_jk·q_k, so inference keeps one
 *   y_j = scale_j·(acc_j·inScale) + bias_j,  scale_j = s·g_j,  bias_j = (b_j − μ_j)·g_j + β_j,  g_j = γ_j/√(σ²_j + ε)
 * (g_j = 1, μ_j = β_j = 0 without batch norm), followed by ReLU or nothing.
 *
 * The float twin (weight quantizer 'none') folds the same way with its latent weights kept as they are
 * (floatWeights, scale_j = g_j): the reference and the ONNX export run it; the kernels and the C export need trits.
 *
 * Input quantization of each layer (as in src/train/model.ts): layer 0 gets 8-bit absmax codes of pixel/255
 * unless activations are float; hidden layers get the configured quantizer, per example over all the layer's
 * input values. With 'absmax8' or 'sign' every accumulator is an exact integer; the float epilogue is computed in
 * float32 (Math.fround), as the GPU does.
 *
 * Conv layers (core/model/layers.ts) fold the same way per output channel: their (K = kh·kw·C_in, N) matrix is applied to
 * the patch at every output position, the epilogue follows, then the max pool. Feature maps are NHWC.
 */
import type { HiddenActivation, ModelConfig } from './config';
import type { ConvGeometry, MapShape } from './layers';
import { imagePixelsFor, imageSideFor, modelInputPixels, type InputResolution } from './inputResolution';
import { SHIFT_PASSES, shiftedCopies, sumShiftPasses } from './shiftAveraging';
import { packTernary, type PackedTernary } from '../quant/packing';
import { ABSMAX_LEVELS, binarySign, roundHalfEven, type ActivationQuantizer, type WeightQuantizer } from '../quant/ternary';
import { quantizeLayer, type WeightFormat } from '../quant/weightFormats';

/** Plain-array copy of one trained layer (what src/train/model.ts snapshot() returns). */
export interface LayerSnapshot {
  inputSize: number;
  outputSize: number;
  /** (in, out) row-major latent weights. */
  weight: Float32Array;
  bias: Float32Array;
  batchNorm: { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array } | null;
  /** Set for a conv layer: inputSize is then kh·kw·C_in and outputSize the filters (core/model/layers.ts). */
  conv?: ConvGeometry | null;
  /** The layer's weight format (core/quant/weightFormats.ts); absent: ternary. */
  weights?: WeightFormat;
}

export const BATCH_NORM_EPSILON = 1e-5;

export interface InferenceLayer {
  /** How the weights are stored: trits, or integer codes (core/quant/weightFormats.ts). */
  weights: WeightFormat;
  /** (K, N) row-major codes the layer multiplies with: the trits, or an integer format's codes. */
  codes: Int8Array;
  /**
   * The trits, for ternary layers; for an integer layer the signs of its codes, and for the float twin the TWN view
   * at the same threshold: what the ternary weight views show.
   */
  packed: PackedTernary;
  /** (K, N) row-major: the float twin's weights, multiplied instead of the trits; null for a ternary layer. */
  floatWeights: Float32Array | null;
  /** (N) folded per-unit scale. */
  scale: Float32Array;
  /** (N) folded per-unit bias. */
  bias: Float32Array;
  /** How this layer's input is quantized. */
  inputQuantizer: ActivationQuantizer;
  /** Applied to this layer's output; the last layer always has 'identity'. */
  activation: HiddenActivation;
  /** Set for a conv layer (its matrix is applied at every position, then the max pool if any). */
  conv: ConvGeometry | null;
}

export interface InferenceModel {
  layers: InferenceLayer[];
  /** Values the first layer takes: 784 pixels, or 256 for a 16×16 input. */
  inputSize: number;
  /** The forward passes take 28×28 images either way; at 16 they area-average them first (core/model/inputResolution.ts). */
  inputResolution: InputResolution;
  /** Logits summed over the image and four 1-pixel shifts of it (core/model/shiftAveraging.ts): five passes per image. */
  shiftAveraging: boolean;
  /** Values per pixel of the image the forward passes take: 3 for RGB images, else 1. */
  imageChannels: number;
  classCount: number;
  threshold: number;
  quantizer: WeightQuantizer | 'none';
  /** True for the float twin: layers multiply with floatWeights. */
  float: boolean;
}

function inputQuantizerOf(config: Pick<ModelConfig, 'activationQuantizer'>, layerIndex: number): ActivationQuantizer {
  if (config.activationQuantizer === 'none') return 'none';
  return layerIndex === 0 ? 'absmax8' : config.activationQuantizer;
}

/** Quantizes the snapshot at threshold t and folds scales and batch norm (see the header). */
export function foldModel(
  snapshot: readonly LayerSnapshot[],
  config: Pick<ModelConfig, 'activationQuantizer' | 'hiddenActivation'> & Partial<Pick<ModelConfig, 'weightScale' | 'inputResolution' | 'shiftAveraging'>>,
  quantizer: WeightQuantizer | 'none',
  threshold: number,
  /** Values per pixel of the images (3 for RGB); a conv first layer's input says it, a dense one cannot. */
  imageChannels = snapshot[0]?.conv?.input.channels ?? 1,
): InferenceModel {
  const float = quantizer === 'none';
  const layers = snapshot.map((layer, i): InferenceLayer => {
    // The float twin keeps its latent weights and a ternary view of them; other layers their own format.
    const format: WeightFormat = float ? 'ternary' : (layer.weights ?? 'ternary');
    const quantized = quantizeLayer(layer.weight, layer.inputSize, layer.outputSize, format, float ? 'twn' : quantizer, threshold, config.weightScale ?? 'layer');
    const { codes } = quantized;
    const scale = new Float32Array(layer.outputSize);
    const bias = new Float32Array(layer.outputSize);
    for (let j = 0; j < layer.outputSize; j++) {
      const bn = layer.batchNorm;
      const gain = bn ? bn.gamma[j]! / Math.sqrt(bn.variance[j]! + BATCH_NORM_EPSILON) : 1;
      scale[j] = (float ? 1 : quantized.scales[j]!) * gain;
      bias[j] = bn ? (layer.bias[j]! - bn.mean[j]!) * gain + bn.beta[j]! : layer.bias[j]!;
    }
    const isLast = i === snapshot.length - 1;
    return {
      weights: format,
      codes,
      packed: packTernary(format === 'ternary' ? codes : codes.map(Math.sign), layer.inputSize, layer.outputSize),
      floatWeights: float ? Float32Array.from(layer.weight) : null,
      scale,
      bias,
      inputQuantizer: inputQuantizerOf(config, i),
      activation: isLast ? 'identity' : config.hiddenActivation,
      conv: layer.conv ?? null,
    };
  });
  const first = snapshot[0];
  const firstMap = first?.conv?.input;
  return {
    layers,
    inputSize: firstMap ? firstMap.height * firstMap.width * firstMap.channels : (first?.inputSize ?? 0),
    inputResolution: config.inputResolution ?? 28,
    shiftAveraging: config.shiftAveraging ?? false,
    imageChannels,
    classCount: snapshot[snapshot.length - 1]?.outputSize ?? 0,
    threshold,
    quantizer,
    float,
  };
}

export interface QuantizedInput {
  /** (K) activations as the kernel sees them: integer codes, ±1, or floats. */
  values: Float32Array;
  /** Multiplies the accumulator: γ/127 for absmax8, 1 otherwise. */
  inScale: number;
}

/** x: (K) one sample. Mirrors the GPU's float32 arithmetic (factor = 127/γ rounded to f32, round half to even). */
export function quantizeInput(x: ArrayLike<number>, quantizer: ActivationQuantizer): QuantizedInput {
  const values = new Float32Array(x.length);
  if (quantizer === 'none') {
    values.set(Array.from(x));
    return { values, inScale: 1 };
  }
  if (quantizer === 'sign') {
    for (let k = 0; k < x.length; k++) values[k] = binarySign(x[k]!);
    return { values, inScale: 1 };
  }
  let gamma = 0;
  for (let k = 0; k < x.length; k++) gamma = Math.max(gamma, Math.abs(x[k]!));
  if (gamma === 0) return { values, inScale: 0 };
  const factor = Math.fround(ABSMAX_LEVELS / gamma);
  for (let k = 0; k < x.length; k++) {
    values[k] = Math.max(-ABSMAX_LEVELS, Math.min(ABSMAX_LEVELS, roundHalfEven(Math.fround(x[k]! * factor))));
  }
  return { values, inScale: Math.fround(gamma / ABSMAX_LEVELS) };
}

/**
 * acc (N) = Σ_k w_kj·a_k for one sample, w the trits or codes (or the float twin's weights); exact integers when `a` holds
 * integers. weights: (K, N) row-major, as layerWeights returns them.
 */
export function ternaryAccumulate(layer: InferenceLayer, a: Float32Array, weights: ArrayLike<number> = layerWeights(layer)): Float64Array {
  const { inputSize: K, outputSize: N } = layer.packed;
  const acc = new Float64Array(N);
  for (let k = 0; k < K; k++) {
    const x = a[k]!;
    if (x === 0) continue;
    for (let j = 0; j < N; j++) acc[j]! += weights[k * N + j]! * x;
  }
  return acc;
}

/** (K, N) row-major weights the layer multiplies with: the trits or integer codes, or the float twin's weights. */
export function layerWeights(layer: InferenceLayer): Int8Array | Float32Array {
  return layer.floatWeights ?? layer.codes;
}

/** y_j = act(scale_j·(acc_j·inScale) + bias_j) in float32. */
export function epilogue(layer: InferenceLayer, acc: Float64Array, inScale: number): Float32Array {
  const y = new Float32Array(acc.length);
  for (let j = 0; j < acc.length; j++) {
    const value = Math.fround(Math.fround(layer.scale[j]! * Math.fround(Math.fround(acc[j]!) * inScale)) + layer.bias[j]!);
    y[j] = layer.activation === 'relu' ? Math.max(0, value) : value;
  }
  return y;
}

/** Number of values a layer's input holds per example: a whole feature map for a conv layer. */
export function layerInputLength(layer: InferenceLayer): number {
  return layer.conv ? layer.conv.input.height * layer.conv.input.width * layer.conv.input.channels : layer.packed.inputSize;
}

/**
 * One conv layer on one example: input (H, W, C_in) quantized values -> output (H', W', N) after the epilogue and
 * the max pool (H'', W'', N). weights: (kh·kw·C_in, N), row (ky·kw + kx)·C_in + c.
 */
export function convolve(layer: InferenceLayer, a: Float32Array, inScale: number, weights: ArrayLike<number>): Float32Array {
  const geometry = layer.conv!;
  const { input, output, kernel, stride, padTop, padLeft } = geometry;
  const N = layer.packed.outputSize;
  const map = new Float32Array(output.height * output.width * N);
  const acc = new Float64Array(N);
  for (let oy = 0; oy < output.height; oy++) {
    for (let ox = 0; ox < output.width; ox++) {
      acc.fill(0);
      for (let ky = 0; ky < kernel; ky++) {
        const y = oy * stride + ky - padTop;
        if (y < 0 || y >= input.height) continue;
        for (let kx = 0; kx < kernel; kx++) {
          const x = ox * stride + kx - padLeft;
          if (x < 0 || x >= input.width) continue;
          for (let c = 0; c < input.channels; c++) {
            const value = a[(y * input.width + x) * input.channels + c]!;
            if (value === 0) continue;
            const row = ((ky * kernel + kx) * input.channels + c) * N;
            for (let n = 0; n < N; n++) acc[n]! += weights[row + n]! * value;
          }
        }
      }
      map.set(epilogue(layer, acc, inScale), (oy * output.width + ox) * N);
    }
  }
  return geometry.pool ? maxPool(map, output, geometry.pool) : map;
}

/** map: (H, W, C) -> (⌊H/size⌋, ⌊W/size⌋, C), the max of each size × size block (the pool's stride is its size). */
export function maxPool(map: Float32Array, shape: { height: number; width: number; channels: number }, size: number): Float32Array {
  const height = Math.floor(shape.height / size);
  const width = Math.floor(shape.width / size);
  const C = shape.channels;
  const pooled = new Float32Array(height * width * C).fill(-Infinity);
  for (let py = 0; py < height; py++)
    for (let px = 0; px < width; px++)
      for (let dy = 0; dy < size; dy++)
        for (let dx = 0; dx < size; dx++) {
          const from = ((py * size + dy) * shape.width + px * size + dx) * C;
          const to = (py * width + px) * C;
          for (let c = 0; c < C; c++) pooled[to + c] = Math.max(pooled[to + c]!, map[from + c]!);
        }
  return pooled;
}

/** Pixels of one image the forward passes take: the 28×28 image, also for a 16×16 input. */
export function imagePixelsOf(model: Pick<InferenceModel, 'inputResolution' | 'inputSize'>): number {
  return imagePixelsFor(model.inputResolution, model.inputSize);
}

/** The image the forward passes take as (side, side, channels): also 28×28×1 for a 16×16 input. */
export function imageShapeOf(model: Pick<InferenceModel, 'inputResolution' | 'inputSize' | 'imageChannels'>): MapShape {
  const side = imageSideFor(model.inputResolution, model.inputSize / model.imageChannels);
  return { height: side, width: side, channels: model.imageChannels };
}

/**
 * One example through every layer: an image (imagePixelsOf(model)) uint8 -> the output of each layer (conv
 * layers' after pooling), the last being the logits. The feature maps are what Draw a digit shows.
 */
export function referenceLayerOutputs(model: InferenceModel, image: Uint8Array, weights: readonly ArrayLike<number>[] = model.layers.map(layerWeights)): Float32Array[] {
  const pixels = modelInputPixels(model.inputResolution, image, 1);
  let activation: Float32Array = new Float32Array(model.inputSize);
  for (let k = 0; k < model.inputSize; k++) activation[k] = Math.fround(pixels[k]! / 255);
  return model.layers.map((layer, i) => {
    const { values, inScale } = quantizeInput(activation, layer.inputQuantizer);
    activation = layer.conv ? convolve(layer, values, inScale, weights[i]!) : epilogue(layer, ternaryAccumulate(layer, values, weights[i]), inScale);
    return activation;
  });
}

/**
 * images: (B, imagePixelsOf(model)) uint8 -> logits (B, classes); with shift averaging, the sum of the logits of
 * each image's five moved copies (core/model/shiftAveraging.ts).
 */
export function referenceForward(model: InferenceModel, images: Uint8Array, batch: number): Float32Array {
  const size = imagePixelsOf(model);
  if (model.shiftAveraging) {
    const passes = onePassForward(model, shiftedCopies(images.subarray(0, batch * size), batch, imageShapeOf(model)), batch * SHIFT_PASSES);
    return sumShiftPasses(passes, batch, model.classCount);
  }
  return onePassForward(model, images, batch);
}

function onePassForward(model: InferenceModel, images: Uint8Array, batch: number): Float32Array {
  const logits = new Float32Array(batch * model.classCount);
  const weights = model.layers.map(layerWeights);
  const size = imagePixelsOf(model);
  for (let b = 0; b < batch; b++) {
    const outputs = referenceLayerOutputs(model, images.subarray(b * size, (b + 1) * size), weights);
    logits.set(outputs[outputs.length - 1]!, b * model.classCount);
  }
  return logits;
}

/** Index of the largest value in each row of a (B, C) matrix (first one on ties). */
export function argmaxRows(values: Float32Array, rows: number, columns: number): Uint8Array {
  const result = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < columns; c++) if (values[r * columns + c]! > values[r * columns + best]!) best = c;
    result[r] = best;
  }
  return result;
}

/** Softmax of one row of logits. */
export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
