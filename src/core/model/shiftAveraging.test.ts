import { describe, expect, it } from 'vitest';
import { PRESETS, validateConfig } from './config';
import { argmaxRows, foldModel, referenceForward, type LayerSnapshot } from './referenceModel';
import { argmaxInt, integerForward, toIntegerModel } from './integerModel';
import { createRng } from '../data/rng';
import { SHIFT_OFFSETS, SHIFT_PASSES, shiftedCopies, sumShiftPasses } from './shiftAveraging';

/** A random MLP snapshot on `inputSize` inputs with batch norm: enough for the forward passes to disagree by image. */
function randomSnapshot(inputSize: number, hidden: number[], seed: number): LayerSnapshot[] {
  const rng = createRng(seed);
  const sizes = [inputSize, ...hidden, 10];
  return sizes.slice(1).map((outputSize, i) => {
    const size = sizes[i]!;
    return {
      inputSize: size,
      outputSize,
      weight: Float32Array.from({ length: size * outputSize }, () => rng.next() * 2 - 1),
      bias: Float32Array.from({ length: outputSize }, () => rng.next() * 0.2 - 0.1),
      batchNorm: {
        gamma: Float32Array.from({ length: outputSize }, () => 0.5 + rng.next()),
        beta: Float32Array.from({ length: outputSize }, () => rng.next() * 0.2 - 0.1),
        mean: new Float32Array(outputSize),
        variance: Float32Array.from({ length: outputSize }, () => 10 + 50 * rng.next()),
      },
    };
  });
}

/** Images with a few bright strokes anywhere, edges included, so that moved copies lose and gain ink. */
function strokeImages(count: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 784);
  for (let n = 0; n < count; n++) for (let k = 0; k < 120; k++) images[n * 784 + Math.floor(rng.next() * 784)] = 1 + Math.floor(rng.next() * 255);
  return images;
}

describe('shift averaging: the definition', () => {
  it('moves the image by (dx, dy) with zeros coming in, in the order of SHIFT_OFFSETS', () => {
    const image = new Uint8Array(784);
    image[0] = 9; // top-left corner
    image[5 * 28 + 7] = 200; // (y 5, x 7)
    image[27 * 28 + 27] = 4; // bottom-right corner
    const copies = shiftedCopies(image, 1);
    expect(copies.length).toBe(SHIFT_PASSES * 784);
    SHIFT_OFFSETS.forEach(([dx, dy], s) => {
      const copy = copies.subarray(s * 784, (s + 1) * 784);
      expect(copy[(5 + dy) * 28 + 7 + dx]).toBe(200);
      const inside = (y: number, x: number) => y >= 0 && y < 28 && x >= 0 && x < 28;
      if (inside(dy, dx)) expect(copy[dy * 28 + dx]).toBe(9);
      if (inside(27 + dy, 27 + dx)) expect(copy[(27 + dy) * 28 + 27 + dx]).toBe(4);
      // Nothing else: what leaves the image is gone, what enters is 0.
      const ink = [0, 5 * 28 + 7, 27 * 28 + 27].filter((k) => inside(Math.floor(k / 28) + dy, (k % 28) + dx)).length;
      expect(copy.filter((v) => v !== 0).length).toBe(ink);
    });
    expect(Array.from(copies.subarray(0, 784))).toEqual(Array.from(image));
  });

  it('moves a pixel with all its channels in an RGB image, as it moves each channel alone', () => {
    const side = 9;
    const rgb = Uint8Array.from({ length: 2 * side * side * 3 }, (_, i) => (i * 37) % 251);
    const copies = shiftedCopies(rgb, 2, { height: side, width: side, channels: 3 });
    expect(copies.length).toBe(2 * SHIFT_PASSES * side * side * 3);
    for (let c = 0; c < 3; c++) {
      const channel = Uint8Array.from({ length: 2 * side * side }, (_, p) => rgb[p * 3 + c]!);
      const alone = shiftedCopies(channel, 2, { height: side, width: side, channels: 1 });
      expect(Array.from({ length: alone.length }, (_, p) => copies[p * 3 + c])).toEqual(Array.from(alone));
    }
  });

  it('sums each image’s five rows, for float logits and integer scores', () => {
    const values = Float32Array.from({ length: 2 * SHIFT_PASSES * 3 }, (_, i) => i);
    expect(Array.from(sumShiftPasses(values, 2, 3))).toEqual([30, 35, 40, 105, 110, 115]);
    const scores = Int32Array.from({ length: SHIFT_PASSES * 2 }, (_, i) => (i % 2 === 0 ? 2 ** 26 - 1 : -(2 ** 26)));
    const summed = sumShiftPasses(scores, 1, 2);
    expect(summed).toBeInstanceOf(Int32Array);
    expect(Array.from(summed)).toEqual([5 * (2 ** 26 - 1), -5 * 2 ** 26]);
  });

  it('is off for configs from before it, and only true or false passes validation', () => {
    const legacy: Record<string, unknown> = { ...PRESETS.seed };
    delete legacy.shiftAveraging;
    expect(validateConfig(legacy).shiftAveraging).toBe(false);
    expect(validateConfig({ ...PRESETS.seed, shiftAveraging: true }).shiftAveraging).toBe(true);
    expect(() => validateConfig({ ...PRESETS.seed, shiftAveraging: 'yes' })).toThrow(/shift averaging/);
  });
});

