/**
 * Pure pixel work for the ternary weight heatmaps: layout, trits -> RGBA, and hit testing. No DOM, so it is
 * unit-tested in Node; the component only copies the pixels into one ImageData and lets CSS scale it up.
 *
 * Weights arrive as (in, out) row-major trits: the weight from input i to unit j is trits[i·out + j].
 * A first layer with 784 inputs is drawn as one 28×28 tile per hidden unit (its receptive field), tiles in a
 * near-square grid with 1-pixel gaps (on RGB input, the tiles of one chosen input channel); a conv layer as one k×k tile per filter for one chosen input channel (its
 * rows are (ky·k + kx)·C_in + c, core/model/layers.ts); any other layer as a matrix with one row per unit and one column
 * per input.
 */

/** Okabe–Ito colours, distinct for the common colour-vision deficiencies: -1 vermillion, 0 pale grey, +1 blue. */
export const TRIT_RGB: Record<-1 | 0 | 1, readonly [number, number, number]> = {
  [-1]: [213, 94, 0],
  0: [238, 238, 238],
  1: [0, 114, 178],
};
const GAP_RGB = [255, 255, 255] as const;

/** [r, g, b] -> a CSS colour. */
export function cssRgb(rgb: readonly number[]): string {
  return `rgb(${rgb.join(',')})`;
}

export type HeatmapLayout =
  /**
   * `channels` inputs share a tile position: a tile shows the inputs with input % channels === channel (for a
   * dense first layer, channels 1).
   */
  | { kind: 'tiles'; width: number; height: number; side: number; columns: number; units: number; inputs: number; channels: number; channel: number }
  | { kind: 'matrix'; width: number; height: number; units: number; inputs: number };

/** A conv layer's filters (kernel × kernel × channels → units) as tiles of one input channel. */
export function convHeatmapLayout(kernel: number, channels: number, units: number, channel: number): HeatmapLayout {
  const columns = Math.ceil(Math.sqrt(units));
  const rows = Math.ceil(units / columns);
  return {
    kind: 'tiles',
    side: kernel,
    columns,
    units,
    inputs: kernel * kernel * channels,
    channels,
    channel: Math.min(Math.max(0, channel), channels - 1),
    width: columns * (kernel + 1) - 1,
    height: rows * (kernel + 1) - 1,
  };
}

/**
 * A dense layer's weights: as image tiles when its inputs are a square image of `channels` channels (a first layer
 * on side×side×channels input, NHWC, so input i is pixel ⌊i / channels⌋, channel i % channels), one tile per unit
 * for the chosen `channel`; otherwise as a matrix.
 */
export function heatmapLayout(inputSize: number, outputSize: number, channels = 1, channel = 0): HeatmapLayout {
  const pixels = inputSize / channels;
  const side = Math.round(Math.sqrt(pixels));
  if (Number.isInteger(pixels) && side * side === pixels && side >= 8) {
    const columns = Math.ceil(Math.sqrt(outputSize));
    const rows = Math.ceil(outputSize / columns);
    return {
      kind: 'tiles',
      side,
      columns,
      units: outputSize,
      inputs: inputSize,
      channels,
      channel: Math.min(Math.max(0, channel), channels - 1),
      width: columns * (side + 1) - 1,
      height: rows * (side + 1) - 1,
    };
  }
  return { kind: 'matrix', width: inputSize, height: outputSize, units: outputSize, inputs: inputSize };
}

/** Where the weight (input, unit) is drawn; null when its channel is not the one shown. */
function pixelOf(layout: HeatmapLayout, input: number, unit: number): [number, number] | null {
  if (layout.kind === 'matrix') return [input, unit];
  if (input % layout.channels !== layout.channel) return null;
  const position = Math.floor(input / layout.channels);
  const tileX = (unit % layout.columns) * (layout.side + 1);
  const tileY = Math.floor(unit / layout.columns) * (layout.side + 1);
  return [tileX + (position % layout.side), tileY + Math.floor(position / layout.side)];
}

