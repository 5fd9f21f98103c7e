/**
 * Ternary quantizer math, in plain TypeScript: the definition that the TensorFlow.js quantizers in
 * src/train/quantizers.ts, the packed formats and the GPU kernels are all checked against.
 *
 * A weight matrix W (any shape, flattened) becomes trits T in {-1, 0, +1} and one scale s per tensor, so that
 * W ≈ s·T. One threshold factor t drives every quantizer:
 *   twn     (Ternary Weight Networks): Δ = t·mean|W|; T = sign(W)·[|W| > Δ]; s = mean of the kept |W|.
 *   absmean (BitNet b1.58): γ = mean|W|; T = sign(W)·[|W| > t·γ]; s = γ. With t = 0.5 this is exactly
 *           clip(round(W/γ), -1, 1), the paper's rule.
 *   fixed   (the seed sketch): Δ = t·FIXED_THRESHOLD_UNIT, an absolute threshold independent of W; s as in twn.
 * Sums run in float64 here; tfjs sums in float32, so the two may disagree on weights within ~1e-6 of Δ.
 *
 * Scale granularity: per layer (the above, one Δ and one s for the whole (K, N) matrix), or per output channel
 * (ternarizeLayer with 'channel': the same rules applied to each column n of W, so each unit or filter has its own
 * Δ_n and s_n, as TWN and Larq offer for conv layers).
 */

export type WeightQuantizer = 'twn' | 'absmean' | 'fixed';

/** Latent-weight units of t for the fixed quantizer: t = 1 means |w| > 0.05, the seed sketch's value. */
export const FIXED_THRESHOLD_UNIT = 0.05;

export interface TernaryTensor {
  /** One trit per weight, same layout as the latent weights. */
  trits: Int8Array;
  /** W ≈ scale·trits. */
  scale: number;
  /** Δ: weights with |w| > Δ become ±1. */
  threshold: number;
}

export function meanAbs(weights: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Math.abs(weights[i]!);
  return weights.length === 0 ? 0 : sum / weights.length;
}

function ternaryThreshold(weights: ArrayLike<number>, quantizer: WeightQuantizer, t: number): number {
  return quantizer === 'fixed' ? t * FIXED_THRESHOLD_UNIT : t * meanAbs(weights);
}

export function ternarize(weights: ArrayLike<number>, quantizer: WeightQuantizer, t: number): TernaryTensor {
  const threshold = ternaryThreshold(weights, quantizer, t);
  const trits = new Int8Array(weights.length);
  let keptSum = 0;
  let keptCount = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (Math.abs(w) > threshold) {
      trits[i] = w > 0 ? 1 : -1;
      keptSum += Math.abs(w);
      keptCount++;
    }
  }
  const scale = quantizer === 'absmean' ? meanAbs(weights) : keptCount === 0 ? 0 : keptSum / keptCount;
  return { trits, scale, threshold };
}

export type ScaleGranularity = 'layer' | 'channel';

export interface TernaryLayer {
  /** (K, N) row-major trits, like the latent weights. */
  trits: Int8Array;
  /** (N) scale of each output unit (all equal per layer). */
  scales: Float32Array;
  /** (N) Δ of each output unit (all equal per layer). */
  thresholds: Float32Array;
}

/** weights: (K, N) row-major -> trits and per-unit scales, with one Δ and s per layer or per output channel. */
export function ternarizeLayer(
  weights: ArrayLike<number>,
  inputSize: number,
  outputSize: number,
  quantizer: WeightQuantizer,
  t: number,
  granularity: ScaleGranularity,
): TernaryLayer {
  if (granularity === 'layer') {
    const { trits, scale, threshold } = ternarize(weights, quantizer, t);
    return { trits, scales: new Float32Array(outputSize).fill(scale), thresholds: new Float32Array(outputSize).fill(threshold) };
  }
  const trits = new Int8Array(inputSize * outputSize);
  const scales = new Float32Array(outputSize);
  const thresholds = new Float32Array(outputSize);
  const column = new Float64Array(inputSize);
  for (let n = 0; n < outputSize; n++) {
    for (let k = 0; k < inputSize; k++) column[k] = weights[k * outputSize + n]!;
    const result = ternarize(column, quantizer, t);
    for (let k = 0; k < inputSize; k++) trits[k * outputSize + n] = result.trits[k]!;
    scales[n] = result.scale;
    thresholds[n] = result.threshold;
  }
  return { trits, scales, thresholds };
}

export interface TritCounts {
  minus: number;
  zero: number;
  plus: number;
}

export function countTrits(trits: ArrayLike<number>): TritCounts {
  const counts = { minus: 0, zero: 0, plus: 0 };
  for (let i = 0; i < trits.length; i++) {
    const trit = trits[i]!;
    if (trit < 0) counts.minus++;
    else if (trit > 0) counts.plus++;
    else counts.zero++;
  }
  return counts;
}

/** Share of zeros, in [0, 1]. */
export function sparsity(counts: TritCounts): number {
  const total = counts.minus + counts.zero + counts.plus;
  return total === 0 ? 0 : counts.zero / total;
}

/** Share of positions whose trit differs between two snapshots (Larq's FlipRatio), in [0, 1]. */
export function flipRatio(previous: ArrayLike<number>, current: ArrayLike<number>): number {
  if (previous.length !== current.length) throw new RangeError('flipRatio: snapshots differ in length');
  let flips = 0;
  for (let i = 0; i < current.length; i++) if (previous[i] !== current[i]) flips++;
  return current.length === 0 ? 0 : flips / current.length;
}

/** Activation quantizers applied to the input of each layer. */
export type ActivationQuantizer = 'none' | 'absmax8' | 'sign';

/** BitNet's 8-bit absmax: per sample, x ≈ (γ/127)·q with q = round(127·x/γ) in [-127, 127], γ = max|x|. */
export const ABSMAX_LEVELS = 127;

/** x: (features) one sample; writes the integer codes into `codes` and returns γ/127 (0 for an all-zero x). */
export function quantizeAbsmax8(x: ArrayLike<number>, codes: Int8Array | Int32Array): number {
  let gamma = 0;
  for (let i = 0; i < x.length; i++) gamma = Math.max(gamma, Math.abs(x[i]!));
  if (gamma === 0) {
    codes.fill(0);
    return 0;
  }
  const factor = ABSMAX_LEVELS / gamma;
  for (let i = 0; i < x.length; i++) {
    // Math.round rounds .5 up; tfjs round() rounds half to even. Clamp keeps float error from reaching 128.
    codes[i] = Math.max(-ABSMAX_LEVELS, Math.min(ABSMAX_LEVELS, roundHalfEven(x[i]! * factor)));
  }
  return gamma / ABSMAX_LEVELS;
}

/** Binary activation: +1 for x ≥ 0, -1 otherwise (never 0, unlike Math.sign). */
export function binarySign(x: number): 1 | -1 {
  return x >= 0 ? 1 : -1;
}

export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
