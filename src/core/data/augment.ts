/**
 * Data augmentation for training batches: each image gets a random affine transform (shift, rotation, scaling
 * about the image centre), drawn from the trainer's seeded RNG so a seed reproduces the run, resumes included.
 * Training batches only; validation, test and inference see the images as they are. Small transforms of
 * handwriting are still the same digit, so the network learns to ignore where and how slanted a digit is: what
 * lets a small fully connected model pass 99 % on MNIST (BitNetMCU trains its models the same way).
 */
import type { Rng } from './rng';

export interface AugmentationConfig {
  /** Largest shift in pixels, each axis (0: off). */
  augmentShift: number;
  /** Largest rotation in degrees, either way (0: off). */
  augmentRotation: number;
  /** Largest relative scaling, e.g. 0.1 for 90 %–110 % (0: off). */
  augmentScale: number;
}

export const NO_AUGMENTATION: AugmentationConfig = { augmentShift: 0, augmentRotation: 0, augmentScale: 0 };

export function augmentationEnabled(config: AugmentationConfig): boolean {
  return config.augmentShift > 0 || config.augmentRotation > 0 || config.augmentScale > 0;
}

/** One drawn transform: shift (pixels), rotation (radians), scale factor. */
export interface AffineDraw {
  dx: number;
  dy: number;
  angle: number;
  scale: number;
}

/**
 * Draws one transform. Every enabled component consumes RNG draws and no disabled one does, so switching
 * augmentation off gives exactly the run without it.
 */
export function drawAffine(config: AugmentationConfig, rng: Rng): AffineDraw {
  const symmetric = (limit: number) => (2 * rng.next() - 1) * limit;
  return {
    dx: config.augmentShift > 0 ? symmetric(config.augmentShift) : 0,
    dy: config.augmentShift > 0 ? symmetric(config.augmentShift) : 0,
    angle: config.augmentRotation > 0 ? (symmetric(config.augmentRotation) * Math.PI) / 180 : 0,
    scale: config.augmentScale > 0 ? 1 + symmetric(config.augmentScale) : 1,
  };
}

/**
 * Writes the transformed (rows, cols, channels) uint8 image at source[sourceOffset…] into target[targetOffset…]:
 * each output pixel samples the source bilinearly at the inverse-transformed position (0 outside the image),
 * rounded, every channel at the same position. A transform of 0 shift, 0 angle and scale 1 copies the image exactly.
 */
export function applyAffine(
  source: Uint8Array,
  sourceOffset: number,
  target: Uint8Array,
  targetOffset: number,
  rows: number,
  cols: number,
  draw: AffineDraw,
  channels = 1,
): void {
  const cx = (cols - 1) / 2;
  const cy = (rows - 1) / 2;
  // Inverse of (scale·rotate, then shift): p_source = R(-angle)·(p_out - c - d) / scale + c.
  const cos = Math.cos(draw.angle) / draw.scale;
  const sin = Math.sin(draw.angle) / draw.scale;
  const pixel = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= cols || y >= rows ? 0 : source[sourceOffset + (y * cols + x) * channels + c]!);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const ux = x - cx - draw.dx;
      const uy = y - cy - draw.dy;
      const sx = cos * ux + sin * uy + cx;
      const sy = -sin * ux + cos * uy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < channels; c++) {
        const value =
          (1 - fy) * ((1 - fx) * pixel(x0, y0, c) + fx * pixel(x0 + 1, y0, c)) + fy * ((1 - fx) * pixel(x0, y0 + 1, c) + fx * pixel(x0 + 1, y0 + 1, c));
        target[targetOffset + (y * cols + x) * channels + c] = Math.round(value);
      }
    }
  }
}

/** The listed images of a (count, rows, cols, channels) uint8 set, each with a fresh transform from `rng`. */
export function augmentImages(
  pixels: Uint8Array,
  indices: ArrayLike<number>,
  rows: number,
  cols: number,
  config: AugmentationConfig,
  rng: Rng,
  channels = 1,
): Uint8Array {
  const size = rows * cols * channels;
  const out = new Uint8Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) applyAffine(pixels, indices[i]! * size, out, i * size, rows, cols, drawAffine(config, rng), channels);
  return out;
}
