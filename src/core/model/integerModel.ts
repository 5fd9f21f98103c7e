/**
 * The integer-only model a microcontroller runs (the C export), derived from the folded InferenceModel, and its
 * forward pass in TypeScript: integerForward computes, step for step and bit for bit, what the generated C
 * computes, so the emitted C is checked against it exactly, and it is checked against referenceForward (the float
 * oracle) by agreement of predictions. The fast path is the C itself (cEmitter.ts); this is its specification.
 *
 * Derivation. A layer of the folded model computes, per unit j (see inference.ts),
 *   y_j = scale_j · acc_j · S + bias_j,   acc_j = Σ_k c_kj · q_k  (an exact integer)
 * where c are the layer's weight codes: trits, or int4/int8 codes (weightFormats.ts); |acc_j| ≤ 127·Σ_k |c_kj|.
 * and q are the layer's integer input codes and S > 0 their per-sample scale:
 *   pixels (layer 0, 8-bit absmax of p/255):  q_k = round(127·p_k / max p),  S = max p / (255·127)
 *   sign (binary hidden activations):          q_k = ±1,                       S = 1
 *   absmax8 (8-bit hidden activations):        q_k = round(127·y_k / max|y|), S = max|y| / 127
 * We write S = s·2^e·c with s, e per-sample integers (s < 2^14 after normalisation) and c a per-layer constant:
 * c = 1/32385 for pixels (s = max p), 1 for sign, 2^-F'/127 for absmax8 inputs whose producer has F' fraction bits.
 *
 * Before a sign (binary activation): y_j ≥ 0  ⇔  r_j·v_j ≥ −bias_j with v_j = acc_j·s (e = 0 there) and
 * r_j = scale_j·c. Since v_j is an integer this is
 *   r_j > 0:  v_j ≥ ⌈−bias_j / r_j⌉        r_j < 0:  v_j ≤ ⌊−bias_j / r_j⌋        r_j = 0: constant, bias_j ≥ 0
 * so batch norm, the ternary scale and the input scale fold into one int32 threshold and a direction per unit
 * (negative γ just flips the direction; a zero variance only makes the gain large). A ReLU before a sign makes
 * every output +1. v is an int32: sign layers take pixels (s ≤ 255) or signs (s = 1), so |v| ≤ 127·Σ|c|·255 stays
 * below 2^31 unless an int8 first layer has over 2,000 inputs, which toIntegerModel refuses. Thresholds saturate at
 * the int32 limits, outside every v.
 *
 * Before 8-bit requantisation and for the class scores: Y_j = y_j·2^F in fixed point, F chosen per layer from the
 * largest |y| the layer can produce (|Y| ≤ 2^23 before requantisation, 2^29 for scores), and
 *   Y_j = roundShift(acc_j · s · m_j, k_j − e) + B_j,   m_j·2^-k_j ≈ scale_j·c·2^F (|m_j| in [2^(b−1), 2^b)),
 *   B_j = round(bias_j·2^F)
 * (TensorFlow Lite's quantized multiplier, with b ≤ 20 instead of 31 bits so that |acc·s·m| < 2^52 stays exact in a
 * float64 here and in an int64 in C: b = 20 while 127·Σ|c|·max s ≤ 2^32, as for every ternary layer up to 2,064
 * inputs, fewer bits for wide int8 layers, whose accumulators are up to 127 times larger). The next layer's codes are round(127·Y_j / max|Y|): the
 * common factor 2^F cancels, and max|Y| carries the scale on. Division is integer (round half to even, as tfjs).
 *
 * Conv layers (core/model/layers.ts) do the same per output position: acc_j sums the trits of the taps inside the map
 * (HWIO rows, taps outside read 0), the epilogue gives Y_j (or ±1 before a sign), and a max pool keeps the largest
 * Y_j (or sign) of each window, computed window by window so that only the pooled map is stored. Y is monotonic in
 * y for each channel, so this pools what the reference pools, up to the rounding of Y. The next layer's codes are
 * requantised over the whole pooled map (one max|Y| per example), as the reference's absmax is.
 */
