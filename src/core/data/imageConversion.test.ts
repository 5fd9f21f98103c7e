import { describe, expect, it } from 'vitest';
import { borderIsLight, conversionLabel, conversionShape, convertImage, dataImageShape, luminance, parseConversion, resolveInvert, sideProblem } from './imageConversion';

/** (h, w, 4) RGBA from a grey (h, w) image, opaque. */
const fromGrey = (grey: ArrayLike<number>): Uint8Array => {
  const out = new Uint8Array(grey.length * 4);
  for (let p = 0; p < grey.length; p++) out.set([grey[p]!, grey[p]!, grey[p]!, 255], 4 * p);
  return out;
};

describe('image conversion', () => {
  it('copies a 28×28 grey image exactly, and keeps grey grey through luminance', () => {
    const grey = Uint8Array.from({ length: 784 }, (_, i) => (i * 13) % 256);
    expect(convertImage(fromGrey(grey), 28, 28, { side: 28, color: 'grey' }, false)).toEqual(grey);
    for (let v = 0; v < 256; v++) expect(luminance(v, v, v)).toBe(v);
  });

  it('area-averages exactly: a 2×2 checkerboard of 4×4 blocks to 2×2, and 3:1 by thirds', () => {
    const grey = Uint8Array.from({ length: 64 }, (_, i) => (((i >> 3) >> 2) + ((i & 7) >> 2)) % 2 === 0 ? 200 : 40);
    expect([...convertImage(fromGrey(grey), 8, 8, { side: 2, color: 'grey' }, false)]).toEqual([200, 40, 40, 200]);
    // 3 columns [0, 90, 255] to 1 pixel (in a 1×1 side from 3×3 rows of the same).
    const row = [0, 90, 255, 0, 90, 255, 0, 90, 255];
    expect([...convertImage(fromGrey(row), 3, 3, { side: 1, color: 'grey' }, false)]).toEqual([115]);
  });

  it('keeps the aspect ratio, padding with the background, and centres the content', () => {
    // A 4×2 white image with a black left half, not inverted: content 4 wide, 2 high at side 4, rows 1..2.
    const grey = [0, 0, 255, 255, 0, 0, 255, 255];
    const out = convertImage(fromGrey(grey), 4, 2, { side: 4, color: 'grey' }, false);
    // The border (all 8 pixels) averages 127.5 -> 128, which pads rows 0 and 3.
    expect([...out]).toEqual([128, 128, 128, 128, 0, 0, 255, 255, 0, 0, 255, 255, 128, 128, 128, 128]);
  });

  it('inverts so ink is high, auto-detected from a light border; transparency is white', () => {
    const dark = fromGrey([255, 255, 255, 255, 0, 255, 255, 255, 255]);
    expect(borderIsLight(dark, 3, 3)).toBe(true);
    expect(resolveInvert('auto', dark, 3, 3)).toBe(true);
    expect(resolveInvert('no', dark, 3, 3)).toBe(false);
    expect([...convertImage(dark, 3, 3, { side: 3, color: 'grey' }, true)]).toEqual([0, 0, 0, 0, 255, 0, 0, 0, 0]);
    const transparent = new Uint8Array(9 * 4);
    transparent.set([0, 0, 0, 255], 16);
    expect(borderIsLight(transparent, 3, 3)).toBe(true);
    expect(borderIsLight(fromGrey(new Array(9).fill(10)), 3, 3)).toBe(false);
  });

  it('converts RGB channel-last, and reads conversions back strictly', () => {
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255]);
    expect([...convertImage(rgba, 2, 2, { side: 2, color: 'rgb' }, false)]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    expect(convertImage(rgba, 2, 2, { side: 2, color: 'grey' }, false)[0]).toBe(luminance(255, 0, 0));
    expect(parseConversion({ side: 28, color: 'grey', invert: 'auto' })).toEqual({ side: 28, color: 'grey', invert: 'auto' });
    expect(parseConversion({ side: 65, color: 'grey', invert: 'auto' })).toBeNull();
    expect(parseConversion({ side: 28, color: 'cmyk', invert: 'auto' })).toBeNull();
    expect(parseConversion('28')).toBeNull();
  });

  it('shrinks a large image of one colour into the side without drift', () => {
    const width = 300;
    const height = 170;
    const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => [200, 100, 50, 255][i % 4]!);
    const out = convertImage(rgba, width, height, { side: 16, color: 'rgb' }, true);
    // Uniform colour: the averages and the padding are all the inverted colour, with no drift from the weights.
    expect(out.length).toBe(16 * 16 * 3);
    for (let p = 0; p < 256; p++) expect([...out.subarray(3 * p, 3 * p + 3)]).toEqual([55, 155, 205]);
  });
});

describe('conversion shape and label', () => {
  it('gives (side, side, channels), MNIST for none, words for the report, and refuses sides out of 8..64', () => {
    expect(conversionShape({ side: 20, color: 'rgb' })).toEqual({ height: 20, width: 20, channels: 3 });
    expect(conversionShape({ side: 64, color: 'grey' })).toEqual({ height: 64, width: 64, channels: 1 });
    expect(dataImageShape(null)).toEqual({ height: 28, width: 28, channels: 1 });
    expect(conversionLabel({ side: 20, color: 'rgb' })).toBe('20×20 RGB');
    expect(conversionLabel({ side: 28, color: 'grey' })).toBe('28×28 grey');
    expect(sideProblem(8)).toBeNull();
    expect(sideProblem(64)).toBeNull();
    for (const bad of [7, 65, 20.5, Number.NaN]) expect(sideProblem(bad)).toMatch(/8 to 64/);
    expect(parseConversion({ side: 65, color: 'grey', invert: 'auto' })).toBeNull();
  });
});
