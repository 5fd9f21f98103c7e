import { describe, expect, it } from 'vitest';
import { convHeatmapLayout, heatmapLayout, paintFeatureMap, histogramGeometry, hitTest, paintGray, paintImage, paintTrits, TRIT_RGB } from './paint';

const rgbAt = (pixels: Uint8ClampedArray, width: number, x: number, y: number) => Array.from(pixels.slice((y * width + x) * 4, (y * width + x) * 4 + 3));

describe('heatmap painting', () => {
  it('lays out a 784-input layer as 28×28 tiles with 1-pixel gaps', () => {
    const layout = heatmapLayout(784, 10);
    expect(layout).toMatchObject({ kind: 'tiles', side: 28, columns: 4, width: 4 * 29 - 1, height: 3 * 29 - 1 });
    expect(heatmapLayout(128, 10)).toMatchObject({ kind: 'matrix', width: 128, height: 10 });
  });

  it('paints each trit in its colour at its receptive-field position', () => {
    const inputs = 784;
    const units = 2;
    const trits = new Int8Array(inputs * units);
    trits[(3 * 28 + 5) * units + 1] = 1; // unit 1, pixel (row 3, col 5) -> +1
    trits[0 * units + 0] = -1; // unit 0, pixel (0, 0) -> -1
    const layout = heatmapLayout(inputs, units);
    const pixels = paintTrits(trits, layout);
    expect(rgbAt(pixels, layout.width, 0, 0)).toEqual([...TRIT_RGB[-1]]);
    expect(rgbAt(pixels, layout.width, 29 + 5, 3)).toEqual([...TRIT_RGB[1]]);
    expect(rgbAt(pixels, layout.width, 1, 1)).toEqual([...TRIT_RGB[0]]);
    expect(rgbAt(pixels, layout.width, 28, 0)).toEqual([255, 255, 255]); // the gap
    expect(() => paintTrits(new Int8Array(3), layout)).toThrow();
  });

  it('int8 codes shade by magnitude: full colour at ±127, faint at ±1, the zero colour at 0', () => {
    const codes = Int8Array.from([127, 1, 0, -127, -64, 64]); // (in=3, out=2)
    const layout = heatmapLayout(3, 2);
    const pixels = paintTrits(codes, layout, 127);
    expect(rgbAt(pixels, 3, 0, 0)).toEqual([...TRIT_RGB[1]]); // unit 0, input 0: +127
    expect(rgbAt(pixels, 3, 1, 1)).toEqual([...TRIT_RGB[-1]]); // unit 1, input 1: −127
    expect(rgbAt(pixels, 3, 1, 0)).toEqual([...TRIT_RGB[0]]); // unit 0, input 1: 0
    const faint = rgbAt(pixels, 3, 0, 1); // unit 1, input 0: +1
    const distance = (a: number[], b: readonly number[]) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0);
    expect(distance(faint, TRIT_RGB[0])).toBeLessThan(distance(faint, TRIT_RGB[1]));
    expect(distance(faint, TRIT_RGB[0])).toBeGreaterThan(0);
    const half = rgbAt(pixels, 3, 2, 1); // unit 1, input 2: +64
    expect(distance(half, TRIT_RGB[1])).toBeLessThan(distance(faint, TRIT_RGB[1]));
  });

  it('matrix layers: one row per unit, one column per input; hit testing inverts the layout', () => {
    const trits = Int8Array.from([1, 0, -1, 0, 1, 1]); // (in=3, out=2)
    const layout = heatmapLayout(3, 2);
    const pixels = paintTrits(trits, layout);
    expect(rgbAt(pixels, 3, 0, 0)).toEqual([...TRIT_RGB[1]]); // unit 0, input 0
    expect(rgbAt(pixels, 3, 2, 1)).toEqual([...TRIT_RGB[1]]); // unit 1, input 2
    expect(rgbAt(pixels, 3, 1, 0)).toEqual([...TRIT_RGB[-1]]); // unit 0, input 1
    expect(hitTest(layout, 2.5, 1.2)).toEqual({ unit: 1, input: 2 });
    const tiles = heatmapLayout(784, 10);
    expect(hitTest(tiles, 29 + 5, 29 + 3)).toEqual({ unit: 5, input: 3 * 28 + 5 });
    expect(hitTest(tiles, 28, 3)).toBeNull();
    expect(hitTest(tiles, -1, 3)).toBeNull();
  });
});

describe('histogram geometry', () => {
  it('scales bars to the tallest bin and colours them by region', () => {
    const { bars, thresholdX } = histogramGeometry({ min: -1, max: 1, counts: [1, 4, 2, 4] }, 0.4, 100, 50);
    expect(bars.map((b) => b.height)).toEqual([12.5, 50, 25, 50]);
    expect(bars.map((b) => b.region)).toEqual([-1, 0, 0, 1]);
    expect(thresholdX[0]).toBeCloseTo(30, 10);
    expect(thresholdX[1]).toBeCloseTo(70, 10);
  });
});