/**
 * Byte offset of each weight's pixel in the RGBA image, indexed like trits ((in, out) row-major), -1 where the
 * weight is not drawn (another channel). Computed once per layout: repainting a 784×128 layer a few times a second
 * then costs one table lookup per weight instead of the tile arithmetic (which took about 10 ms per paint).
 */
const pixelOffsetCache = new Map<string, Int32Array>();
function pixelOffsets(layout: HeatmapLayout): Int32Array {
  const key = JSON.stringify(layout);
  const cached = pixelOffsetCache.get(key);
  if (cached) return cached;
  const offsets = new Int32Array(layout.inputs * layout.units).fill(-1);
  for (let input = 0; input < layout.inputs; input++) {
    for (let unit = 0; unit < layout.units; unit++) {
      const at = pixelOf(layout, input, unit);
      if (at) offsets[input * layout.units + unit] = (at[1] * layout.width + at[0]) * 4;
    }
  }
  // A few layouts per model (one per layer and conv channel); a new model brings new ones.
  if (pixelOffsetCache.size >= 16) pixelOffsetCache.clear();
  pixelOffsetCache.set(key, offsets);
  return offsets;
}

/**
 * trits: (in, out) row-major -> RGBA pixels of layout.width × layout.height. An int4/int8 layer's codes paint with
 * maxCode its largest |code|: the sign's colour, mixed with the zero colour by magnitude (from a quarter of the
 * way for |code| = 1, so that every non-zero weight shows, to full at maxCode).
 */
export function paintTrits(trits: Int8Array, layout: HeatmapLayout, maxCode = 1): Uint8ClampedArray<ArrayBuffer> {
  if (trits.length !== layout.inputs * layout.units) {
    throw new RangeError(`paintTrits: ${trits.length} trits for a ${layout.inputs}×${layout.units} layer`);
  }
  const pixels = new Uint8ClampedArray(layout.width * layout.height * 4);
  for (let p = 0; p < pixels.length; p += 4) {
    pixels[p] = GAP_RGB[0];
    pixels[p + 1] = GAP_RGB[1];
    pixels[p + 2] = GAP_RGB[2];
    pixels[p + 3] = 255;
  }
  const offsets = pixelOffsets(layout);
  // Colours indexed by trit + 1 (0: -1, 1: 0, 2: +1).
  const colours = [TRIT_RGB[-1], TRIT_RGB[0], TRIT_RGB[1]];
  for (let k = 0; k < trits.length; k++) {
    const offset = offsets[k]!;
    if (offset < 0) continue;
    const trit = trits[k]!;
    const rgb = colours[(trit > 0 ? 1 : trit < 0 ? -1 : 0) + 1]!;
    if (maxCode === 1 || trit === 0) {
      pixels[offset] = rgb[0];
      pixels[offset + 1] = rgb[1];
      pixels[offset + 2] = rgb[2];
      continue;
    }
    const mix = 0.25 + (0.75 * (Math.min(Math.abs(trit), maxCode) - 1)) / (maxCode - 1);
    const zero = colours[1]!;
    pixels[offset] = zero[0] + mix * (rgb[0] - zero[0]);
    pixels[offset + 1] = zero[1] + mix * (rgb[1] - zero[1]);
    pixels[offset + 2] = zero[2] + mix * (rgb[2] - zero[2]);
  }
  return pixels;
}

/** The weight under pixel (x, y), or null over a gap or outside. */
export function hitTest(layout: HeatmapLayout, x: number, y: number): { unit: number; input: number } | null {
  const px = Math.floor(x);
  const py = Math.floor(y);
  if (px < 0 || py < 0 || px >= layout.width || py >= layout.height) return null;
  if (layout.kind === 'matrix') return { unit: py, input: px };
  const stride = layout.side + 1;
  const inTileX = px % stride;
  const inTileY = py % stride;
  if (inTileX === layout.side || inTileY === layout.side) return null;
  const unit = Math.floor(py / stride) * layout.columns + Math.floor(px / stride);
  if (unit >= layout.units) return null;
  return { unit, input: (inTileY * layout.side + inTileX) * layout.channels + layout.channel };
}

