/**
 * Straight-through-estimator quantizers for quantization-aware training in TensorFlow.js.
 *
 * The forward values follow src/core/ternary.ts exactly (same formulas, float32 arithmetic); tests compare them.
 * The backward pass is the straight-through estimator: the gradient of the quantized value is passed to the
 * latent float input unchanged, except where the input lies beyond a clip (there the quantizer is flat, so the
 * gradient is zeroed, as in BinaryConnect and Larq's ste_sign).
 *
 * tf.customGrad only gives gradients to its explicit inputs: every tensor the forward pass reads (the latent
 * weights and the threshold t) is passed in as an input, never captured from a closure.
 */
import * as tf from './tf';
import { ABSMAX_LEVELS, FIXED_THRESHOLD_UNIT, type ScaleGranularity, type WeightQuantizer } from '../core/quant/ternary';
import { INTEGER_FORMATS, type WeightFormat } from '../core/quant/weightFormats';

interface GradientRule {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

/** tf.customGrad with the inputs as an array: tfjs passes them variadically with the save function last. */
export function customOp(rule: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => GradientRule): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    rule(args.slice(0, -1) as tf.Tensor[], args[args.length - 1] as tf.GradSaveFunc),
  );
}

/**
 * Ternary values as tensors: trits in {-1,0,1} (same shape as w) and the scale, W ≈ scale·trits. Per layer the
 * scale is a scalar; per output channel ('channel', w of shape (K, N)) each column gets its own Δ and scale, (1, N).
 */
export function ternaryParts(
  w: tf.Tensor,
  quantizer: WeightQuantizer,
  t: tf.Scalar,
  granularity: ScaleGranularity = 'layer',
): { trits: tf.Tensor; scale: tf.Tensor; absW: tf.Tensor } {
  return tf.tidy(() => {
    // Reductions over the whole tensor, or over axis 0 (the K inputs of each output column) kept as (1, N).
    const reduce = (fn: typeof tf.mean, x: tf.Tensor) => (granularity === 'channel' ? fn(x, 0, true) : fn(x));
    const absW = tf.abs(w);
    const meanAbsW = reduce(tf.mean, absW);
    const threshold = quantizer === 'fixed' ? tf.mul(t, FIXED_THRESHOLD_UNIT) : tf.mul(t, meanAbsW);
    // keep = 1 where |w| > threshold, else 0. As step(|w| − threshold), not greater(): tfjs-wasm's comparison
    // kernels broadcast (K, N) against (1, N) on a slow generic path, where subtraction has a fast one
    // (docs/experiments.md, 2026-11-29). The same mask for finite values: the difference of two
    // float32s is positive exactly when the first is larger.
    const keep = tf.step(tf.sub(absW, threshold));
    const trits = tf.mul(tf.sign(w), keep);
    const scale = quantizer === 'absmean' ? meanAbsW : tf.div(reduce(tf.sum, tf.mul(absW, keep)), tf.maximum(reduce(tf.sum, keep), 1));
    return { trits, scale, absW };
  });
}

/**
 * w: latent weights (any shape); t: threshold factor (scalar). Forward: scale·trits. Backward: dy where
 * |w| ≤ clip, else 0; no gradient to t (the threshold is a setting, not learned).
 */
export function ternaryWeightSte(w: tf.Tensor, t: tf.Scalar, quantizer: WeightQuantizer, clip: number, granularity: ScaleGranularity = 'layer'): tf.Tensor {
  const op = customOp(([latent, threshold], save) => {
    // |W| is kept for the backward pass's clip mask rather than recomputed there.
    const { trits, scale, absW } = ternaryParts(latent!, quantizer, threshold as tf.Scalar, granularity);
    save([absW]);
    return {
      value: tf.mul(trits, scale),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const inRange = tf.cast(tf.lessEqual(saved[0]!, clip), 'float32');
        return [tf.mul(dy, inRange), tf.zerosLike(threshold!)];
      },
    };
  });
  return op(w, t);
}

/**
 * x: (batch, features). BitNet's per-sample 8-bit absmax fake quantization: γ = max|x| per row,
 * value = round(127·x/γ)·γ/127. Backward: identity (the rounding error is treated as noise).
 */
export function absmax8Ste(x: tf.Tensor2D): tf.Tensor2D {
  const op = customOp(([input]) => {
    const gamma = tf.maximum(tf.max(tf.abs(input!), 1, true), 1e-12);
    const codes = tf.clipByValue(tf.round(tf.mul(input!, tf.div(ABSMAX_LEVELS, gamma))), -ABSMAX_LEVELS, ABSMAX_LEVELS);
    return {
      value: tf.mul(codes, tf.div(gamma, ABSMAX_LEVELS)),
      gradFunc: (dy: tf.Tensor) => [dy],
    };
  });
  return op(x) as tf.Tensor2D;
}

/**
 * x: any shape. Binary activation: +1 where x ≥ 0, else -1 (never 0). Backward: dy where |x| ≤ 1, else 0
 * (the hard-tanh STE). Without it sign() has zero gradient and layers below it never learn.
 */
export function signSte(x: tf.Tensor): tf.Tensor {
  const op = customOp(([input], save) => {
    save([input!]);
    return {
      value: tf.where(tf.greaterEqual(input!, 0), tf.onesLike(input!), tf.neg(tf.onesLike(input!))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]!), 1), 'float32')),
      ],
    };
  });
  return op(x);
}

/**
 * An integer weight format as tensors (src/core/weightFormats.ts): codes (same shape as w, integers in
 * [−maxCode, maxCode]) and the scale, W ≈ scale·codes; per layer a scalar, per output channel (1, N).
 */
export function integerParts(w: tf.Tensor, format: Exclude<WeightFormat, 'ternary'>, granularity: ScaleGranularity = 'layer'): { codes: tf.Tensor; scale: tf.Tensor; absW: tf.Tensor } {
  return tf.tidy(() => {
    const absW = tf.abs(w);
    const meanAbsW = granularity === 'channel' ? tf.mean(absW, 0, true) : tf.mean(absW);
    // Δ = mean|W| / divisor; a zero Δ (all-zero weights) is replaced by 1 for the division, its scale stays 0.
    const step = tf.div(meanAbsW, INTEGER_FORMATS[format].stepDivisor);
    const ratio = tf.div(w, tf.where(tf.equal(step, 0), tf.onesLike(step), step));
    const codes =
      format === 'int4'
        ? tf.add(tf.mul(tf.clipByValue(tf.round(tf.sub(ratio, 0.5)), -8, 7), 2), 1) // odd codes 2n + 1, n in [−8, 7]
        : tf.clipByValue(tf.round(ratio), -127, 127);
    const scale = format === 'int4' ? tf.div(step, 2) : step;
    return { codes, scale, absW };
  });
}

/**
 * w: latent weights; forward scale·codes in `format`, backward as ternaryWeightSte (dy where |w| ≤ clip, else 0).
 */
export function integerWeightSte(w: tf.Tensor, format: Exclude<WeightFormat, 'ternary'>, clip: number, granularity: ScaleGranularity = 'layer'): tf.Tensor {
  const op = customOp(([latent], save) => {
    const { codes, scale, absW } = integerParts(latent!, format, granularity);
    save([absW]);
    return {
      value: tf.mul(codes, scale),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.cast(tf.lessEqual(saved[0]!, clip), 'float32'))],
    };
  });
  return op(w);
}
