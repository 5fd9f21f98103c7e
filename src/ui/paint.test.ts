import { describe, expect, it } from 'vitest';
import { heatmapLayout, histogramGeometry, hitTest, paintGray, paintTrits, TRIT_RGB } from './paint';

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
});
