import { describe, expect, it } from 'vitest';
import { argmaxRows, epilogue, foldModel, quantizeInput, referenceForward, softmax, ternaryAccumulate, type LayerSnapshot } from '../model/referenceModel';
import { packSignBits, packTernary, packedTrit, toBitPlanes, unpackTernary, wordsPerRow } from './packing';
import { createRng, type Rng } from '../data/rng';
import { ternarize } from './ternary';

function randomTrits(rng: Rng, count: number): Int8Array {
  return Int8Array.from({ length: count }, () => rng.int(3) - 1);
}

describe('packed2 format', () => {
  it.each([
    [1, 1],
    [16, 3],
    [17, 5],
    [31, 2],
    [784, 128],
    [100, 10],
    [5, 33],
  ])('round-trips a %i×%i layer exactly', (inputs, units) => {
    const trits = randomTrits(createRng(inputs * 1000 + units), inputs * units);
    const packed = packTernary(trits, inputs, units);
    expect(packed.wordsPerRow).toBe(Math.ceil(inputs / 16));
    expect(packed.words.length).toBe(units * wordsPerRow(inputs));
    expect(Array.from(unpackTernary(packed))).toEqual(Array.from(trits));
  });

  it('uses the documented layout and codes: 00 zero, 01 plus, 10 minus, trit k at bits 2k', () => {
    // (K=3, N=1): trits +1, -1, 0 -> 0b00_10_01
    const packed = packTernary([1, -1, 0], 3, 1);
    expect(packed.words[0]).toBe(0b001001);
    // (K=2, N=2), (in, out) row-major: input 0 -> units [1, 0]; input 1 -> units [0, -1]
    const two = packTernary([1, 0, 0, -1], 2, 2);
    expect(Array.from(two.words)).toEqual([0b01, 0b1000]);
    expect(packedTrit(two, 1, 1)).toBe(-1);
  });

  it('rejects values that are not trits and reports the invalid code 11', () => {
    expect(() => packTernary([2], 1, 1)).toThrow(/not a trit/);
    expect(() => unpackTernary({ inputSize: 1, outputSize: 1, wordsPerRow: 1, words: Uint32Array.of(0b11) })).toThrow(/invalid/);
  });

  it('bit planes hold the same trits, padding bits clear', () => {
    const rng = createRng(5);
    const trits = randomTrits(rng, 45 * 7);
    const planes = toBitPlanes(packTernary(trits, 45, 7));
    expect(planes.wordsPerRow).toBe(2);
    for (let k = 0; k < 45; k++) {
      for (let j = 0; j < 7; j++) {
        const word = j * 2 + Math.floor(k / 32);
        const bit = 1 << k % 32;
        const plus = (planes.plus[word]! & bit) !== 0;
        const minus = (planes.minus[word]! & bit) !== 0;
        expect(plus ? 1 : minus ? -1 : 0).toBe(trits[k * 7 + j]);
      }
    }
    for (let j = 0; j < 7; j++) expect(planes.plus[j * 2 + 1]! >>> 13).toBe(0);
  });

  it('sign bits: set for x ≥ 0', () => {
    expect(Array.from(packSignBits([1, -1, 0, -0.5], 1, 4))).toEqual([0b0101]);
    expect(packSignBits(new Array(33).fill(1), 1, 33)[1]).toBe(1);
  });
});

function randomSnapshot(rng: Rng, sizes: number[], withBatchNorm: boolean): LayerSnapshot[] {
  return sizes.slice(0, -1).map((inputs, i) => {
    const units = sizes[i + 1]!;
    const hidden = i < sizes.length - 2;
    const vector = (scale: number, offset = 0) => Float32Array.from({ length: units }, () => offset + rng.normal() * scale);
    return {
      inputSize: inputs,
      outputSize: units,
      weight: Float32Array.from({ length: inputs * units }, () => rng.normal() * 0.1),
      bias: vector(0.1),
      batchNorm:
        hidden && withBatchNorm
          ? { gamma: vector(0.1, 1), beta: vector(0.1), mean: vector(0.5), variance: Float32Array.from({ length: units }, () => 0.5 + rng.next()) }
          : null,
    };
  });
}

describe('reference forward pass', () => {
  it('folds ternary scale and batch norm into one per-unit affine map', () => {
    const rng = createRng(8);
    const [layer] = randomSnapshot(rng, [6, 4, 3], true);
    const model = foldModel([layer!], { activationQuantizer: 'none', hiddenActivation: 'identity' }, 'twn', 0.7);
    const { trits, scale } = ternarize(layer!.weight, 'twn', 0.7);
    const x = Float32Array.from([0.1, -0.4, 0.9, 0.3, -0.2, 0.5]);
    // Unfolded: z = s·(x·T) + b, then batch norm.
    const bn = layer!.batchNorm!;
    const y = ternaryAccumulate(model.layers[0]!, x);
    for (let j = 0; j < 4; j++) {
      let dot = 0;
      for (let k = 0; k < 6; k++) dot += x[k]! * trits[k * 4 + j]!;
      const z = scale * dot + layer!.bias[j]!;
      const expected = (bn.gamma[j]! * (z - bn.mean[j]!)) / Math.sqrt(bn.variance[j]! + 1e-5) + bn.beta[j]!;
      expect(epilogue(model.layers[0]!, y, 1)[j]).toBeCloseTo(expected, 5);
    }
  });

  it('integer paths accumulate exact integers', () => {
    const rng = createRng(12);
    const model = foldModel(randomSnapshot(rng, [50, 20, 10], true), { activationQuantizer: 'sign', hiddenActivation: 'identity' }, 'twn', 0.7);
    const x = Float32Array.from({ length: 50 }, () => rng.next());
    const q = quantizeInput(x, 'absmax8');
    expect(q.values.every((v) => Number.isInteger(v) && Math.abs(v) <= 127)).toBe(true);
    expect(Math.max(...q.values)).toBe(127);
    const acc = ternaryAccumulate(model.layers[0]!, q.values);
    expect(acc.every(Number.isInteger)).toBe(true);
    const signs = quantizeInput(Float32Array.from([-0.2, 0, 3]), 'sign');
    expect(Array.from(signs.values)).toEqual([-1, 1, 1]);
  });

  it('produces (B, classes) logits; argmax and softmax behave', () => {
    const rng = createRng(2);
    const model = foldModel(randomSnapshot(rng, [16, 8, 10], false), { activationQuantizer: 'absmax8', hiddenActivation: 'relu' }, 'absmean', 0.5);
    const pixels = Uint8Array.from({ length: 3 * 16 }, () => rng.int(256));
    const logits = referenceForward(model, pixels, 3);
    expect(logits.length).toBe(30);
    expect(argmaxRows(Float32Array.from([0, 2, 1, 5, 4, 3]), 2, 3)).toEqual(Uint8Array.from([1, 0]));
    const p = softmax([1, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[2]).toBeGreaterThan(p[1]!);
  });
});
