/**
 * Weight formats per layer: ternary (the default, core/quant/ternary.ts) or a few-bit integer format, for the layers where
 * a microcontroller model needs more levels than three. BitNetMCU's CNN reaches 99.5 % on MNIST with 8-bit
 * convolutions and a ternary head; conv layers lose most from ternary weights because they have few weights each.
 *
 * Every format stores integer codes c (int8, same (K, N) layout as the latent weights) and one scale s per output
 * unit (or one per layer), W ≈ s·c, so the folded model, the reference and the integer-only engine multiply codes
 * exactly as they multiply trits: acc_j = Σ_k c_kj·q_k.
 *
 *   ternary  c ∈ {-1, 0, +1}: ternarizeLayer with the config's quantizer and threshold factor t.
 *   int4     16 levels, BitNetMCU's "4bitsym": Δ = mean|W| / 2, n = clamp(round(w/Δ − ½), −8, 7), W ≈ (n + ½)·Δ.
 *            No level is 0, and the levels are symmetric. Stored as the odd integer c = 2n + 1 ∈ [−15, 15] with
 *            s = Δ/2, so W ≈ s·c stays an integer product.
 *   int8     Δ = mean|W| / 32 (BitNetMCU's "8bit"), c = clamp(round(w/Δ), −127, 127), s = Δ. Symmetric: −128 is never
 *            used, so −c always fits an int8.
 * mean|W| is over the whole matrix ('layer') or over each output column ('channel'), as for the ternary scale; the
 * threshold factor t and the ternary quantizer choice do not apply to integer formats. Sums run in float64 here;
 * training computes the same in float32 (src/train/quantizers.ts intWeightSte), so weights within ~1e-6 of a
 * rounding boundary may land on the neighbouring level.
 */
import { meanAbs, roundHalfEven, ternarizeLayer, type ScaleGranularity, type WeightQuantizer } from './ternary';
import { packedByteCount, packTritStream, TRITS_PER_BYTE, unpackTritStream, type TritPacking } from './tritBytes';

export type WeightFormat = 'ternary' | 'int4' | 'int8';
export const WEIGHT_FORMATS = ['ternary', 'int4', 'int8'] as const;

export interface IntegerFormatRule {
  /** Δ = mean|W| / stepDivisor. */
  stepDivisor: number;
  /** Codes lie in [−maxCode, maxCode]. */
  maxCode: number;
  /** Stored bits per weight in a packed stream (C export, size model). */
  bits: number;
}

export const INTEGER_FORMATS: Record<Exclude<WeightFormat, 'ternary'>, IntegerFormatRule> = {
  int4: { stepDivisor: 2, maxCode: 15, bits: 4 },
  int8: { stepDivisor: 32, maxCode: 127, bits: 8 },
};

/** Largest |code| a format produces: what bounds an accumulator. */
export function maxWeightCode(format: WeightFormat): number {
  return format === 'ternary' ? 1 : INTEGER_FORMATS[format].maxCode;
}

export interface QuantizedLayer {
  /** (K, N) row-major integer codes. */
  codes: Int8Array;
  /** (N) W ≈ scale_n·codes. */
  scales: Float32Array;
}

/** One column (or the whole matrix) of an integer format: codes and the scale s with W ≈ s·c. */
function quantizeInteger(weights: ArrayLike<number>, format: Exclude<WeightFormat, 'ternary'>, codes: Int8Array): number {
  const step = meanAbs(weights) / INTEGER_FORMATS[format].stepDivisor;
  if (step === 0) {
    // All-zero weights: int8 gives 0; int4 has no zero level, so the codes stay ±1 with a scale of 0.
    for (let i = 0; i < weights.length; i++) codes[i] = format === 'int4' ? 1 : 0;
    return 0;
  }
  for (let i = 0; i < weights.length; i++) {
    const ratio = weights[i]! / step;
    if (format === 'int4') {
      const level = Math.max(-8, Math.min(7, roundHalfEven(ratio - 0.5)));
      codes[i] = 2 * level + 1;
    } else {
      codes[i] = Math.max(-127, Math.min(127, roundHalfEven(ratio)));
    }
  }
  return format === 'int4' ? step / 2 : step;
}