import type { ModelConfig } from './config';
import { imageShapeOf, type InferenceModel } from './referenceModel';
import { imagePixelsFor, modelInputPixels, type InputResolution } from './inputResolution';
import { SHIFT_PASSES, shiftedCopies, sumShiftPasses } from './shiftAveraging';
import type { ConvGeometry } from './layers';
import { ABSMAX_LEVELS } from '../quant/ternary';
import type { WeightFormat } from '../quant/weightFormats';

export type IntegerInput = 'pixels' | 'sign' | 'absmax8';

export interface SignEpilogue {
  kind: 'sign';
  /** (N) compare v_j = acc_j·s with this. */
  threshold: Int32Array;
  /** (N) +1: output +1 when v_j ≥ threshold_j; −1: when v_j ≤ threshold_j. */
  direction: Int8Array;
}

export interface FixedPointEpilogue {
  kind: 'requantize' | 'scores';
  /** (N) m_j, |m_j| in [2^(b−1), 2^b) or 0, b = multiplierBits. */
  multiplier: Int32Array;
  /** (N) k_j: Y_j = roundShift(acc_j·s·m_j, k_j − e) + B_j. */
  shift: Int8Array;
  /** (N) B_j = round(bias_j·2^F). */
  bias: Int32Array;
  relu: boolean;
  /** F: Y = y·2^F. */
  fractionBits: number;
  /** b ≤ 20: the multipliers' width, so that |acc·s·m| < 2^52. */
  multiplierBits: number;
}

export interface IntegerLayer {
  inputSize: number;
  outputSize: number;
  input: IntegerInput;
  /** (K, N) row-major weight codes, input-major as training holds them: trits, or int4/int8 codes. */
  codes: Int8Array;
  weights: WeightFormat;
  /** 127·max_j Σ_k |c_kj|, or Σ|c| for sign inputs: the largest |acc_j| the layer can produce. */
  accumulatorBound: number;
  epilogue: SignEpilogue | FixedPointEpilogue;
  /** Set for a conv layer: K = kernel²·C_in, applied at every position, then the max pool. */
  conv: ConvGeometry | null;
}

export interface IntegerModel {
  /** Values the first layer takes (784, or 256 for a 16×16 input). */
  inputSize: number;
  /** At 16 the engine area-averages the 28×28 image it is given first (core/model/inputResolution.ts). */
  inputResolution: InputResolution;
  /** Scores summed over five moved copies of the image (core/model/shiftAveraging.ts), in int32 as the C engine does. */
  shiftAveraging: boolean;
  /** Values per pixel of the image (3 for RGB), channel fastest. */
  imageChannels: number;
  classCount: number;
  layers: IntegerLayer[];
}

export const PIXEL_SCALE_DENOMINATOR = 255 * ABSMAX_LEVELS;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** |Y| limits: 127·Y must fit an int32 before requantisation; scores keep headroom for the bias. */
const REQUANTIZE_LIMIT = 2 ** 23;
const SCORES_LIMIT = 2 ** 29;
/** With shift averaging each pass's scores stay below 2^26, so that the sum of five (and its bias) fits an int32. */
const SHIFT_SCORES_LIMIT = 2 ** 26;
/** Requantised values are clamped here (never reached when the bounds hold): 127·2^24 < 2^31. */
export const REQUANTIZE_CLAMP = 2 ** 24;
/** Per-sample input scales are normalised below this, so acc·s·m < 2^52. */
export const SCALE_MANTISSA_LIMIT = 2 ** 14;
const MULTIPLIER_BITS = 20;
/** |acc·s·m| stays below this: exact in a float64 and an int64. */
const PRODUCT_LIMIT = 2 ** 52;
/** Largest per-sample scale s by input kind: the max pixel, 1 for signs, the normalised mantissa. */
const SCALE_LIMIT: Record<IntegerInput, number> = { pixels: 255, sign: 1, absmax8: SCALE_MANTISSA_LIMIT };

