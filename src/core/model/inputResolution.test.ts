import { describe, expect, it } from 'vitest';
import {
  AREA_TAPS,
  AREA_WEIGHT_SUM,
  areaAverage16,
  areaSumMatrix,
  areaWeight,
  divideByAreaWeightSum,
  IMAGE_PIXELS,
  modelInputPixels,
  REDUCED_PIXELS,
  unitIntervalPixels,
} from './inputResolution';
import { createRng } from '../data/rng';

/** The definition read literally: overlaps of quarter-pixel intervals, a float sum, rounded to nearest. */
function naiveAverage(image: Uint8Array): Uint8Array {
  const out = new Uint8Array(REDUCED_PIXELS);
  for (let oy = 0; oy < 16; oy++) {
    for (let ox = 0; ox < 16; ox++) {
      let sum = 0;
      for (let iy = 0; iy < 28; iy++) {
        for (let ix = 0; ix < 28; ix++) sum += areaWeight(oy, iy) * areaWeight(ox, ix) * image[iy * 28 + ix]!;
      }
      out[oy * 16 + ox] = Math.round(sum / AREA_WEIGHT_SUM);
    }
  }
  return out;
}

describe('16×16 input by area average', () => {
  it('gives every reduced pixel 7 quarter pixels per axis, from two or three image pixels', () => {
    for (let o = 0; o < 16; o++) {
      let total = 0;
      for (let i = 0; i < 28; i++) total += areaWeight(o, i);
      expect(total).toBe(7);
      const taps = AREA_TAPS[o]!;
      expect(taps.weights.reduce((a, b) => a + b, 0)).toBe(7);
      expect(taps.weights.every((w) => w > 0)).toBe(true);
      expect(areaWeight(o, taps.first - 1)).toBe(0);
      expect(areaWeight(o, taps.first + taps.weights.length)).toBe(0);
    }
    expect(AREA_TAPS[15]!.first + AREA_TAPS[15]!.weights.length).toBe(28);
  });

  it('divides by 49 with a multiply and a shift for every sum an image can give', () => {
    for (let x = 0; x <= 255 * 49 + 24; x++) expect(divideByAreaWeightSum(x)).toBe(Math.floor(x / 49));
  });

  it('matches the definition on random and real-looking images, and keeps flat images flat', () => {
    const rng = createRng(3);
    const images = new Uint8Array(20 * IMAGE_PIXELS);
    for (let k = 0; k < images.length; k++) images[k] = rng.int(4) === 0 ? rng.int(256) : 0;
    images.fill(255, 0, IMAGE_PIXELS);
    images.fill(17, IMAGE_PIXELS, 2 * IMAGE_PIXELS);
    const reduced = areaAverage16(images, 20);
    expect(reduced.length).toBe(20 * 256);
    expect(Array.from(new Set(reduced.subarray(0, 256)))).toEqual([255]);
    expect(Array.from(new Set(reduced.subarray(256, 512)))).toEqual([17]);
    for (let n = 0; n < 20; n++) {
      expect(reduced.subarray(n * 256, (n + 1) * 256)).toEqual(naiveAverage(images.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS)));
    }
  });

  it('gives the integer sums through the ONNX matrix, exactly in float32', () => {
    const rng = createRng(5);
    const image = Uint8Array.from({ length: IMAGE_PIXELS }, () => rng.int(256));
    const matrix = areaSumMatrix();
    const expected = areaAverage16(image, 1);
    for (let j = 0; j < REDUCED_PIXELS; j++) {
      let sum = 0;
      for (let k = 0; k < IMAGE_PIXELS; k++) sum = Math.fround(sum + Math.fround(image[k]! * matrix[k * REDUCED_PIXELS + j]!));
      expect(Math.floor((sum + 24.5) / 49)).toBe(expected[j]);
    }
  });

  it('passes 28×28 images through unchanged at resolution 28', () => {
    const image = Uint8Array.from({ length: IMAGE_PIXELS }, (_, k) => k % 256);
    expect(modelInputPixels(28, image, 1)).toBe(image);
    expect(modelInputPixels(16, image, 1).length).toBe(256);
  });
});

describe('unitIntervalPixels', () => {
  it('maps every uint8 value p to p / 255 in float32, in order', () => {
    const pixels = Uint8Array.from({ length: 512 }, (_, i) => (i * 37) % 256);
    const values = unitIntervalPixels(pixels);
    expect(values).toBeInstanceOf(Float32Array);
    expect(values).toHaveLength(512);
    pixels.forEach((p, i) => expect(values[i]).toBe(Math.fround(p / 255)));
    expect(unitIntervalPixels(new Uint8Array(0))).toHaveLength(0);
  });
});
