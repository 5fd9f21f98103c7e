import { describe, expect, it } from 'vitest';
import { createRng } from '../data/rng';
import { meanAbs, ternarizeLayer } from './ternary';
import { dequantizeLayer, INTEGER_FORMATS, maxWeightCode, packWeightStream, quantizeLayer, unpackWeightStream, weightStreamBytes } from './weightFormats';

function randomWeights(count: number, seed: number, spread = 0.1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => (2 * rng.next() - 1) * spread);
}

describe('quantizeLayer: codes and scales per weight format', () => {
  const K = 40;
  const N = 6;
  const weights = randomWeights(K * N, 7);

  it('ternary is exactly the ternary quantizer (trits, per-unit scales)', () => {
    const layer = quantizeLayer(weights, K, N, 'ternary', 'twn', 0.7, 'channel');
    const ternary = ternarizeLayer(weights, K, N, 'twn', 0.7, 'channel');
    expect(layer.codes).toEqual(ternary.trits);
    expect(layer.scales).toEqual(ternary.scales);
  });

  it.each(['int4', 'int8'] as const)('%s: codes in range, W ≈ s·c within half a level inside the range, one Δ per layer', (format) => {
    const { codes, scales } = quantizeLayer(weights, K, N, format, 'twn', 0.7, 'layer');
    const step = meanAbs(weights) / INTEGER_FORMATS[format].stepDivisor;
    expect(scales.every((s) => s === scales[0])).toBe(true);
    expect(Math.abs(codes.reduce((m, c) => Math.max(m, Math.abs(c)), 0))).toBeLessThanOrEqual(maxWeightCode(format));
    const restored = dequantizeLayer({ codes, scales }, N);
    const reach = format === 'int4' ? 8 * step : 127 * step;
    let inside = 0;
    weights.forEach((w, i) => {
      if (Math.abs(w) <= reach - step) {
        inside++;
        expect(Math.abs(restored[i]! - w)).toBeLessThanOrEqual(step / 2 + 1e-7);
      } else {
        // Clamped to the outermost level, on the weight's side.
        expect(Math.sign(restored[i]!)).toBe(Math.sign(w));
        expect(Math.abs(codes[i]!)).toBe(maxWeightCode(format));
      }
    });
    expect(inside).toBeGreaterThan(K * N * 0.5);
  });

  it('int4 uses the 16 odd codes -15 … 15 (no zero level) and is symmetric in the sign of W', () => {
    const { codes, scales } = quantizeLayer(weights, K, N, 'int4', 'twn', 0.7, 'layer');
    expect(codes.every((c) => Math.abs(c) % 2 === 1 && Math.abs(c) <= 15)).toBe(true);
    expect(scales[0]).toBeCloseTo(meanAbs(weights) / 4, 7);
    const negated = quantizeLayer(weights.map((w) => -w), K, N, 'int4', 'twn', 0.7, 'layer');
    // Away from rounding ties, −W gives −c.
    codes.forEach((c, i) => expect(negated.codes[i]).toBe(-c));
  });

  it('int8 codes of a tiny example, by hand: Δ = mean|W|/32', () => {
    const w = [0.1, -0.3, 0.02, 5];
    const step = (0.1 + 0.3 + 0.02 + 5) / 4 / 32;
    const { codes, scales } = quantizeLayer(w, 4, 1, 'int8', 'twn', 0.7, 'layer');
    expect(scales[0]).toBeCloseTo(step, 7);
    expect(Array.from(codes)).toEqual([2, -7, 0, 118]);
    expect(Array.from(codes)).toEqual(w.map((x) => Math.round(x / step)));
    // One weight alone: |w|/Δ = 4·32 = 128, clamped to 127 (−128 is never used).
    expect(Array.from(quantizeLayer([0, 0, 0, -1], 4, 1, 'int8', 'twn', 0.7, 'layer').codes)).toEqual([0, 0, 0, -127]);
  });

  it("'channel' gives each output column its own scale: a column ×10 keeps its codes and scales ×10", () => {
    const scaled = weights.map((w, i) => (i % N === 2 ? w * 10 : w));
    for (const format of ['int4', 'int8'] as const) {
      const base = quantizeLayer(weights, K, N, format, 'twn', 0.7, 'channel');
      const other = quantizeLayer(scaled, K, N, format, 'twn', 0.7, 'channel');
      expect(other.codes).toEqual(base.codes);
      expect(other.scales[2]).toBeCloseTo(base.scales[2]! * 10, 6);
      expect(other.scales[0]).toBe(base.scales[0]);
    }
  });

  it('all-zero weights give a zero scale (the layer outputs its bias only)', () => {
    for (const format of ['int4', 'int8'] as const) {
      const layer = quantizeLayer(new Float32Array(12), 4, 3, format, 'twn', 0.7, 'channel');
      expect(Array.from(layer.scales)).toEqual([0, 0, 0]);
      expect(dequantizeLayer(layer, 3).every((v) => v === 0)).toBe(true);
    }
  });
});

describe('weight streams for the C export', () => {
  const rng = createRng(7);
  it.each(['int4', 'int8', 'ternary'] as const)('%s: every code survives packing, odd lengths included, at the format\'s size', (format) => {
    for (const count of [1, 2, 7, 33]) {
      const weights = Float32Array.from({ length: count * 3 }, () => rng.normal());
      const { codes } = quantizeLayer(weights, count, 3, format, 'twn', 0.7, 'layer');
      for (const packing of ['base3', 'base4'] as const) {
        const bytes = packWeightStream(codes, format, packing);
        expect(bytes.length).toBe(weightStreamBytes(codes.length, format, packing));
        expect(Array.from(unpackWeightStream(bytes, codes.length, format, packing))).toEqual(Array.from(codes));
      }
    }
    expect(weightStreamBytes(101, 'int4', 'base3')).toBe(51);
    expect(weightStreamBytes(101, 'int8', 'base3')).toBe(101);
  });

  it('int4 nibbles hold n = (c − 1) / 2 in two\'s complement, the first code in the low nibble', () => {
    expect(Array.from(packWeightStream([-15, 15, 1, -1], 'int4', 'base3'))).toEqual([0x78, 0xf0]);
    expect(Array.from(packWeightStream([-127, 127, -1], 'int8', 'base4'))).toEqual([0x81, 0x7f, 0xff]);
  });

  it('refuses codes a format cannot hold', () => {
    expect(() => packWeightStream([2], 'int4', 'base3')).toThrow(/not an int4 code/);
    expect(() => packWeightStream([17], 'int4', 'base3')).toThrow(/not an int4 code/);
    expect(() => packWeightStream([-128], 'int8', 'base3')).toThrow(/not an int8 code/);
  });
});
