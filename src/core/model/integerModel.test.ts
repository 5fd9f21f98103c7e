/**
 * The integer model's arithmetic and derivation on small hand-made models. Trained models, the emitted C and the
 * hostile cases (zero variance, negative γ, all-zero layers, t = 0 and 2) are checked in src/train/export.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { PRESETS } from './config';
import { argmaxRows, foldModel, referenceForward, type LayerSnapshot } from './referenceModel';
import {
  multiplierBitsFor,
  divRoundHalfEven,
  integerForward,
  normalizeScale,
  quantizeMultiplier,
  roundShift,
  toIntegerModel,
  argmaxInt,
  IntegerExportError,
} from './integerModel';
import { integerOnlyConfigProblem } from './integerModel';
import { configFootprint, mcuFootprint, AREA_AVERAGE_SHIFT_CODE_BYTES, SHIFT_AVERAGING_CODE_BYTES, SHIFT_IMAGE_CODE_BYTES } from '../export/mcuFootprint';
import { createRng } from '../data/rng';
import { roundHalfEven } from '../quant/ternary';

describe('integer helpers (the C engine does the same steps)', () => {
  it('divides rounding half to even', () => {
    expect([divRoundHalfEven(5, 2), divRoundHalfEven(7, 2), divRoundHalfEven(-5, 2), divRoundHalfEven(-7, 2)]).toEqual([2, 4, -2, -4]);
    expect(divRoundHalfEven(127 * 254, 254)).toBe(127);
    expect(divRoundHalfEven(127, 254)).toBe(0); // 0.5 -> 0 (even)
    // Against the float definition (a tie n + 0.5 is exact in a double): every pixel code for a few image maxima.
    for (const max of [1, 2, 7, 254, 255]) for (let p = 0; p <= max; p++) expect(divRoundHalfEven(127 * p, max)).toBe(roundHalfEven((127 * p) / max));
  });

  it('shifts rounding half away from zero, left for negative shifts, and to 0 past 62 bits', () => {
    expect([roundShift(5, 1), roundShift(-5, 1), roundShift(4, 1), roundShift(-6, 2)]).toEqual([3, -3, 2, -2]);
    expect(roundShift(3, 0)).toBe(3);
    expect(roundShift(-3, -2)).toBe(-12);
    expect(roundShift(2 ** 52, 63)).toBe(0);
  });

  it('quantizes multipliers to 20 bits with a relative error below 2^-19', () => {
    const rng = createRng(7);
    for (let i = 0; i < 2000; i++) {
      const r = (rng.next() - 0.5) * 10 ** (rng.next() * 20 - 10);
      const { multiplier, shift } = quantizeMultiplier(r);
      expect(Math.abs(multiplier)).toBeGreaterThanOrEqual(2 ** 19);
      expect(Math.abs(multiplier)).toBeLessThan(2 ** 20);
      expect(Math.abs(multiplier * 2 ** -shift - r) / Math.abs(r)).toBeLessThan(2 ** -19);
    }
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(1e-40)).toEqual({ multiplier: 0, shift: 0 });
  });

  it('normalises per-sample scales below 2^14', () => {
    expect(normalizeScale(100)).toEqual({ mantissa: 100, exponent: 0 });
    const big = normalizeScale(2 ** 23 + 12345);
    expect(big.mantissa).toBeLessThanOrEqual(2 ** 14);
    expect(Math.abs(big.mantissa * 2 ** big.exponent - (2 ** 23 + 12345)) / 2 ** 23).toBeLessThan(2 ** -13);
  });
});

/** A small random network 784-h-10 with batch norm whose statistics make every unit active on some images. */
function handModel(hidden: number[], rng: ReturnType<typeof createRng>, edit?: (layers: LayerSnapshot[]) => void): LayerSnapshot[] {
  const sizes = [784, ...hidden, 10];
  const layers = sizes.slice(1).map((outputSize, i): LayerSnapshot => {
    const inputSize = sizes[i]!;
    const weight = Float32Array.from({ length: inputSize * outputSize }, () => rng.normal() * Math.sqrt(2 / inputSize));
    return {
      inputSize,
      outputSize,
      weight,
      bias: Float32Array.from({ length: outputSize }, () => rng.normal() * 0.01),
      batchNorm: {
        gamma: Float32Array.from({ length: outputSize }, () => 0.5 + rng.next()),
        beta: Float32Array.from({ length: outputSize }, () => rng.normal() * 0.1),
        mean: Float32Array.from({ length: outputSize }, () => rng.normal() * 0.05),
        variance: Float32Array.from({ length: outputSize }, () => 0.01 + rng.next() * 0.05),
      },
    };
  });
  edit?.(layers);
  return layers;
}

