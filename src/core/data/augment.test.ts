import { describe, expect, it } from 'vitest';
import { applyAffine, augmentImages, drawAffine, NO_AUGMENTATION } from './augment';
import { createRng } from './rng';

/** A 28×28 image with a 4×6 bar of ink at rows 10–15, columns 12–15. */
function bar(): Uint8Array {
  const image = new Uint8Array(784);
  for (let y = 10; y < 16; y++) for (let x = 12; x < 16; x++) image[y * 28 + x] = 200;
  return image;
}

describe('augmentation', () => {
  it('the identity transform copies the image exactly', () => {
    const out = new Uint8Array(784);
    applyAffine(bar(), 0, out, 0, 28, 28, { dx: 0, dy: 0, angle: 0, scale: 1 });
    expect(Array.from(out)).toEqual(Array.from(bar()));
  });

  it('a whole-pixel shift moves the ink by that many pixels', () => {
    const out = new Uint8Array(784);
    applyAffine(bar(), 0, out, 0, 28, 28, { dx: 2, dy: -3, angle: 0, scale: 1 });
    const expected = new Uint8Array(784);
    for (let y = 7; y < 13; y++) for (let x = 14; x < 18; x++) expected[y * 28 + x] = 200;
    expect(Array.from(out)).toEqual(Array.from(expected));
  });

  it('a quarter turn about the centre turns the bar on its side, keeping its ink', () => {
    const out = new Uint8Array(784);
    applyAffine(bar(), 0, out, 0, 28, 28, { dx: 0, dy: 0, angle: Math.PI / 2, scale: 1 });
    const rowsWithInk = new Set<number>();
    const colsWithInk = new Set<number>();
    out.forEach((v, i) => {
      if (v > 0) {
        rowsWithInk.add(Math.floor(i / 28));
        colsWithInk.add(i % 28);
      }
    });
    expect(rowsWithInk.size).toBe(4);
    expect(colsWithInk.size).toBe(6);
    expect(out.reduce((a, b) => a + b, 0)).toBe(bar().reduce((a, b) => a + b, 0));
  });

  it('draws within the configured ranges, reproducibly from the seed, and nothing when off', () => {
    const config = { augmentShift: 2, augmentRotation: 10, augmentScale: 0.1 };
    const a = createRng(5);
    const draws = Array.from({ length: 200 }, () => drawAffine(config, a));
    for (const d of draws) {
      expect(Math.abs(d.dx)).toBeLessThanOrEqual(2);
      expect(Math.abs(d.angle)).toBeLessThanOrEqual((10 * Math.PI) / 180);
      expect(Math.abs(d.scale - 1)).toBeLessThanOrEqual(0.1);
    }
    const b = createRng(5);
    expect(Array.from({ length: 200 }, () => drawAffine(config, b))).toEqual(draws);
    const untouched = createRng(9);
    const before = untouched.getState();
    expect(drawAffine(NO_AUGMENTATION, untouched)).toEqual({ dx: 0, dy: 0, angle: 0, scale: 1 });
    expect(untouched.getState()).toEqual(before);
  });

  it('augments each listed image with its own transform', () => {
    const pixels = new Uint8Array(784 * 3);
    pixels.set(bar(), 784 * 2);
    const out = augmentImages(pixels, [2, 2], 28, 28, { augmentShift: 2, augmentRotation: 0, augmentScale: 0 }, createRng(1));
    expect(out.length).toBe(784 * 2);
    expect(Array.from(out.subarray(0, 784))).not.toEqual(Array.from(out.subarray(784)));
  });

  it('moves every channel of an RGB image as the same transform moves each channel alone', () => {
    const grey = [bar(), bar().map((v, i) => (v ? 90 : i % 7)), bar().map((v) => 255 - v)];
    const rgb = new Uint8Array(784 * 3);
    for (let p = 0; p < 784; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = grey[c]![p]!;
    const config = { augmentShift: 2, augmentRotation: 15, augmentScale: 0.1 };
    const moved = augmentImages(rgb, [0], 28, 28, config, createRng(4), 3);
    grey.forEach((channel, c) => {
      const alone = augmentImages(channel, [0], 28, 28, config, createRng(4));
      expect(Array.from({ length: 784 }, (_, p) => moved[p * 3 + c])).toEqual(Array.from(alone));
    });
  });
});
