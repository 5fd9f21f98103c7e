/**
 * Decoded RGBA pixels -> the model's input image: composited over white, grey (luminance) or RGB, resized to
 * side×side by area averaging with the aspect ratio kept, the rest padded with the background, and optionally
 * inverted (v -> 255 − v, last, so that a data set's inversion can be decided after converting its images) so that
 * ink is high as in MNIST. Pure arithmetic on arrays; the decoding (createImageBitmap) is the worker's.
 *
 * Area averaging, per axis: the image's n source pixels map onto m = round(n · side / max(w, h)) output pixels,
 * output pixel o covering the source interval [o·n/m, (o+1)·n/m); each source pixel contributes its overlap with
 * that interval, and the sum is divided by n/m. Separable: rows first, then columns; rounded once at the end.
 * A source that is already side×side is copied exactly.
 */

import type { MapShape } from '../model/layers';

export type ColorMode = 'grey' | 'rgb';
export type InvertMode = 'auto' | 'yes' | 'no';

/** How images become model input; stored with a run and in its checkpoint, so a drawing is converted the same way. */
export interface InputConversion {
  /** Output side in pixels: 28 as MNIST, 16, or any side from MIN_SIDE to MAX_SIDE. */
  side: number;
  color: ColorMode;
  invert: InvertMode;
}

export const MIN_SIDE = 8;
export const MAX_SIDE = 64;
export const DEFAULT_CONVERSION: InputConversion = { side: 28, color: 'grey', invert: 'auto' };

export function channelsOf(color: ColorMode): number {
  return color === 'rgb' ? 3 : 1;
}

/** The image a conversion makes: (side, side, 1 for grey or 3 for RGB), the model's input before inputResolution. */
export function conversionShape(conversion: Pick<InputConversion, 'side' | 'color'>): MapShape {
  return { height: conversion.side, width: conversion.side, channels: channelsOf(conversion.color) };
}

/** The image a run's data gives, from its stored conversion: MNIST's 28×28×1 when it has none (a built-in set). */
export function dataImageShape(conversion: Pick<InputConversion, 'side' | 'color'> | null | undefined): MapShape {
  return conversionShape(conversion ?? DEFAULT_CONVERSION);
}

/** "20×20 RGB", "28×28 grey": a conversion's image in words. */
export function conversionLabel(conversion: Pick<InputConversion, 'side' | 'color'>): string {
  return `${conversion.side}×${conversion.side} ${conversion.color === 'rgb' ? 'RGB' : 'grey'}`;
}

/** Whether two conversions give the same image shape (side and colour; the ink does not change the shape). */
export function sameImage(a: Pick<InputConversion, 'side' | 'color'>, b: Pick<InputConversion, 'side' | 'color'>): boolean {
  return a.side === b.side && a.color === b.color;
}

/** Why a typed side cannot be used (not a whole number from MIN_SIDE to MAX_SIDE), or null when it can. */
export function sideProblem(side: number): string | null {
  return Number.isInteger(side) && side >= MIN_SIDE && side <= MAX_SIDE ? null : `The side must be a whole number from ${MIN_SIDE} to ${MAX_SIDE} pixels.`;
}

/** A conversion read from storage or a link, or null with nothing usable in it. */
export function parseConversion(value: unknown): InputConversion | null {
  if (typeof value !== 'object' || value === null) return null;
  const { side, color, invert } = value as Record<string, unknown>;
  if (typeof side !== 'number' || sideProblem(side) !== null) return null;
  if (color !== 'grey' && color !== 'rgb') return null;
  if (invert !== 'auto' && invert !== 'yes' && invert !== 'no') return null;
  return { side, color, invert };
}

/** Rec. 601 luminance in integers: (77 R + 150 G + 29 B + 128) >> 8; the weights sum to 256, so grey stays grey. */
export function luminance(r: number, g: number, b: number): number {
  return (77 * r + 150 * g + 29 * b + 128) >> 8;
}

/** A channel of a pixel composited over white: c·a/255 + 255·(1 − a/255). */
function overWhite(c: number, alpha: number): number {
  return (c * alpha + 255 * (255 - alpha)) / 255;
}

/**
 * True when the image's one-pixel border is light on average (luminance over white above 127.5): a dark drawing
 * on a light background, which needs inverting so that ink is high.
 * rgba: (height, width, 4).
 */
export function borderIsLight(rgba: ArrayLike<number>, width: number, height: number): boolean {
  let sum = 0;
  let count = 0;
  const add = (x: number, y: number): void => {
    const at = 4 * (y * width + x);
    const a = rgba[at + 3]!;
    sum += luminance(overWhite(rgba[at]!, a), overWhite(rgba[at + 1]!, a), overWhite(rgba[at + 2]!, a));
    count++;
  };
  for (let x = 0; x < width; x++) {
    add(x, 0);
    if (height > 1) add(x, height - 1);
  }
  for (let y = 1; y < height - 1; y++) {
    add(0, y);
    if (width > 1) add(width - 1, y);
  }
  return sum / count > 127.5;
}

