/**
 * What the views show about a layer's weights, computed once in the worker from the latent weights and sent to
 * the UI: the ternary weights at the current threshold (or an int4/int8 layer's codes, which no threshold moves),
 * counts of negative, zero and positive weights, a histogram of the latent weights, and the share of weights whose
 * trit or code changed since the previous report. Pure functions; no tensors.
 */
import type { ConvGeometry } from './layers';
import { countTrits, flipRatio, sparsity, ternarizeLayer, type ScaleGranularity, type TritCounts, type WeightQuantizer } from '../quant/ternary';
import { quantizeLayer, type WeightFormat } from '../quant/weightFormats';

export interface Histogram {
  /** Left edge of the first bin. */
  min: number;
  /** Right edge of the last bin. */
  max: number;
  counts: Uint32Array;
}

/**
 * Equal-width bins over [min, max]; values outside are counted in the end bins (so the counts always add up to
 * values.length), NaN values are skipped.
 */
export function histogram(values: ArrayLike<number>, binCount: number, min: number, max: number): Histogram {
  if (!(binCount >= 1) || !(max > min)) throw new RangeError(`histogram needs bins ≥ 1 and max > min (${min}, ${max})`);
  const counts = new Uint32Array(binCount);
  const width = (max - min) / binCount;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) continue;
    const bin = Math.min(binCount - 1, Math.max(0, Math.floor((value - min) / width)));
    counts[bin]!++;
  }
  return { min, max, counts };
}

/** A symmetric range that covers the weights and both thresholds, so ±Δ always shows on the axis. */
export function symmetricRange(values: ArrayLike<number>, threshold: number): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
  return Math.max(largest, threshold * 1.25, 1e-6);
}

export interface LayerWeightStats {
  inputSize: number;
  outputSize: number;
  /** Set for a conv layer: inputSize is kh·kw·C_in (core/model/layers.ts). */
  conv: ConvGeometry | null;
  /** How the layer stores its weights; the views show codes of integer layers with their magnitude. */
  weights: WeightFormat;
  /** (in, out) row-major, like the latent weights: trits, or the layer's int4/int8 codes. */
  codes: Int8Array;
  /** (out) scale of each unit (weight = scale·code): one value repeated, or one per output channel. */
  scales: Float32Array;
  /** Δ, or its mean over the output channels when each has its own (the histogram's ±Δ marks); 0 for integer codes. */
  threshold: number;
  /** True when each output channel has its own Δ and scale. */
  perChannel: boolean;
  counts: TritCounts;
  histogram: Histogram;
}

const HISTOGRAM_BINS = 60;

export interface LayerStatsOptions {
  inputSize: number;
  outputSize: number;
  quantizer: WeightQuantizer;
  /** Threshold factor t. */
  t: number;
  granularity?: ScaleGranularity;
  conv?: ConvGeometry | null;
  /** Ternary when absent. */
  weights?: WeightFormat;
}

/** weights: (in, out) row-major latent weights of one layer. */
export function layerWeightStats(weights: Float32Array, options: LayerStatsOptions): LayerWeightStats {
  const { inputSize, outputSize, quantizer, t } = options;
  const format = options.weights ?? 'ternary';
  const granularity = options.granularity ?? 'layer';
  const { codes, scales, thresholds } =
    format === 'ternary'
      ? (({ trits, scales, thresholds }) => ({ codes: trits, scales, thresholds }))(ternarizeLayer(weights, inputSize, outputSize, quantizer, t, granularity))
      : { ...quantizeLayer(weights, inputSize, outputSize, format, quantizer, t, granularity), thresholds: new Float32Array(0) };
  const threshold = thresholds.length === 0 ? 0 : thresholds.reduce((sum, value) => sum + value, 0) / thresholds.length;
  const range = symmetricRange(weights, threshold);
  return {
    inputSize,
    outputSize,
    conv: options.conv ?? null,
    weights: format,
    codes,
    scales,
    threshold,
    perChannel: options.granularity === 'channel',
    counts: countTrits(codes),
    histogram: histogram(weights, HISTOGRAM_BINS, -range, range),
  };
}

function totalCounts(layers: readonly { counts: TritCounts }[]): TritCounts {
  return layers.reduce(
    (sum, layer) => ({
      minus: sum.minus + layer.counts.minus,
      zero: sum.zero + layer.counts.zero,
      plus: sum.plus + layer.counts.plus,
    }),
    { minus: 0, zero: 0, plus: 0 },
  );
}

export function overallSparsity(layers: readonly { counts: TritCounts }[]): number {
  return sparsity(totalCounts(layers));
}

/** Flip ratio over all layers, or null when there is no comparable previous snapshot. */
export function overallFlipRatio(previous: readonly Int8Array[] | null, current: readonly Int8Array[]): number | null {
  if (!previous || previous.length !== current.length) return null;
  let flipped = 0;
  let total = 0;
  for (let i = 0; i < current.length; i++) {
    if (previous[i]!.length !== current[i]!.length) return null;
    flipped += flipRatio(previous[i]!, current[i]!) * current[i]!.length;
    total += current[i]!.length;
  }
  return total === 0 ? 0 : flipped / total;
}

/** Which region of the ternary map a latent weight falls in: -1, 0 or +1. */
export function regionOf(value: number, threshold: number): -1 | 0 | 1 {
  if (value > threshold) return 1;
  if (value < -threshold) return -1;
  return 0;
}