/** Sparse random "digits": most pixels 0, some ink up to 255. */
function randomImages(count: number, rng: ReturnType<typeof createRng>): Uint8Array {
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < pixels.length; i++) if (rng.next() < 0.2) pixels[i] = Math.min(255, Math.floor(rng.next() * 300));
  return pixels;
}

function agreement(snapshot: LayerSnapshot[], config: Parameters<typeof foldModel>[1], threshold: number, pixels: Uint8Array, count: number): number {
  const model = foldModel(snapshot, config, 'twn', threshold);
  const reference = argmaxRows(referenceForward(model, pixels, count), count, 10);
  const scores = integerForward(toIntegerModel(model), pixels, count);
  let same = 0;
  for (let i = 0; i < count; i++) if (argmaxInt(scores, i * 10, 10) === reference[i]) same++;
  return same / count;
}

describe('integer model = float reference on hand-made models', () => {
  const rng = createRng(3);
  const count = 300;
  const pixels = randomImages(count, rng);
  const sign = { activationQuantizer: 'sign', hiddenActivation: 'identity' } as const;
  const absmax = { activationQuantizer: 'absmax8', hiddenActivation: 'relu' } as const;

  it.each([
    ['sign activations', [32], sign],
    ['two sign layers', [24, 16], sign],
    ['8-bit activations with ReLU', [32, 16], absmax],
    ['8-bit activations without ReLU', [20], { activationQuantizer: 'absmax8', hiddenActivation: 'identity' } as const],
    ['no hidden layer', [], sign],
  ] as const)('%s', (_, hidden, config) => {
    expect(agreement(handModel([...hidden], createRng(hidden.length + 11)), config, 0.7, pixels, count)).toBeGreaterThanOrEqual(0.99);
  });

  it('negative γ flips a threshold, zero variance and an all-zero row still agree', () => {
    const snapshot = handModel([32], createRng(5), (layers) => {
      const bn = layers[0]!.batchNorm!;
      for (let j = 0; j < 8; j++) bn.gamma[j] = -bn.gamma[j]!;
      bn.variance[9] = 0;
      for (let k = 0; k < 784; k++) layers[0]!.weight[k * 32 + 10] = 0;
    });
    const integer = toIntegerModel(foldModel(snapshot, sign, 'twn', 0.7));
    const epilogue = integer.layers[0]!.epilogue;
    expect(epilogue.kind).toBe('sign');
    if (epilogue.kind === 'sign') expect(Array.from(epilogue.direction.subarray(0, 8)).every((d) => d === -1)).toBe(true);
    expect(agreement(snapshot, sign, 0.7, pixels, count)).toBeGreaterThanOrEqual(0.99);
  });

  it('a ReLU before a sign makes every hidden output +1, as in the reference', () => {
    const snapshot = handModel([16], createRng(9));
    expect(agreement(snapshot, { activationQuantizer: 'sign', hiddenActivation: 'relu' }, 0.7, pixels, count)).toBe(1);
  });

  it('a blank image gives the scores of the biases alone, with no division by zero', () => {
    const model = toIntegerModel(foldModel(handModel([16], createRng(1)), absmax, 'twn', 0.7));
    const scores = integerForward(model, new Uint8Array(784), 1);
    expect(Array.from(scores).every(Number.isFinite)).toBe(true);
  });

  it('refuses the float twin and float activations with a clear message', () => {
    const snapshot = handModel([8], createRng(2));
    expect(() => toIntegerModel(foldModel(snapshot, sign, 'none', 0.7))).toThrow(IntegerExportError);
    expect(() => toIntegerModel(foldModel(snapshot, { activationQuantizer: 'none', hiddenActivation: 'relu' }, 'twn', 0.7))).toThrow(/float activations/);
    expect(integerOnlyConfigProblem({ ...PRESETS.seed, weightQuantizer: 'none' })).toMatch(/float weights/);
    expect(integerOnlyConfigProblem(PRESETS.seed)).toBeNull();
  });
});

