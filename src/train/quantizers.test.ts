import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/data/rng';
import { quantizeAbsmax8, ternarize, ternarizeLayer, type WeightQuantizer } from '../core/quant/ternary';
import { quantizeLayer } from '../core/quant/weightFormats';
import { absmax8Ste, integerParts, integerWeightSte, signSte, ternaryParts, ternaryWeightSte } from './quantizers';
import * as tf from './tf';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rng = createRng(11);
const latent = Float32Array.from({ length: 64 * 32 }, () => rng.normal() * 0.05);

describe('tfjs ternary quantizers match core', () => {
  it.each<[WeightQuantizer, number]>([
    ['twn', 0.7],
    ['twn', 1.3],
    ['absmean', 0.5],
    ['fixed', 1],
  ])('%s at t = %f: same trits and scale as core/quant/ternary.ts', async (quantizer, t) => {
    const reference = ternarize(latent, quantizer, t);
    const { trits, scale } = ternaryParts(tf.tensor2d(latent, [64, 32]), quantizer, tf.scalar(t));
    const tfTrits = await trits.data();
    let disagreements = 0;
    tfTrits.forEach((trit, i) => {
      if (trit !== reference.trits[i]) disagreements++;
    });
    // float32 (tfjs) vs float64 (core) sums may differ for a weight within ~1e-7 of Δ; none should here.
    expect(disagreements).toBe(0);
    expect((await scale.data())[0]).toBeCloseTo(reference.scale, 5);
  });

  it.each<[WeightQuantizer, number]>([
    ['twn', 0.7],
    ['absmean', 0.5],
    ['fixed', 1],
  ])('%s at t = %f per output channel: same trits and 32 scales as core', async (quantizer, t) => {
    // Columns of very different magnitudes, so one Δ for all would zero the small ones.
    const columnScaled = Float32Array.from(latent, (w, i) => w * (1 + (i % 32)));
    const reference = ternarizeLayer(columnScaled, 64, 32, quantizer, t, 'channel');
    const { trits, scale } = ternaryParts(tf.tensor2d(columnScaled, [64, 32]), quantizer, tf.scalar(t), 'channel');
    expect(scale.shape).toEqual([1, 32]);
    // (tfjs gives -0 for sign(w)·0.)
    expect(Array.from(await trits.data(), (v) => v + 0)).toEqual(Array.from(reference.trits));
    const scales = await scale.data();
    reference.scales.forEach((s, n) => expect(scales[n]).toBeCloseTo(s, 5));
    expect(new Set(reference.scales).size).toBe(32);
    // The per-layer rule on the same weights zeroes most of the small columns; per channel they keep their trits.
    const perLayer = ternarizeLayer(columnScaled, 64, 32, quantizer, t, 'layer');
    const zerosInColumn0 = (tritsOf: ArrayLike<number>) => Array.from({ length: 64 }, (_, k) => tritsOf[k * 32]).filter((v) => v === 0).length;
    if (quantizer !== 'fixed') expect(zerosInColumn0(reference.trits)).toBeLessThan(zerosInColumn0(perLayer.trits));
  });
});