describe.each([
  ['16×16 input (the area average of each moved image)', 16 as const, 256, 1],
  ['28×28 input', 28 as const, 784, 1],
  ['16×16×3 RGB input', 28 as const, 768, 3],
])('shift averaging in the reference and the integer model, %s', (_, inputResolution, inputSize, channels) => {
  const config = { ...PRESETS['mcu-16k'], inputResolution, shiftAveraging: true };
  const snapshot = randomSnapshot(inputSize, [48, 24], 7);
  const images = strokeImages(40, 3).subarray(0, 40 * (inputResolution === 16 ? 784 : inputSize));
  const image = inputResolution === 16 ? undefined : { height: Math.sqrt(inputSize / channels), width: Math.sqrt(inputSize / channels), channels };

  it('the reference sums the logits of the five moved copies, pass by pass, and changes some answers', () => {
    const averaged = foldModel(snapshot, config, 'absmean', config.threshold, channels);
    const single = foldModel(snapshot, { ...config, shiftAveraging: false }, 'absmean', config.threshold, channels);
    expect(averaged.shiftAveraging).toBe(true);
    const perPass = referenceForward(single, shiftedCopies(images, 40, image), 40 * SHIFT_PASSES);
    expect(Array.from(referenceForward(averaged, images, 40))).toEqual(Array.from(sumShiftPasses(perPass, 40, 10)));
    const plain = argmaxRows(referenceForward(single, images, 40), 40, 10);
    const summed = argmaxRows(referenceForward(averaged, images, 40), 40, 10);
    expect(plain.some((p, i) => p !== summed[i])).toBe(true);
  });

  it('the integer model sums its int32 scores the same way and agrees with the reference', () => {
    const averaged = foldModel(snapshot, config, 'absmean', config.threshold, channels);
    const integer = toIntegerModel(averaged);
    expect(integer.shiftAveraging).toBe(true);
    const single = toIntegerModel({ ...averaged, shiftAveraging: false });
    // The same fixed point for both (only the output layer's headroom depends on shift averaging).
    const perPass = integerForward({ ...integer, shiftAveraging: false }, shiftedCopies(images, 40, image), 40 * SHIFT_PASSES);
    expect(Array.from(integerForward(integer, images, 40))).toEqual(Array.from(sumShiftPasses(perPass, 40, 10)));
    // Each pass's scores stay below 2^26 (the sum of five fits an int32); the single-pass model has more headroom.
    expect(perPass.every((s) => Math.abs(s) < 2 ** 27)).toBe(true);
    expect(single.layers.at(-1)!.epilogue).not.toEqual(integer.layers.at(-1)!.epilogue);
    const scores = integerForward(integer, images, 40);
    const fromIntegers = Array.from({ length: 40 }, (_, n) => argmaxInt(scores, n * 10, 10));
    const fromReference = argmaxRows(referenceForward(averaged, images, 40), 40, 10);
    let agree = 0;
    for (let n = 0; n < 40; n++) if (fromIntegers[n] === fromReference[n]) agree++;
    expect(agree).toBeGreaterThanOrEqual(38);
  });
});