export interface HistogramBar {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Which trit the bin's centre maps to at the current threshold. */
  region: -1 | 0 | 1;
}

/**
 * Bars of a latent-weight histogram in a width × height box (y grows downwards, tallest bin full height), each
 * coloured by the region its centre falls in; plus the x positions of -Δ and +Δ.
 */
export function histogramGeometry(
  histogram: { min: number; max: number; counts: ArrayLike<number> },
  threshold: number,
  width: number,
  height: number,
): { bars: HistogramBar[]; thresholdX: [number, number] } {
  const { min, max, counts } = histogram;
  let tallest = 0;
  for (let i = 0; i < counts.length; i++) tallest = Math.max(tallest, counts[i]!);
  const binWidth = width / counts.length;
  const valueToX = (value: number) => ((value - min) / (max - min)) * width;
  const bars: HistogramBar[] = [];
  for (let i = 0; i < counts.length; i++) {
    const barHeight = tallest === 0 ? 0 : (counts[i]! / tallest) * height;
    const centre = min + ((i + 0.5) * (max - min)) / counts.length;
    const region = centre > threshold ? 1 : centre < -threshold ? -1 : 0;
    bars.push({ x: i * binWidth, y: height - barHeight, width: binWidth, height: barHeight, region });
  }
  return { bars, thresholdX: [valueToX(-threshold), valueToX(threshold)] };
}

/**
 * Grey uint8 pixels (rows × cols, 0 = background) -> RGBA for an ImageData: ink bright on black as the network sees
 * it, or dark on white (`inkDark`) as people write.
 */
export function paintGray(pixels: ArrayLike<number>, count: number, inkDark = false): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i++) {
    const value = inkDark ? 255 - pixels[i]! : pixels[i]!;
    rgba[i * 4] = value;
    rgba[i * 4 + 1] = value;
    rgba[i * 4 + 2] = value;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/**
 * A data image (count pixels, channels 1 or 3, channel fastest as the model reads it) -> RGBA: grey as paintGray,
 * RGB as its colours. inkDark: 255 − v per channel, so that an image stored ink-high shows as it was drawn or
 * photographed (a light background again).
 */
export function paintImage(pixels: ArrayLike<number>, count: number, channels: number, inkDark = false): Uint8ClampedArray<ArrayBuffer> {
  if (channels === 1) return paintGray(pixels, count, inkDark);
  const rgba = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) {
      const value = pixels[i * channels + c]!;
      rgba[i * 4 + c] = inkDark ? 255 - value : value;
    }
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/**
 * A feature map (height, width, channels), NHWC, as one grey tile per channel in a near-square grid with 1-pixel
 * gaps: 0 black, the map's largest value white (ReLU outputs are ≥ 0; negatives are drawn black too).
 */
export function paintFeatureMap(values: Float32Array, height: number, width: number, channels: number): { pixels: Uint8ClampedArray<ArrayBuffer>; width: number; height: number } {
  const columns = Math.ceil(Math.sqrt(channels));
  const rows = Math.ceil(channels / columns);
  const canvasWidth = columns * (width + 1) - 1;
  const canvasHeight = rows * (height + 1) - 1;
  const pixels = new Uint8ClampedArray(canvasWidth * canvasHeight * 4);
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, values[i]!);
  for (let p = 0; p < pixels.length; p += 4) {
    pixels[p] = GAP_RGB[0];
    pixels[p + 1] = GAP_RGB[1];
    pixels[p + 2] = GAP_RGB[2];
    pixels[p + 3] = 255;
  }
  for (let c = 0; c < channels; c++) {
    const tileX = (c % columns) * (width + 1);
    const tileY = Math.floor(c / columns) * (height + 1);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const value = values[(y * width + x) * channels + c]!;
        const grey = largest > 0 ? Math.round((Math.max(0, value) / largest) * 255) : 0;
        const offset = ((tileY + y) * canvasWidth + tileX + x) * 4;
        pixels[offset] = grey;
        pixels[offset + 1] = grey;
        pixels[offset + 2] = grey;
      }
  }
  return { pixels, width: canvasWidth, height: canvasHeight };
}