describe('paintGray', () => {
  it('writes opaque grey, bright ink on black or dark ink on white', () => {
    expect(Array.from(paintGray([0, 200], 2))).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
    expect(Array.from(paintGray([0, 200], 2, true))).toEqual([255, 255, 255, 255, 55, 55, 55, 255]);
  });

  it('a conv layer: one k×k tile per filter for the chosen input channel; hover finds the HWIO weight', () => {
    // kernel 3, 2 input channels, 5 filters: trits (18, 5), row (ky·3 + kx)·2 + c.
    const layout = convHeatmapLayout(3, 2, 5, 1);
    expect(layout).toMatchObject({ kind: 'tiles', side: 3, columns: 3, width: 11, height: 7 });
    const trits = new Int8Array(18 * 5);
    trits[((1 * 3 + 2) * 2 + 1) * 5 + 4] = 1; // filter 4, ky 1, kx 2, channel 1
    trits[((1 * 3 + 2) * 2 + 0) * 5 + 4] = -1; // the same position on channel 0: not shown
    const pixels = paintTrits(trits, layout);
    // Filter 4 is the second tile of the second row: x = 4 + 2, y = 4 + 1.
    const at = (x: number, y: number) => Array.from(pixels.subarray((y * layout.width + x) * 4, (y * layout.width + x) * 4 + 3));
    expect(at(6, 5)).toEqual([...TRIT_RGB[1]]);
    expect(hitTest(layout, 6.5, 5.5)).toEqual({ unit: 4, input: ((1 * 3 + 2) * 2 + 1) });
    expect(hitTest(layout, 7.5, 5.5)).toBeNull(); // the gap between tiles
    expect(at(4, 4)).toEqual([...TRIT_RGB[0]]);
    // The same filters shown for channel 0: the -1 at that position, not channel 1's +1 (layouts are cached per
    // channel, so switching channels must not reuse the other channel's pixel positions).
    const channel0 = convHeatmapLayout(3, 2, 5, 0);
    const pixels0 = paintTrits(trits, channel0);
    expect(Array.from(pixels0.subarray((5 * channel0.width + 6) * 4, (5 * channel0.width + 6) * 4 + 3))).toEqual([...TRIT_RGB[-1]]);
    expect(at(6, 5)).toEqual([...TRIT_RGB[1]]);
    expect(Array.from(paintTrits(trits, layout))).toEqual(Array.from(pixels));
  });

  it('feature maps: a grey tile per channel, the largest value white, negatives black', () => {
    // (2, 2, 3) NHWC: channel 1 holds the maximum 4 at (1, 0); channel 2 is negative.
    const values = Float32Array.from([0, 1, -1, 0, 2, -1, 0, 4, -1, 0, 0, -3]);
    const { pixels, width, height } = paintFeatureMap(values, 2, 2, 3);
    expect([width, height]).toEqual([5, 5]);
    const grey = (x: number, y: number) => pixels[(y * width + x) * 4]!;
    expect(grey(3, 1)).toBe(255); // channel 1's tile starts at x = 3; (y 1, x 0)
    expect(grey(3, 0)).toBe(64); // 1 / 4
    expect(grey(0, 3)).toBe(0); // channel 2, negative
    expect(grey(2, 0)).toBe(255); // the white gap
  });
});

describe('colour images and RGB first layers', () => {
  it('paints an RGB image (NHWC) in its colours, inverted back with inkDark; grey as paintGray', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 128, 255]); // two pixels: red, (0, 128, 255)
    expect(Array.from(paintImage(rgb, 2, 3))).toEqual([255, 0, 0, 255, 0, 128, 255, 255]);
    expect(Array.from(paintImage(rgb, 2, 3, true))).toEqual([0, 255, 255, 255, 255, 127, 0, 255]);
    expect(Array.from(paintImage(Uint8Array.from([10, 20]), 2, 1, true))).toEqual(Array.from(paintGray(Uint8Array.from([10, 20]), 2, true)));
  });

  it('lays out a dense layer on 20×20×3 input as 20×20 tiles of one channel and hit-tests back to its input', () => {
    const layout = heatmapLayout(1200, 4, 3, 2);
    expect(layout).toMatchObject({ kind: 'tiles', side: 20, channels: 3, channel: 2, columns: 2 });
    const trits = new Int8Array(1200 * 4);
    trits[((2 * 20 + 7) * 3 + 2) * 4 + 1] = 1; // unit 1, pixel (row 2, col 7), blue -> +1
    trits[((2 * 20 + 7) * 3 + 0) * 4 + 1] = -1; // the same pixel's red: not in the blue tiles
    const pixels = paintTrits(trits, layout);
    expect(rgbAt(pixels, layout.width, 21 + 7, 2)).toEqual([...TRIT_RGB[1]]);
    expect(hitTest(layout, 21 + 7, 2)).toEqual({ unit: 1, input: (2 * 20 + 7) * 3 + 2 });
    expect(heatmapLayout(1200, 4)).toMatchObject({ kind: 'matrix' });
  });
});
