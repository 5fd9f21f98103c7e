import { describe, expect, it } from 'vitest';
import { modelCost } from './modelCost';
import { histogram, layerWeightStats, overallFlipRatio, overallSparsity, regionOf, symmetricRange } from './weightStats';

describe('histogram binning', () => {
  it('bins equal widths, clamps outliers into the end bins and skips NaN', () => {
    const h = histogram([-1, -0.5, 0, 0.49, 0.5, 0.99, 1, 5, -5, Number.NaN], 4, -1, 1);
    // bins: [-1,-0.5) [-0.5,0) [0,0.5) [0.5,1]
    expect(Array.from(h.counts)).toEqual([2, 1, 2, 4]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(9);
    expect(() => histogram([1], 0, 0, 1)).toThrow();
    expect(() => histogram([1], 3, 1, 1)).toThrow();
  });

  it('the range always shows ±Δ', () => {
    expect(symmetricRange([0.1, -0.2], 0.05)).toBeCloseTo(0.2, 10);
    expect(symmetricRange([0.01], 0.4)).toBeCloseTo(0.5, 10);
  });
});

describe('layer statistics', () => {
  it('counts trits and sparsity at the threshold; regions follow ±Δ', () => {
    // (in=2, out=3) weights; mean|W| = 0.35; TWN t=1 -> Δ = 0.35
    const stats = layerWeightStats(Float32Array.from([0.9, -0.1, 0.2, -0.6, 0.3, 0]), { inputSize: 2, outputSize: 3, quantizer: 'twn', t: 1 });
    expect(stats.threshold).toBeCloseTo(0.35, 6);
    expect(stats.counts).toEqual({ minus: 1, zero: 4, plus: 1 });
    expect(overallSparsity([stats, stats])).toBeCloseTo(4 / 6, 10);
    expect(regionOf(0.36, 0.35)).toBe(1);
    expect(regionOf(-0.36, 0.35)).toBe(-1);
    expect(regionOf(0.35, 0.35)).toBe(0);
  });

  it('an integer layer shows its codes: int8 levels by magnitude, no threshold; t does not move them', () => {
    const weights = Float32Array.from([0.9, -0.1, 0.2, -0.6, 0.3, 0]);
    const options = { inputSize: 2, outputSize: 3, quantizer: 'twn', t: 1, weights: 'int8' } as const;
    const stats = layerWeightStats(weights, options);
    // mean|W| = 0.35, Δ = 0.35 / 32: codes round(w / Δ), clamped to ±127.
    expect(Array.from(stats.codes)).toEqual([82, -9, 18, -55, 27, 0]);
    expect(stats.weights).toBe('int8');
    expect(stats.threshold).toBe(0);
    expect(stats.counts).toEqual({ minus: 2, zero: 1, plus: 3 });
    expect(Array.from(layerWeightStats(weights, { ...options, t: 0.2 }).codes)).toEqual(Array.from(stats.codes));
    expect(layerWeightStats(weights, { ...options, weights: 'int4' }).counts.zero).toBe(0);
  });

  it('flip ratio over layers; null without a comparable previous snapshot', () => {
    const before = [Int8Array.of(1, 0, -1, 0), Int8Array.of(1, 1)];
    const after = [Int8Array.of(1, 1, -1, 0), Int8Array.of(0, 1)];
    expect(overallFlipRatio(before, after)).toBeCloseTo(2 / 6, 10);
    expect(overallFlipRatio(null, after)).toBeNull();
    expect(overallFlipRatio([Int8Array.of(1)], after)).toBeNull();
  });
});

describe('size and cost arithmetic', () => {
  it('seed network 784-128-10 with 40 % zeros', () => {
    const cost = modelCost([
      { inputSize: 784, outputSize: 128, zeros: 40_000 },
      { inputSize: 128, outputSize: 10, zeros: 512 },
    ]);
    expect(cost.weights).toBe(784 * 128 + 1280);
    expect(cost.bytesFloat32).toBe(cost.weights * 4);
    // 784 inputs -> 49 words per row; 128 inputs -> 8 words
    expect(cost.bytesPacked2Bit).toBe((128 * 49 + 10 * 8) * 4);
    expect(cost.bytesPacked5PerByte).toBe(Math.ceil((784 * 128) / 5) + Math.ceil(1280 / 5));
    expect(cost.bytesIdeal).toBeCloseTo((cost.weights * Math.log2(3)) / 8, 6);
    expect(cost.floatMacs).toBe(cost.weights);
    expect(cost.ternaryAddSubs).toBe(cost.weights - 40_512);
    expect(cost.sparsity).toBeCloseTo(40_512 / cost.weights, 10);
    // Shift averaging's five passes cost five times the operations, not one weight more.
    const fivePasses = modelCost([{ inputSize: 784, outputSize: 128, zeros: 40_000 }, { inputSize: 128, outputSize: 10, zeros: 512 }], 5);
    expect(fivePasses.weights).toBe(cost.weights);
    expect(fivePasses.floatMacs).toBe(5 * cost.floatMacs);
    expect(fivePasses.ternaryAddSubs).toBe(5 * cost.ternaryAddSubs);
    expect(cost.otherParameters).toBe(2 * (128 + 10));
  });

  it('rows are padded to whole words (17 inputs need 2 words per unit)', () => {
    expect(modelCost([{ inputSize: 17, outputSize: 3, zeros: 0 }]).bytesPacked2Bit).toBe(3 * 2 * 4);
  });
});