describe('straight-through estimators', () => {
  it('weights: forward is scale·trits, gradient is identity within the clip and zero beyond', async () => {
    const w = tf.tensor1d([0.5, -0.02, 3, -0.3]);
    const t = tf.scalar(0.7);
    const value = await ternaryWeightSte(w, t, 'twn', 1).data();
    const reference = ternarize([0.5, -0.02, 3, -0.3], 'twn', 0.7);
    // "+ 0" folds -0 (sign(-w)·0) into 0.
    expect(Array.from(value, (v) => v + 0)).toEqual(Array.from(reference.trits, (trit) => Math.fround(trit * reference.scale) + 0));
    const upstream = tf.tensor1d([1, 2, 3, 4]);
    const [gradW, gradT] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(ternaryWeightSte(a, b as tf.Scalar, 'twn', 1), upstream)),
    )([w, t]);
    // |3| > clip 1: no gradient there; the zeroed weight -0.02 still gets one (that is how it can come back).
    expect(Array.from(await gradW!.data())).toEqual([1, 2, 0, 4]);
    expect((await gradT!.data())[0]).toBe(0);
  });

  it('latent weights inside a model receive gradients through the quantizer (not silently zero)', async () => {
    const w = tf.variable(tf.tensor2d(latent, [64, 32]));
    const x = tf.randomNormal([8, 64], 0, 1, 'float32', 5);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(x, ternaryWeightSte(w, tf.scalar(0.7), 'twn', 1) as tf.Tensor2D))), [w]);
    const gradient = await grads[w.name]!.data();
    expect(gradient.some((g) => g !== 0)).toBe(true);
    w.dispose();
  });

  it('absmax8: per-sample fake quantization equal to core, identity gradient', async () => {
    const rows = [
      [0.2, -1.5, 0.7, 0.01],
      [3, 2.5, -0.1, 0],
    ];
    const x = tf.tensor2d(rows);
    const value = await absmax8Ste(x).data();
    rows.forEach((row, r) => {
      const codes = new Int32Array(row.length);
      const step = quantizeAbsmax8(row, codes);
      codes.forEach((code, i) => expect(value[r * 4 + i]).toBeCloseTo(code * step, 6));
    });
    const gradient = await tf.grad((a: tf.Tensor) => tf.sum(absmax8Ste(a as tf.Tensor2D)))(x).data();
    expect(Array.from(gradient)).toEqual(new Array(8).fill(1));
  });

  it('sign: ±1 (never 0), hard-tanh gradient', async () => {
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    expect(Array.from(await signSte(x).data())).toEqual([-1, -1, 1, 1, 1]);
    const gradient = await tf.grad((a: tf.Tensor) => tf.sum(signSte(a)))(x).data();
    expect(Array.from(gradient)).toEqual([0, 1, 1, 1, 0]);
  });
});

describe('tfjs integer weight formats match core/quant/weightFormats.ts', () => {
  // Columns of different magnitudes, and a few weights far out, so the clamp is exercised.
  const weights = Float32Array.from(latent, (w, i) => (i % 97 === 0 ? w * 40 : w * (1 + (i % 32) / 8)));

  it.each<['int4' | 'int8', 'layer' | 'channel']>([
    ['int4', 'layer'],
    ['int4', 'channel'],
    ['int8', 'layer'],
    ['int8', 'channel'],
  ])('%s per %s: the same codes and scales as core', async (format, granularity) => {
    const reference = quantizeLayer(weights, 64, 32, format, 'twn', 0.7, granularity);
    const { codes, scale } = integerParts(tf.tensor2d(weights, [64, 32]), format, granularity);
    const tfCodes = await codes.data();
    let disagreements = 0;
    tfCodes.forEach((code, i) => {
      if (code !== reference.codes[i]) disagreements++;
    });
    // float32 (tfjs) vs float64 (core) may differ for a weight within ~1e-7 of a level boundary; none should here.
    expect(disagreements).toBe(0);
    const tfScale = await scale.data();
    reference.scales.forEach((s, n) => expect(tfScale[granularity === 'channel' ? n : 0]).toBeCloseTo(s, 6));
  });

  it('the straight-through gradient passes where |w| ≤ clip and the forward value is scale·codes', async () => {
    const w = tf.tensor2d([[0.1, -2], [0.3, 0.05], [-0.2, 1.5]]);
    const value = await integerWeightSte(w, 'int8', 1, 'layer').data();
    const reference = quantizeLayer(await w.data(), 3, 2, 'int8', 'twn', 0.7, 'layer');
    reference.codes.forEach((c, i) => expect(value[i]).toBeCloseTo(c * reference.scales[0]!, 6));
    const gradient = await tf.grad((a: tf.Tensor) => tf.sum(tf.mul(integerWeightSte(a, 'int4', 1, 'channel'), 3)))(w).data();
    expect(Array.from(gradient)).toEqual([3, 0, 3, 3, 3, 0]);
  });
});