export class IntegerExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegerExportError';
  }
}

/** Why a model cannot run integer-only, or null when it can. */
export function integerOnlyProblem(model: Pick<InferenceModel, 'layers' | 'float'>): string | null {
  if (model.float) return FLOAT_WEIGHTS_PROBLEM;
  if (model.layers.some((layer) => layer.inputQuantizer === 'none')) return FLOAT_ACTIVATIONS_PROBLEM;
  return null;
}

/** m·2^-k ≈ r with |m| in [2^(bits−1), 2^bits); 0 when r is 0 or too small to matter. */
export function quantizeMultiplier(r: number, bits = MULTIPLIER_BITS): { multiplier: number; shift: number } {
  if (r === 0 || !Number.isFinite(r)) return { multiplier: 0, shift: 0 };
  const shift = bits - 1 - Math.floor(Math.log2(Math.abs(r)));
  if (shift > 100) return { multiplier: 0, shift: 0 };
  const multiplier = Math.round(r * 2 ** shift);
  // log2 may be off by one at exact powers of two; keep |m| below 2^bits.
  if (Math.abs(multiplier) >= 2 ** bits) return { multiplier: Math.round(r * 2 ** (shift - 1)), shift: shift - 1 };
  return { multiplier, shift };
}

/** The widest multiplier that keeps |acc·s·m| below 2^52 for a layer's accumulator and input scale bounds. */
export function multiplierBitsFor(accumulatorBound: number, input: IntegerInput): number {
  const headroom = Math.floor(Math.log2(PRODUCT_LIMIT / Math.max(1, accumulatorBound * SCALE_LIMIT[input])));
  if (headroom < 8) throw new IntegerExportError(`A layer's accumulators (up to ${accumulatorBound}) are too large for the integer engine's 64-bit products.`);
  return Math.min(MULTIPLIER_BITS, headroom);
}


function clampInt32(value: number): number {
  return Math.max(INT32_MIN, Math.min(INT32_MAX, value));
}

