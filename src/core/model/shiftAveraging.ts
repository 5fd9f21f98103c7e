/**
 * Shift averaging: at inference (never in training) a model with `shiftAveraging` sums its logits over the image
 * and four copies of it moved by one pixel, a cheap test-time augmentation. It buys accuracy with time, not
 * memory: five passes through the same weights, no flash for more of them. What it measured on `mcu-16k` is
 * in docs/experiments.md (2026-12-06, one-pass experiments and shift averaging).
 *
 * Definition, on the image before anything else (all channels of a pixel move together) (the 16×16 area average included): pass s moves the image
 * by (dx, dy) = SHIFT_OFFSETS[s], i.e. moved(y, x) = image(y − dy, x − dx), 0 where that falls outside, and the
 * model's logits (or the C engine's integer scores) of the five passes are summed in this order. Every path
 * computes it so: the reference and the integer model here, the tfjs evaluation, the WGSL kernels (on a batch of
 * five moved copies per image), the C engine and the ONNX graph (Pad, then five Slices).
 */
import { MNIST_INPUT, type MapShape } from './layers';

/** (dx, dy) of each pass: the image itself, then one pixel right, left, down and up. */
export const SHIFT_OFFSETS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];
export const SHIFT_PASSES = SHIFT_OFFSETS.length;

/** Forward passes per image: 5 with shift averaging, else 1. */
export function passesPerImage(shiftAveraging: boolean): number {
  return shiftAveraging ? SHIFT_PASSES : 1;
}

/**
 * images: (B, side, side, C) uint8 -> (B·5, side, side, C): for image b, rows 5b … 5b + 4 hold its five moved
 * copies in SHIFT_OFFSETS order, so a batch forward of the result followed by sumShiftPasses gives the averaged
 * logits. A pixel moves with all its channels.
 */
export function shiftedCopies(images: Uint8Array, batch: number, image: MapShape = MNIST_INPUT): Uint8Array {
  const { width: side, channels } = image;
  const values = side * side * channels;
  const out = new Uint8Array(batch * SHIFT_PASSES * values);
  for (let b = 0; b < batch; b++) {
    const source = images.subarray(b * values, (b + 1) * values);
    SHIFT_OFFSETS.forEach(([dx, dy], s) => {
      const target = (b * SHIFT_PASSES + s) * values;
      for (let y = Math.max(0, dy); y < Math.min(side, side + dy); y++) {
        const from = (y - dy) * side;
        const x0 = Math.max(0, dx);
        const x1 = Math.min(side, side + dx);
        out.set(source.subarray((from + x0 - dx) * channels, (from + x1 - dx) * channels), (y * side + x0) * channels + target);
      }
    });
  }
  return out;
}

/**
 * values: (B·5, C), rows in shiftedCopies' order -> (B, C), the five rows of each image summed in pass order (in
 * float32 for a Float32Array, as ONNX's ReduceSum does; exactly for integer scores).
 */
export function sumShiftPasses<T extends Float32Array | Int32Array>(values: T, batch: number, classes: number): T {
  const out = (values instanceof Int32Array ? new Int32Array(batch * classes) : new Float32Array(batch * classes)) as T;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < SHIFT_PASSES; s++) {
      const row = (b * SHIFT_PASSES + s) * classes;
      for (let c = 0; c < classes; c++) out[b * classes + c] = out[b * classes + c]! + values[row + c]!;
    }
  }
  return out;
}
