/**
 * The model's input resolution: the 28×28 image as it is, or 16×16 by area-averaging it (as BitNetMCU feeds its
 * smallest models), which shrinks a fully connected first layer from 784 to 256 inputs: the flash a 16 KB chip
 * spends on the first layer goes to wider hidden layers instead.
 *
 * The average is defined here once, in integers, and every path reproduces it bit for bit: training batches
 * (after augmentation, which works on the 28×28 image), the reference, the GPU kernels' input, Draw a digit, the
 * integer model and its C engine (whose API still takes the 28×28 image), and the ONNX graph.
 *
 * Definition, per axis: 28 pixels are 112 quarter pixels; output pixel o covers quarter pixels [7o, 7o + 7) and
 * input pixel i covers [4i, 4i + 4), so their overlap w(o, i) ∈ {0..4} and Σ_i w(o, i) = 7. In two dimensions
 *   out(oy, ox) = round( Σ_{iy, ix} w(oy, iy) · w(ox, ix) · p(iy, ix) / 49 ),  computed as ⌊(Σ + 24) / 49⌋,
 * which is exact rounding (49 is odd, so no sum lies half-way) and stays in 0..255. Σ + 24 ≤ 255·49 + 24 = 12,519,
 * and ⌊x / 49⌋ = (x · 21,400) >> 20 for every x in 0..12,519 (tested exhaustively), which is how the C engine
 * divides on a Cortex-M0+ that has no divide instruction.
 */
import type { MapShape } from './layers';

export type InputResolution = 28 | 16;
export const INPUT_RESOLUTIONS = [28, 16] as const;

/** The images every dataset of the playground holds: 28×28 pixels, one channel. */
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export const REDUCED_SIDE = 16;
export const REDUCED_PIXELS = REDUCED_SIDE * REDUCED_SIDE;
/** Quarter pixels of the 28×28 image per reduced pixel along one axis: 4·28 / 16. */
const QUARTERS_PER_OUTPUT = (4 * IMAGE_SIDE) / REDUCED_SIDE;
/** Σ of the 2-D weights of one reduced pixel: 7². */
export const AREA_WEIGHT_SUM = QUARTERS_PER_OUTPUT * QUARTERS_PER_OUTPUT;
/** Added before the division so that it rounds to nearest: (49 - 1) / 2. */
export const AREA_ROUNDING = (AREA_WEIGHT_SUM - 1) / 2;
/** ⌊x / 49⌋ = (x · AREA_DIVIDE_MULTIPLIER) >> AREA_DIVIDE_SHIFT for 0 ≤ x ≤ 255·49 + 24. */
export const AREA_DIVIDE_MULTIPLIER = 21400;
export const AREA_DIVIDE_SHIFT = 20;

/** Overlap, in quarter pixels, of reduced pixel `o` with image pixel `i` along one axis (0..4). */
export function areaWeight(o: number, i: number): number {
  const low = Math.max(QUARTERS_PER_OUTPUT * o, 4 * i);
  const high = Math.min(QUARTERS_PER_OUTPUT * (o + 1), 4 * (i + 1));
  return Math.max(0, high - low);
}

/** The image pixels reduced pixel `o` overlaps along one axis, with their weights (two or three of them). */
export const AREA_TAPS: readonly { readonly first: number; readonly weights: readonly number[] }[] = Array.from({ length: REDUCED_SIDE }, (_, o) => {
  const first = Math.floor((QUARTERS_PER_OUTPUT * o) / 4);
  const last = Math.floor((QUARTERS_PER_OUTPUT * (o + 1) - 1) / 4);
  const weights: number[] = [];
  for (let i = first; i <= last; i++) weights.push(areaWeight(o, i));
  return { first, weights };
});

/** ⌊x / 49⌋ for 0 ≤ x ≤ 12,519, by multiply and shift as the C engine computes it. */
export function divideByAreaWeightSum(x: number): number {
  return Math.floor((x * AREA_DIVIDE_MULTIPLIER) / 2 ** AREA_DIVIDE_SHIFT);
}

/** images: (count, 28·28) uint8 -> (count, 16·16) uint8 area averages (see the header). */
export function areaAverage16(images: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count * REDUCED_PIXELS);
  for (let n = 0; n < count; n++) {
    const image = n * IMAGE_PIXELS;
    for (let oy = 0; oy < REDUCED_SIDE; oy++) {
      const rows = AREA_TAPS[oy]!;
      for (let ox = 0; ox < REDUCED_SIDE; ox++) {
        const columns = AREA_TAPS[ox]!;
        let sum = 0;
        rows.weights.forEach((wy, dy) => {
          const row = image + (rows.first + dy) * IMAGE_SIDE + columns.first;
          columns.weights.forEach((wx, dx) => {
            sum += wy * wx * images[row + dx]!;
          });
        });
        out[n * REDUCED_PIXELS + oy * REDUCED_SIDE + ox] = divideByAreaWeightSum(sum + AREA_ROUNDING);
      }
    }
  }
  return out;
}

/** The map the network's first layer sees. */
export function modelInputShape(resolution: InputResolution): MapShape {
  return { height: resolution, width: resolution, channels: 1 };
}

/**
 * images: (count, 28·28) uint8 -> what the network's first layer takes: the images themselves at 28, their area
 * averages at 16. Every forward path calls this once on the images it is given.
 */
export function modelInputPixels(resolution: InputResolution, images: Uint8Array, count: number): Uint8Array {
  return resolution === REDUCED_SIDE ? areaAverage16(images, count) : images;
}

/**
 * uint8 pixels -> float32 in [0, 1] (p / 255), what a float first layer takes. A plain loop: Float32Array.from with
 * a map function calls it per pixel through the iterator protocol, a cost a training step pays for every pixel
 * of its batch (78,400 for `seed`; docs/experiments.md, 2026-12-06).
 */
export function unitIntervalPixels(pixels: Uint8Array): Float32Array {
  const values = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) values[i] = pixels[i]! / 255;
  return values;
}

/** Pixels of one input image for a model of this resolution: 784 either way (the API takes the 28×28 image). */
export function imagePixelsFor(resolution: InputResolution, modelInputSize: number): number {
  return resolution === REDUCED_SIDE ? IMAGE_PIXELS : modelInputSize;
}

/** Side of the square image the forward passes take: 28 for MNIST-shaped data, also for a 16×16 input. */
export function imageSideFor(resolution: InputResolution, modelInputSize: number): number {
  return Math.round(Math.sqrt(imagePixelsFor(resolution, modelInputSize)));
}

/**
 * (784, 256) float32 matrix M with M[iy·28 + ix, oy·16 + ox] = w(oy, iy)·w(ox, ix): images (B, 784) · M is the
 * integer Σ of the definition (exact in float32: every partial sum is an integer below 2^24). The ONNX graph uses it.
 */
export function areaSumMatrix(): Float32Array {
  const matrix = new Float32Array(IMAGE_PIXELS * REDUCED_PIXELS);
  for (let oy = 0; oy < REDUCED_SIDE; oy++) {
    for (let ox = 0; ox < REDUCED_SIDE; ox++) {
      for (let iy = 0; iy < IMAGE_SIDE; iy++) {
        const wy = areaWeight(oy, iy);
        if (wy === 0) continue;
        for (let ix = 0; ix < IMAGE_SIDE; ix++) {
          const wx = areaWeight(ox, ix);
          if (wx !== 0) matrix[(iy * IMAGE_SIDE + ix) * REDUCED_PIXELS + oy * REDUCED_SIDE + ox] = wy * wx;
        }
      }
    }
  }
  return matrix;
}