/** Folded float model -> integer model (see the header). Throws IntegerExportError when it cannot run integer-only. */
export function toIntegerModel(model: InferenceModel): IntegerModel {
  const problem = integerOnlyProblem(model);
  if (problem) throw new IntegerExportError(problem);
  const layers: IntegerLayer[] = [];
  /** Largest |real activation| entering the layer: 1 for pixels/255 and ±1, the producer's bound for absmax8. */
  let inputMagnitude = 1;
  let previousFractionBits = 0;
  model.layers.forEach((layer, index) => {
    const { inputSize: K, outputSize: N } = layer.packed;
    const codes = layer.codes;
    for (let j = 0; j < N; j++) {
      if (!Number.isFinite(layer.scale[j]!) || !Number.isFinite(layer.bias[j]!)) {
        throw new IntegerExportError(`Layer ${index + 1} unit ${j} has a non-finite scale or bias; the model cannot be exported.`);
      }
    }
    const input: IntegerInput = index === 0 ? 'pixels' : layer.inputQuantizer === 'sign' ? 'sign' : 'absmax8';
    if (index === 0 && layer.inputQuantizer !== 'absmax8') throw new IntegerExportError('The first layer must take 8-bit pixels.');
    const inputConstant =
      input === 'pixels' ? 1 / PIXEL_SCALE_DENOMINATOR : input === 'sign' ? 1 : 2 ** -previousFractionBits / ABSMAX_LEVELS;
    // Σ_k |c_kj|: the count of non-zero trits for a ternary layer.
    const absSums = new Float64Array(N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) absSums[j]! += Math.abs(codes[k * N + j]!);
    const accumulatorBound = (input === 'sign' ? 1 : ABSMAX_LEVELS) * Math.max(0, ...absSums);

    const next = model.layers[index + 1];
    const isLast = next === undefined;
    const relu = layer.activation === 'relu';
    let bound = 0;
    for (let j = 0; j < N; j++) {
      bound = Math.max(bound, Math.abs(layer.scale[j]!) * absSums[j]! * inputMagnitude + Math.abs(layer.bias[j]!));
    }

    if (!isLast && next.inputQuantizer === 'sign') {
      if (accumulatorBound * SCALE_LIMIT[input] > INT32_MAX) {
        throw new IntegerExportError(`Layer ${index + 1}'s sums before its sign activation can pass 2^31: the integer engine compares them in 32 bits. Use int4 or ternary weights there.`);
      }
      const threshold = new Int32Array(N);
      const direction = new Int8Array(N);
      for (let j = 0; j < N; j++) {
        const r = layer.scale[j]! * inputConstant;
        const bias = layer.bias[j]!;
        direction[j] = r < 0 ? -1 : 1;
        if (relu) threshold[j] = INT32_MIN; // relu(y) ≥ 0: always +1
        else if (r === 0 || absSums[j] === 0) threshold[j] = bias >= 0 ? INT32_MIN : INT32_MAX;
        else if (r > 0) threshold[j] = clampInt32(Math.ceil(-bias / r));
        else threshold[j] = clampInt32(Math.floor(-bias / r));
        if ((relu || r === 0 || absSums[j] === 0) && direction[j] === -1) direction[j] = 1;
      }
      const epilogue: SignEpilogue = { kind: 'sign', threshold, direction };
      layers.push({ inputSize: K, outputSize: N, input, codes, weights: layer.weights, accumulatorBound, epilogue, conv: layer.conv });
      inputMagnitude = 1;
      return;
    }

    const limit = isLast ? (model.shiftAveraging ? SHIFT_SCORES_LIMIT : SCORES_LIMIT) : REQUANTIZE_LIMIT;
    const fractionBits = bound > 0 ? Math.max(-60, Math.min(60, Math.floor(Math.log2(limit / bound)))) : 0;
    const multiplier = new Int32Array(N);
    const shift = new Int8Array(N);
    const bias = new Int32Array(N);
    const multiplierBits = multiplierBitsFor(accumulatorBound, input);
    for (let j = 0; j < N; j++) {
      const q = absSums[j] === 0 ? { multiplier: 0, shift: 0 } : quantizeMultiplier(layer.scale[j]! * inputConstant * 2 ** fractionBits, multiplierBits);
      multiplier[j] = q.multiplier;
      shift[j] = q.shift;
      bias[j] = clampInt32(Math.round(layer.bias[j]! * 2 ** fractionBits));
    }
    layers.push({
      inputSize: K,
      outputSize: N,
      input,
      codes,
      weights: layer.weights,
      accumulatorBound,
      epilogue: { kind: isLast ? 'scores' : 'requantize', multiplier, shift, bias, relu, fractionBits, multiplierBits },
      conv: layer.conv,
    });
    inputMagnitude = bound;
    previousFractionBits = fractionBits;
  });
  return { inputSize: model.inputSize, inputResolution: model.inputResolution, shiftAveraging: model.shiftAveraging, imageChannels: model.imageChannels, classCount: model.classCount, layers };
}

/** round(n / d) with ties to even, d > 0, |n| < 2^31: the C engine's div_round_half_even. */
export function divRoundHalfEven(n: number, d: number): number {
  const magnitude = Math.abs(n);
  let q = Math.floor(magnitude / d);
  const r = magnitude - q * d;
  if (2 * r > d || (2 * r === d && q % 2 === 1)) q++;
  return n < 0 ? -q : q;
}

