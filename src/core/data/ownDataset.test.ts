import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { convertImage, DEFAULT_CONVERSION } from './imageConversion';
import { ImageFolderError } from './imageFolder';
import { colourDrawingInput, COLOUR_HINT, drawingBackground, drawingInput, inkCoverage, loadOwnDataset, SAMPLES_PER_CLASS, type DecodeImage } from './ownDataset';
import { decodePng, encodePng } from './png';
import { shapeFolder } from './shapeImages.testing';

const decode: DecodeImage = async (bytes) => decodePng(bytes);

describe('own data sets', () => {
  it('loads a zip of shape photos: classes, a stratified split, auto-inverted 28×28 images, samples per class', async () => {
    const files = shapeFolder(10, 5);
    const zip = zipSync({ ...Object.fromEntries(Object.entries(files).map(([path, bytes]) => [`shapes/${path}`, bytes])), 'shapes/circle/bad.png': new Uint8Array([1, 2, 3]) });
    const progress: [number, number][] = [];
    const dataset = await loadOwnDataset({ kind: 'zip', name: 'shapes.zip', bytes: zip }, { conversion: DEFAULT_CONVERSION, decode, onProgress: (done, total) => progress.push([done, total]) });
    const { report } = dataset;
    expect(dataset.classNames).toEqual(['circle', 'square', 'triangle']);
    expect(report.counts).toEqual([[8, 2], [8, 2], [8, 2]]);
    expect([dataset.train.count, dataset.validation.count, dataset.train.rows, dataset.train.cols]).toEqual([24, 6, 28, 28]);
    expect(report.lightBackground).toBe(true);
    expect(report.inverted).toBe(true);
    // Inverted: the background (the corners) is dark, the ink bright.
    expect(dataset.train.pixels[0]).toBeLessThan(40);
    expect(Math.max(...dataset.train.pixels.subarray(0, 784))).toBeGreaterThan(150);
    expect(report.sampleCounts).toEqual([SAMPLES_PER_CLASS, SAMPLES_PER_CLASS, SAMPLES_PER_CLASS]);
    expect(report.skipped.join()).toContain('"shapes/circle/bad.png" is not an image in a supported format');
    const imageBytes = Object.values(files).reduce((sum, bytes) => sum + bytes.length, 0);
    expect(progress.length).toBe(31);
    expect(progress.at(-1)).toEqual([imageBytes, imageBytes]);
  });

  it('loads the same folder from files, and honours the invert override', async () => {
    const files = shapeFolder(4, 6);
    const list = Object.entries(files).map(([path, bytes]) => ({ path: `picked/${path}`, size: bytes.length, read: async () => bytes }));
    const a = await loadOwnDataset({ kind: 'files', name: 'picked', files: list }, { conversion: DEFAULT_CONVERSION, decode });
    const b = await loadOwnDataset({ kind: 'zip', name: 'z', bytes: zipSync(files) }, { conversion: DEFAULT_CONVERSION, decode });
    expect({ ...a, report: null }).toEqual({ ...b, report: null });
    const plain = await loadOwnDataset({ kind: 'files', name: 'picked', files: list }, { conversion: { ...DEFAULT_CONVERSION, invert: 'no' }, decode });
    expect(plain.report.inverted).toBe(false);
    expect(plain.train.pixels.map((v) => 255 - v)).toEqual(a.train.pixels);
  });

  it('skips images that do not decode by name, and cancels between images without a partial result', async () => {
    const files = shapeFolder(3, 7);
    const failing: DecodeImage = async (bytes, header) => {
      if (bytes === files['square/001.png']) throw new Error('bad data');
      return decode(bytes, header);
    };
    const list = Object.entries(files).map(([path, bytes]) => ({ path, size: bytes.length, read: async () => bytes }));
    const { report } = await loadOwnDataset({ kind: 'files', name: 'f', files: list }, { conversion: DEFAULT_CONVERSION, decode: failing });
    expect(report.skipped).toContain('"square/001.png" could not be decoded (bad data); skipped.');
    expect(report.counts[1]![0] + report.counts[1]![1]).toBe(2);
    let calls = 0;
    await expect(loadOwnDataset({ kind: 'files', name: 'f', files: list }, { conversion: DEFAULT_CONVERSION, decode, cancelled: () => ++calls > 4 })).rejects.toThrow(/cancelled/);
  });

  it('refuses a data set left without validation images', async () => {
    const one = (seed: number) => encodePng(Uint8Array.from({ length: 16 }, (_, i) => (i * seed) % 256), 4, 4, 1);
    const files = [{ path: 'a/1.png', bytes: one(3) }, { path: 'b/1.png', bytes: one(5) }].map((f) => ({ path: f.path, size: f.bytes.length, read: async () => f.bytes }));
    await expect(loadOwnDataset({ kind: 'files', name: 'f', files }, { conversion: DEFAULT_CONVERSION, decode })).rejects.toThrow(ImageFolderError);
  });

  it('loads RGB images as (side, side, 3) channel-last pixels, in the same split and order as grey', async () => {
    const list = Object.entries(shapeFolder(4, 8)).map(([path, bytes]) => ({ path, size: bytes.length, read: async () => bytes }));
    const grey = await loadOwnDataset({ kind: 'files', name: 'f', files: list }, { conversion: { ...DEFAULT_CONVERSION, side: 20 }, decode });
    const rgb = await loadOwnDataset({ kind: 'files', name: 'f', files: list }, { conversion: { side: 20, color: 'rgb', invert: 'auto' }, decode });
    expect([rgb.train.rows, rgb.train.cols, rgb.train.channels, grey.train.channels]).toEqual([20, 20, 3, 1]);
    expect(rgb.train.pixels.length).toBe(3 * grey.train.pixels.length);
    expect(Array.from(rgb.train.labels)).toEqual(Array.from(grey.train.labels));
    expect(rgb.report.samples.length).toBe(3 * grey.report.samples.length);
    // The shapes are coloured: somewhere the three channels of a pixel differ, which grey cannot show.
    let coloured = 0;
    for (let p = 0; p < rgb.train.pixels.length; p += 3) if (rgb.train.pixels[p] !== rgb.train.pixels[p + 1] || rgb.train.pixels[p + 1] !== rgb.train.pixels[p + 2]) coloured++;
    expect(coloured).toBeGreaterThan(100);
  });

  it('says when images loaded as grey are in colour, and not for grey images or an RGB load', async () => {
    const list = Object.entries(shapeFolder(4, 8)).map(([path, bytes]) => ({ path, size: bytes.length, read: async () => bytes }));
    const grey = await loadOwnDataset({ kind: 'files', name: 'f', files: list }, { conversion: DEFAULT_CONVERSION, decode });
    expect(grey.report.warnings).toContain(COLOUR_HINT);
    const rgb = await loadOwnDataset({ kind: 'files', name: 'f', files: list }, { conversion: { ...DEFAULT_CONVERSION, color: 'rgb' }, decode });
    expect(rgb.report.warnings).not.toContain(COLOUR_HINT);
    // Grey squares on white with a faint tint (R, G, B within the tolerance, as JPEG noise leaves them).
    const tinted = (level: number): Uint8Array => {
      const rgba = new Uint8Array(8 * 8 * 4).fill(255);
      for (let p = 18; p < 46; p++) rgba.set([level + 10, level, level + 5, 255], 4 * p);
      return encodePng(rgba, 8, 8, 4);
    };
    const greyFiles = ['a/1.png', 'a/2.png', 'a/3.png', 'b/1.png', 'b/2.png', 'b/3.png'].map((path, i) => ({ path, bytes: tinted(20 * i) }));
    const plain = await loadOwnDataset({ kind: 'files', name: 'g', files: greyFiles.map((f) => ({ path: f.path, size: f.bytes.length, read: async () => f.bytes })) }, { conversion: DEFAULT_CONVERSION, decode });
    expect(plain.report.warnings).not.toContain(COLOUR_HINT);
  });
});