describe('Cortex-M0+ footprint', () => {
  it('seed at the smallest packing: at most 1.61 bits per weight, 24 KB flash, 2 KB RAM', () => {
    const footprint = configFootprint(PRESETS.seed, 'base3');
    expect(footprint.weightCount).toBe(784 * 128 + 128 * 10);
    expect(footprint.weightBytes).toBe(Math.ceil((784 * 128) / 5) + Math.ceil((128 * 10) / 5));
    expect(footprint.bitsPerWeight).toBeLessThanOrEqual(1.61);
    expect(footprint.flashBytes).toBeLessThanOrEqual(24 * 1024);
    expect(footprint.ramBytes).toBeLessThanOrEqual(2048);
    expect(footprint.largestLayer).toBe(0);
  });

  it('mcu-16k: its 16×16 input costs the area average code and a 256-byte buffer, and the whole fits 16 KB / 2 KB', () => {
    const footprint = configFootprint(PRESETS['mcu-16k'], 'base3');
    expect(footprint.weightCount).toBe(256 * 128 + 128 * 128 + 128 * 64 + 64 * 10);
    const at28 = configFootprint({ ...PRESETS['mcu-16k'], inputResolution: 28 }, 'base3');
    expect(at28.weightCount - footprint.weightCount).toBe((784 - 256) * 128);
    // With shift averaging (the preset's) the 28×28 model keeps a moved copy of the image instead.
    expect(footprint.ramBytes - at28.ramBytes).toBe(256 - 784);
    const single = configFootprint({ ...PRESETS['mcu-16k'], shiftAveraging: false }, 'base3');
    const singleAt28 = configFootprint({ ...PRESETS['mcu-16k'], shiftAveraging: false, inputResolution: 28 }, 'base3');
    expect(single.ramBytes - singleAt28.ramBytes).toBe(256);
    expect(footprint.flashBytes).toBeLessThanOrEqual(16 * 1024);
    expect(footprint.ramBytes + footprint.stackBytes).toBeLessThanOrEqual(2 * 1024);
  });

  it('shift averaging costs code and one pass of scores; the moved 28×28 image only where no area average moves it', () => {
    const reduced = configFootprint({ ...PRESETS['mcu-16k'], shiftAveraging: false }, 'base3');
    const reducedShifts = configFootprint({ ...PRESETS['mcu-16k'], shiftAveraging: true }, 'base3');
    expect(reducedShifts.weightCount).toBe(reduced.weightCount);
    expect(reducedShifts.flashBytes - reduced.flashBytes).toBe(SHIFT_AVERAGING_CODE_BYTES + AREA_AVERAGE_SHIFT_CODE_BYTES);
    expect(reducedShifts.ramBytes - reduced.ramBytes).toBe(40);
    expect(reducedShifts.flashBytes).toBeLessThanOrEqual(16 * 1024);
    expect(reducedShifts.ramBytes + reducedShifts.stackBytes).toBeLessThanOrEqual(2 * 1024);
    const full = configFootprint(PRESETS.seed, 'base3');
    const fullShifts = configFootprint({ ...PRESETS.seed, shiftAveraging: true }, 'base3');
    expect(fullShifts.flashBytes - full.flashBytes).toBe(SHIFT_AVERAGING_CODE_BYTES + SHIFT_IMAGE_CODE_BYTES);
    expect(fullShifts.ramBytes - full.ramBytes).toBe(40 + 784);
    expect(fullShifts.stackBytes).toBeGreaterThan(full.stackBytes);
  });

  it('counts 2 bits per trit at the fastest packing, the widest layer and one code buffer per layer parity for RAM', () => {
    const footprint = mcuFootprint(
      [
        { inputSize: 784, outputSize: 512, epilogue: 'requantize' },
        { inputSize: 512, outputSize: 10, epilogue: 'scores' },
      ],
      'base4',
    );
    expect(footprint.bitsPerWeight).toBe(2);
    // int32 accumulators, the hidden layer's codes in buffer 0, buffer 1 unused (its one word).
    expect(footprint.ramBytes).toBe(4 * 512 + 512 + 4);
  });
});

describe('multiplier widths: |acc·s·m| < 2^52 for every weight format', () => {
  it('keeps 20 bits for ternary layers and narrows them for wide int8 layers', () => {
    // A ternary layer of 256 inputs on 8-bit codes: |acc| ≤ 127·256.
    expect(multiplierBitsFor(127 * 256, 'absmax8')).toBe(20);
    expect(multiplierBitsFor(127 * 784, 'pixels')).toBe(20);
    // An int8 layer of 784 inputs, every code at ±127, on 8-bit codes.
    const int8Bound = 127 * 127 * 784;
    const bits = multiplierBitsFor(int8Bound, 'absmax8');
    expect(bits).toBeLessThan(20);
    expect(int8Bound * 2 ** 14 * 2 ** bits).toBeLessThanOrEqual(2 ** 52);
    expect(int8Bound * 2 ** 14 * 2 ** (bits + 1)).toBeGreaterThan(2 ** 52);
    expect(() => multiplierBitsFor(2 ** 40, 'absmax8')).toThrow(/too large/);
  });

  it('quantizeMultiplier keeps |m| inside its width', () => {
    for (const bits of [12, 16, 20]) {
      for (const r of [1, 0.75, 3.3e-5, 2 ** -7, 1234.5]) {
        const { multiplier, shift } = quantizeMultiplier(r, bits);
        expect(Math.abs(multiplier)).toBeGreaterThanOrEqual(2 ** (bits - 1));
        expect(Math.abs(multiplier)).toBeLessThan(2 ** bits);
        expect(Math.abs(multiplier * 2 ** -shift - r) / r).toBeLessThanOrEqual(2 ** -bits);
      }
    }
  });
});