/** x·2^-shift rounded half away from zero, |x| < 2^53: the C engine's round_shift. */
export function roundShift(x: number, shift: number): number {
  if (shift <= 0) return x * 2 ** -Math.max(shift, -30);
  if (shift > 62) return 0;
  const half = 2 ** (shift - 1);
  const magnitude = Math.floor((Math.abs(x) + half) / 2 ** shift);
  return x < 0 ? -magnitude : magnitude;
}

/** Splits a per-sample scale γ into s < 2^14 (rounded) and e with γ ≈ s·2^e. */
export function normalizeScale(gamma: number): { mantissa: number; exponent: number } {
  let exponent = 0;
  while (Math.floor(gamma / 2 ** exponent) >= SCALE_MANTISSA_LIMIT) exponent++;
  const mantissa = exponent === 0 ? gamma : Math.floor((gamma + 2 ** (exponent - 1)) / 2 ** exponent);
  return { mantissa, exponent };
}

/** One unit's output from its accumulator: ±1 before a sign, else the fixed-point Y (ReLU applied, int32). */
function unitOutput(layer: IntegerLayer, j: number, acc: number, scaleMantissa: number, scaleExponent: number): number {
  const epilogue = layer.epilogue;
  if (epilogue.kind === 'sign') {
    const v = acc * scaleMantissa;
    const t = epilogue.threshold[j]!;
    return (epilogue.direction[j]! > 0 ? v >= t : v <= t) ? 1 : -1;
  }
  const y = clampInt32(roundShift(acc * scaleMantissa * epilogue.multiplier[j]!, epilogue.shift[j]! - scaleExponent) + epilogue.bias[j]!);
  return epilogue.relu && y < 0 ? 0 : y;
}

/**
 * A conv layer on one example: codes (H, W, C_in) -> the pooled outputs (H'', W'', N), each the largest unit
 * output over its pool window (the window itself without a pool).
 */
function convolveInteger(layer: IntegerLayer, codes: ArrayLike<number>, scaleMantissa: number, scaleExponent: number): Int32Array {
  const { input, kernel, stride, padTop, padLeft, pool, pooled } = layer.conv!;
  const N = layer.outputSize;
  const window = pool || 1;
  const out = new Int32Array(pooled.height * pooled.width * N);
  const acc = new Float64Array(N);
  for (let py = 0; py < pooled.height; py++)
    for (let px = 0; px < pooled.width; px++) {
      const target = (py * pooled.width + px) * N;
      for (let dy = 0; dy < window; dy++)
        for (let dx = 0; dx < window; dx++) {
          const oy = py * window + dy;
          const ox = px * window + dx;
          acc.fill(0);
          for (let ky = 0; ky < kernel; ky++) {
            const iy = oy * stride + ky - padTop;
            if (iy < 0 || iy >= input.height) continue;
            for (let kx = 0; kx < kernel; kx++) {
              const ix = ox * stride + kx - padLeft;
              if (ix < 0 || ix >= input.width) continue;
              for (let c = 0; c < input.channels; c++) {
                const x = codes[(iy * input.width + ix) * input.channels + c]!;
                if (x === 0) continue;
                const row = ((ky * kernel + kx) * input.channels + c) * N;
                for (let j = 0; j < N; j++) acc[j]! += layer.codes[row + j]! * x;
              }
            }
          }
          for (let j = 0; j < N; j++) {
            const y = unitOutput(layer, j, acc[j]!, scaleMantissa, scaleExponent);
            if ((dy === 0 && dx === 0) || y > out[target + j]!) out[target + j] = y;
          }
        }
    }
  return out;
}

/**
 * images: (B, imagePixelsOf(model)) uint8 -> integer class scores (B, classes), exactly as the C engine computes them; with shift
 * averaging, each image's five passes summed (core/model/shiftAveraging.ts).
 */