describe('drawings as input', () => {
  it('are converted like the data set: ink high where its ink is high, low where it is low', async () => {
    // A 4×4 drawing: a bright 2×2 square of ink on black.
    const rgba = new Uint8Array(64);
    for (let p = 0; p < 16; p++) rgba.set([[5, 6, 9, 10].includes(p) ? 255 : 0, [5, 6, 9, 10].includes(p) ? 255 : 0, [5, 6, 9, 10].includes(p) ? 255 : 0, 255], 4 * p);
    const conversion = { side: 2, color: 'grey' as const, invert: 'auto' as const };
    expect([...drawingInput(rgba, 4, 4, { conversion, inverted: true, lightBackground: true })]).toEqual([64, 64, 64, 64]);
    expect([...drawingInput(rgba, 4, 4, { conversion, inverted: false, lightBackground: false })]).toEqual([64, 64, 64, 64]);
    expect([...drawingInput(rgba, 4, 4, { conversion, inverted: false, lightBackground: true })]).toEqual([191, 191, 191, 191]);
  });
});

describe('colour drawings as input', () => {
  it('a red stroke on a light set that was inverted becomes cyan-ish ink on black, as the equivalent photo converts', () => {
    // 8×8 coverage: a full 4×4 square of pen in the middle, its left column half covered (an anti-aliased edge).
    const coverage = new Uint8Array(64);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) coverage[y * 8 + x] = x === 2 ? 128 : 255;
    const report = { conversion: { side: 4, color: 'rgb' as const, invert: 'auto' as const }, inverted: true, lightBackground: true };
    const red = [255, 0, 0] as const;
    const input = colourDrawingInput(coverage, 8, 8, red, report);
    // The photo it stands for: red over white, the edge blended half way.
    const photo = new Uint8Array(64 * 4);
    for (let p = 0; p < 64; p++) {
      const a = coverage[p]! / 255;
      photo.set([255, Math.round(255 * (1 - a)), Math.round(255 * (1 - a)), 255], 4 * p);
    }
    expect(Array.from(input)).toEqual(Array.from(convertImage(photo, 8, 8, report.conversion, true)));
    // Corner: the white background inverted to black; centre: red inverted to cyan.
    expect(Array.from(input.subarray(0, 3))).toEqual([0, 0, 0]);
    const centre = Array.from(input.subarray((2 * 4 + 2) * 3, (2 * 4 + 2) * 3 + 3));
    expect(centre).toEqual([0, 255, 255]);
  });

  it('reads coverage back from a canvas painted with the pen over the background', () => {
    const background = drawingBackground({ lightBackground: true });
    const pen = [0, 160, 55] as const;
    // Three pixels: background, half covered, fully covered.
    const rgba = Uint8Array.from([255, 255, 255, 255, 127, 207, 155, 255, 0, 160, 55, 255]);
    expect(Array.from(inkCoverage(rgba, pen, background))).toEqual([0, 128, 255]);
    expect(Array.from(inkCoverage(rgba, [255, 255, 255], background))).toEqual([0, 0, 0]);
  });

  it('keeps a dark set dark: pen over black, not inverted', () => {
    const coverage = new Uint8Array(4).fill(255);
    const report = { conversion: { side: 2, color: 'rgb' as const, invert: 'auto' as const }, inverted: false, lightBackground: false };
    expect(Array.from(colourDrawingInput(coverage, 2, 2, [200, 10, 30], report))).toEqual([200, 10, 30, 200, 10, 30, 200, 10, 30, 200, 10, 30]);
  });
});