/**
 * weights: (K, N) row-major latent weights -> codes and per-unit scales in `format`. quantizer and t only matter
 * for ternary layers.
 */
export function quantizeLayer(
  weights: ArrayLike<number>,
  inputSize: number,
  outputSize: number,
  format: WeightFormat,
  quantizer: WeightQuantizer,
  t: number,
  granularity: ScaleGranularity,
): QuantizedLayer {
  if (format === 'ternary') {
    const { trits, scales } = ternarizeLayer(weights, inputSize, outputSize, quantizer, t, granularity);
    return { codes: trits, scales };
  }
  const codes = new Int8Array(inputSize * outputSize);
  const scales = new Float32Array(outputSize);
  if (granularity === 'layer') {
    scales.fill(quantizeInteger(weights, format, codes));
    return { codes, scales };
  }
  const column = new Float64Array(inputSize);
  const columnCodes = new Int8Array(inputSize);
  for (let n = 0; n < outputSize; n++) {
    for (let k = 0; k < inputSize; k++) column[k] = weights[k * outputSize + n]!;
    scales[n] = quantizeInteger(column, format, columnCodes);
    for (let k = 0; k < inputSize; k++) codes[k * outputSize + n] = columnCodes[k]!;
  }
  return { codes, scales };
}

/** (K, N) codes and (N) scales back to float weights: scale_n·code. */
export function dequantizeLayer(layer: QuantizedLayer, outputSize: number): Float32Array {
  const out = new Float32Array(layer.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = layer.scales[i % outputSize]! * layer.codes[i]!;
  return out;
}

/**
 * Byte streams of a layer's codes for a microcontroller (the C export), input-major like the trit streams of
 * tritBytes.ts, one continuous stream per layer, only the end padded:
 *   ternary  the trit packing chosen for the export (5 or 4 per byte)
 *   int4     two codes per byte, the first in the low nibble; code c = 2n + 1 is stored as n (−8…7) in two's
 *            complement, so the decoder sign-extends the nibble and computes 2n + 1
 *   int8     one code per byte, two's complement
 * The packing choice only changes ternary layers.
 */
export function valuesPerByte(format: WeightFormat, packing: TritPacking): number {
  return format === 'ternary' ? TRITS_PER_BYTE[packing] : 8 / INTEGER_FORMATS[format].bits;
}

export function weightStreamBytes(count: number, format: WeightFormat, packing: TritPacking): number {
  return format === 'ternary' ? packedByteCount(count, packing) : Math.ceil(count / valuesPerByte(format, packing));
}

export function packWeightStream(codes: ArrayLike<number>, format: WeightFormat, packing: TritPacking): Uint8Array {
  if (format === 'ternary') return packTritStream(codes, packing);
  const maxCode = INTEGER_FORMATS[format].maxCode;
  const bytes = new Uint8Array(weightStreamBytes(codes.length, format, packing));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (!Number.isInteger(code) || Math.abs(code) > maxCode || (format === 'int4' && Math.abs(code) % 2 !== 1)) {
      throw new RangeError(`packWeightStream: ${code} is not an ${format} code`);
    }
    if (format === 'int8') bytes[i] = code & 0xff;
    else bytes[i >> 1]! |= (((code - 1) / 2) & 0xf) << (4 * (i & 1));
  }
  return bytes;
}

/** Inverse of packWeightStream for the first `count` codes. */
export function unpackWeightStream(bytes: Uint8Array, count: number, format: WeightFormat, packing: TritPacking): Int8Array {
  if (format === 'ternary') return unpackTritStream(bytes, count, packing);
  if (bytes.length < weightStreamBytes(count, format, packing)) throw new RangeError('unpackWeightStream: too few bytes');
  const codes = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    if (format === 'int8') codes[i] = (bytes[i]! << 24) >> 24;
    else codes[i] = 2 * ((((bytes[i >> 1]! >> (4 * (i & 1))) & 0xf) << 28) >> 28) + 1;
  }
  return codes;
}