export function integerForward(model: IntegerModel, images: Uint8Array, batch: number): Int32Array {
  if (!model.shiftAveraging) return integerOnePass(model, images, batch);
  const size = imagePixelsFor(model.inputResolution, model.inputSize);
  const copies = shiftedCopies(images.subarray(0, batch * size), batch, imageShapeOf(model));
  return sumShiftPasses(integerOnePass(model, copies, batch * SHIFT_PASSES), batch, model.classCount);
}

function integerOnePass(model: IntegerModel, images: Uint8Array, batch: number): Int32Array {
  const scores = new Int32Array(batch * model.classCount);
  const K0 = model.inputSize;
  const imageSize = imagePixelsFor(model.inputResolution, K0);
  for (let b = 0; b < batch; b++) {
    const image = modelInputPixels(model.inputResolution, images.subarray(b * imageSize, (b + 1) * imageSize), 1);
    let maxPixel = 0;
    for (let k = 0; k < K0; k++) maxPixel = Math.max(maxPixel, image[k]!);
    let codes: Int32Array = new Int32Array(K0);
    for (let k = 0; k < K0; k++) codes[k] = image[k] === 0 ? 0 : divRoundHalfEven(ABSMAX_LEVELS * image[k]!, maxPixel);
    let scaleMantissa = maxPixel;
    let scaleExponent = 0;
    for (const layer of model.layers) {
      const N = layer.outputSize;
      let out: Int32Array;
      if (layer.conv) {
        out = convolveInteger(layer, codes, scaleMantissa, scaleExponent);
      } else {
        const acc = new Float64Array(N);
        for (let k = 0; k < layer.inputSize; k++) {
          const x = codes[k]!;
          if (x === 0) continue;
          const row = k * N;
          for (let j = 0; j < N; j++) acc[j]! += layer.codes[row + j]! * x;
        }
        out = Int32Array.from({ length: N }, (_, j) => unitOutput(layer, j, acc[j]!, scaleMantissa, scaleExponent));
      }
      const epilogue = layer.epilogue;
      if (epilogue.kind === 'sign') {
        codes = out;
        scaleMantissa = 1;
        scaleExponent = 0;
        continue;
      }
      if (epilogue.kind === 'scores') {
        scores.set(out, b * model.classCount);
        break;
      }
      let gamma = 0;
      for (let j = 0; j < out.length; j++) {
        out[j] = Math.max(-REQUANTIZE_CLAMP, Math.min(REQUANTIZE_CLAMP, out[j]!));
        gamma = Math.max(gamma, Math.abs(out[j]!));
      }
      for (let j = 0; j < out.length; j++) out[j] = gamma === 0 ? 0 : divRoundHalfEven(ABSMAX_LEVELS * out[j]!, gamma);
      const normalized = normalizeScale(gamma);
      codes = out;
      scaleMantissa = normalized.mantissa;
      scaleExponent = normalized.exponent;
    }
  }
  return scores;
}

/** Index of the largest score (the first one on ties), as bitnet_predict returns it. */
export function argmaxInt(scores: ArrayLike<number>, offset = 0, count = scores.length - offset): number {
  let best = 0;
  for (let c = 1; c < count; c++) if (scores[offset + c]! > scores[offset + best]!) best = c;
  return best;
}

export const FLOAT_WEIGHTS_PROBLEM =
  'The float twin has float weights: integer-only C needs ternary weights. Choose a weight quantizer (ONNX exports every config).';
export const FLOAT_ACTIVATIONS_PROBLEM =
  'This configuration has float activations: integer-only C needs 8-bit or sign activations. Choose an activation quantizer (ONNX exports every config).';

/** Why a configuration cannot be exported as integer-only C, or null when it can. */
export function integerOnlyConfigProblem(config: Pick<ModelConfig, 'weightQuantizer' | 'activationQuantizer'>): string | null {
  if (config.weightQuantizer === 'none') return FLOAT_WEIGHTS_PROBLEM;
  if (config.activationQuantizer === 'none') return FLOAT_ACTIVATIONS_PROBLEM;
  return null;
}
