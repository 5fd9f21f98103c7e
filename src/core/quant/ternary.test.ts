import { describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import {
  countTrits,
  FIXED_THRESHOLD_UNIT,
  flipRatio,
  meanAbs,
  quantizeAbsmax8,
  roundHalfEven,
  sparsity,
  ternarize,
} from './ternary';

describe('ternarize', () => {
  const weights = Float32Array.from([0.9, -0.05, 0.3, -0.6, 0.01, 0.2]);
  // mean|W| = (0.9+0.05+0.3+0.6+0.01+0.2)/6 = 2.06/6
  const meanAbsW = 2.06 / 6;

  it('TWN: Δ = t·mean|W|, scale = mean of kept |W|', () => {
    const result = ternarize(weights, 'twn', 0.7);
    expect(result.threshold).toBeCloseTo(0.7 * meanAbsW, 6);
    // Δ ≈ 0.2403: kept are 0.9, 0.3, -0.6
    expect(Array.from(result.trits)).toEqual([1, 0, 1, -1, 0, 0]);
    expect(result.scale).toBeCloseTo((0.9 + 0.3 + 0.6) / 3, 6);
  });

  it('absmean with t = 0.5 equals clip(round(W/γ), -1, 1) of BitNet b1.58', () => {
    const rng = createRng(3);
    const w = Float32Array.from({ length: 1000 }, () => rng.normal() * 0.1);
    const gamma = meanAbs(w);
    const result = ternarize(w, 'absmean', 0.5);
    expect(result.scale).toBeCloseTo(gamma, 10);
    for (let i = 0; i < w.length; i++) {
      const paper = Math.max(-1, Math.min(1, Math.round(w[i]! / gamma)));
      expect(result.trits[i]).toBe(paper === 0 ? 0 : paper);
    }
  });

  it('fixed: an absolute threshold that ignores the weight scale', () => {
    const small = ternarize(Float32Array.from([0.06, -0.04, 0.051]), 'fixed', 1);
    expect(small.threshold).toBeCloseTo(FIXED_THRESHOLD_UNIT, 10);
    expect(Array.from(small.trits)).toEqual([1, 0, 1]);
  });

  it('raising t only ever zeroes more weights', () => {
    const rng = createRng(9);
    const w = Float32Array.from({ length: 500 }, () => rng.normal());
    let previousZeros = -1;
    for (let t = 0; t <= 2; t += 0.25) {
      const zeros = countTrits(ternarize(w, 'twn', t).trits).zero;
      expect(zeros).toBeGreaterThanOrEqual(previousZeros);
      previousZeros = zeros;
    }
    expect(countTrits(ternarize(w, 'twn', 0).trits).zero).toBe(0);
  });

  it('all-zero weights give all-zero trits and a zero scale, not NaN', () => {
    const result = ternarize(new Float32Array(4), 'twn', 0.7);
    expect(Array.from(result.trits)).toEqual([0, 0, 0, 0]);
    expect(result.scale).toBe(0);
  });
});

describe('counts, sparsity and flip ratio', () => {
  it('counts each trit value', () => {
    const counts = countTrits(Int8Array.from([1, 0, 0, -1, 1, 0]));
    expect(counts).toEqual({ minus: 1, zero: 3, plus: 2 });
    expect(sparsity(counts)).toBeCloseTo(0.5, 10);
    expect(sparsity({ minus: 0, zero: 0, plus: 0 })).toBe(0);
  });

  it('flip ratio is the share of changed trits', () => {
    expect(flipRatio(Int8Array.from([1, 0, -1, 0]), Int8Array.from([1, 1, 0, 0]))).toBeCloseTo(0.5, 10);
    expect(() => flipRatio(new Int8Array(2), new Int8Array(3))).toThrow();
  });
});

describe('activation quantizers', () => {
  it('absmax8 maps the largest magnitude to ±127 and rounds half to even', () => {
    const codes = new Int32Array(4);
    const step = quantizeAbsmax8([2, -1, 0.5, -2], codes);
    expect(step).toBeCloseTo(2 / 127, 10);
    expect(Array.from(codes)).toEqual([127, -64, 32, -127]); // -63.5 -> -64 (even), 31.75 -> 32
    expect(quantizeAbsmax8([0, 0], new Int32Array(2))).toBe(0);
  });

  it('roundHalfEven', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 1.2, -1.7].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, 1, -2]);
  });
});