/** How far a pixel's R, G and B (over white) may spread and still count as grey: JPEG noise and tinted scans stay under it. */
export const COLOUR_TOLERANCE = 24;

/** True when some pixel's R, G, B (composited over white) differ by more than COLOUR_TOLERANCE. rgba: (height, width, 4). */
export function hasColour(rgba: ArrayLike<number>, width: number, height: number): boolean {
  for (let p = 0; p < width * height; p++) {
    const a = rgba[4 * p + 3]!;
    const r = overWhite(rgba[4 * p]!, a);
    const g = overWhite(rgba[4 * p + 1]!, a);
    const b = overWhite(rgba[4 * p + 2]!, a);
    if (Math.max(r, g, b) - Math.min(r, g, b) > COLOUR_TOLERANCE) return true;
  }
  return false;
}

/** Whether to invert under `mode`, deciding 'auto' from the border. */
export function resolveInvert(mode: InvertMode, rgba: ArrayLike<number>, width: number, height: number): boolean {
  return mode === 'auto' ? borderIsLight(rgba, width, height) : mode === 'yes';
}

/** Overlap weights of m outputs over n inputs along one axis: weights[o] lists [input index, overlap] pairs. */
function axisWeights(n: number, m: number): { first: number; weights: number[] }[] {
  const step = n / m;
  return Array.from({ length: m }, (_, o) => {
    const low = o * step;
    const high = (o + 1) * step;
    const first = Math.floor(low);
    const weights: number[] = [];
    for (let i = first; i < Math.min(n, Math.ceil(high)); i++) {
      weights.push((Math.min(high, i + 1) - Math.max(low, i)) / step);
    }
    return { first, weights };
  });
}

/**
 * rgba: (height, width, 4) decoded pixels -> (side, side, channels) uint8, channel-last, ink high when `invert`.
 */
export function convertImage(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  conversion: { side: number; color: ColorMode },
  invert: boolean,
): Uint8Array {
  const { side } = conversion;
  const channels = channelsOf(conversion.color);
  // (height, width, channels) in 0..255 as floats: composited, grey or RGB, inverted.
  const source = new Float64Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const a = rgba[4 * p + 3]!;
    const r = overWhite(rgba[4 * p]!, a);
    const g = overWhite(rgba[4 * p + 1]!, a);
    const b = overWhite(rgba[4 * p + 2]!, a);
    const values = channels === 1 ? [luminance(Math.round(r), Math.round(g), Math.round(b))] : [r, g, b];
    for (let c = 0; c < channels; c++) source[p * channels + c] = values[c]!;
  }
  const scale = side / Math.max(width, height);
  const contentWidth = Math.min(side, Math.max(1, Math.round(width * scale)));
  const contentHeight = Math.min(side, Math.max(1, Math.round(height * scale)));
  const columns = axisWeights(width, contentWidth);
  const rows = axisWeights(height, contentHeight);
  // Rows first: (height, contentWidth, channels).
  const narrowed = new Float64Array(height * contentWidth * channels);
  for (let y = 0; y < height; y++) {
    for (let o = 0; o < contentWidth; o++) {
      const { first, weights } = columns[o]!;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += weights[k]! * source[(y * width + first + k) * channels + c]!;
        narrowed[(y * contentWidth + o) * channels + c] = sum;
      }
    }
  }
  const out = new Uint8Array(side * side * channels);
  const background = paddingValues(source, width, height, channels);
  for (let p = 0; p < side * side; p++) for (let c = 0; c < channels; c++) out[p * channels + c] = background[c]!;
  const left = Math.floor((side - contentWidth) / 2);
  const top = Math.floor((side - contentHeight) / 2);
  for (let o = 0; o < contentHeight; o++) {
    const { first, weights } = rows[o]!;
    for (let x = 0; x < contentWidth; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += weights[k]! * narrowed[((first + k) * contentWidth + x) * channels + c]!;
        out[((top + o) * side + left + x) * channels + c] = Math.min(255, Math.max(0, Math.round(sum)));
      }
    }
  }
  if (invert) invertInPlace(out);
  return out;
}

/** v -> 255 − v over a converted image (or a batch of them). */
export function invertInPlace(pixels: Uint8Array): void {
  for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i]!;
}

/** The padding: the mean of the source's one-pixel border, per channel, so it continues the background. */
function paddingValues(source: Float64Array, width: number, height: number, channels: number): number[] {
  const sums = new Array<number>(channels).fill(0);
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
      for (let c = 0; c < channels; c++) sums[c]! += source[(y * width + x) * channels + c]!;
      count++;
    }
  }
  return sums.map((sum) => Math.round(sum / count));
}
