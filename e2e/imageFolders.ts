/**
 * Image folders for the own-images specs, written by the test as a user would prepare them: Fashion-MNIST's first
 * training images as PNGs in class folders (zipped), and generated shape photos in a folder on disk. Each comes
 * with the data set core loads from it in Node (the same layout, split and conversion as the page, PNGs decoded by
 * core's codec), so a spec knows the exact counts and held-out images to compare against.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { FASHION_CLASS_NAMES, imageSetFromIdx } from '../src/core/data/dataset';
import { DEFAULT_CONVERSION, luminance, type InputConversion } from '../src/core/data/imageConversion';
import { loadOwnDataset, type OwnDataset } from '../src/core/data/ownDataset';
import { decodePng, encodePng } from '../src/core/data/png';
import { createRng } from '../src/core/data/rng';
import { shapeFolder } from '../src/core/data/shapeImages.testing';

export const FASHION_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

/** Folder names for Fashion-MNIST's classes ("T-shirt/top" cannot be a folder name). */
export const FASHION_FOLDERS = FASHION_CLASS_NAMES.map((name) => name.replace('/', '-'));

/** The first `count` Fashion-MNIST training images as `fashion/<class>/<index>.png`, zipped. */
export function fashionZip(count: number): Uint8Array {
  const read = (name: string) => new Uint8Array(readFileSync(join(FASHION_DIR, name)));
  const set = imageSetFromIdx(read('train-images-idx3-ubyte.gz'), read('train-labels-idx1-ubyte.gz'), 'Fashion-MNIST train');
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    files[`fashion/${FASHION_FOLDERS[set.labels[i]!]}/${String(i).padStart(5, '0')}.png`] = encodePng(set.pixels.subarray(i * 784, (i + 1) * 784), 28, 28, 1);
  }
  return zipSync(files, { level: 1 });
}

/** What the page must load from a zip: the same code, in Node. */
export function loadZipInNode(zip: Uint8Array, name: string, conversion: InputConversion = DEFAULT_CONVERSION): Promise<OwnDataset> {
  return loadOwnDataset({ kind: 'zip', name, bytes: zip }, { conversion, decode: async (bytes) => decodePng(bytes) });
}

/**
 * Colours of equal luminance ((77 R + 150 G + 29 B + 128) >> 8 = 100 for each): in grey the three classes below
 * are the same picture, so only RGB input can tell them apart.
 */
export const EQUAL_LUMINANCE_COLOURS = { blue: [90, 75, 255], green: [0, 160, 55], red: [255, 40, 0] } as const;

/**
 * `perClass` PNGs per colour as `colours/<colour>/NNN.png`, zipped: a filled disc or square of a random size and
 * place on white, the same shapes drawn the same way in every class; only the colour says the class.
 */
export function colourZip(perClass: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const files: Record<string, Uint8Array> = {};
  for (const [name, [r, g, b]] of Object.entries(EQUAL_LUMINANCE_COLOURS)) {
    if (luminance(r, g, b) !== 100) throw new Error(`${name} is not of luminance 100`);
    for (let i = 0; i < perClass; i++) {
      const side = 32 + rng.int(17);
      const radius = side * (0.18 + 0.15 * rng.next());
      const cx = radius + rng.next() * (side - 2 * radius);
      const cy = radius + rng.next() * (side - 2 * radius);
      const disc = rng.next() < 0.5;
      const rgba = new Uint8Array(side * side * 4).fill(255);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const inside = disc ? Math.hypot(x + 0.5 - cx, y + 0.5 - cy) < radius : Math.max(Math.abs(x + 0.5 - cx), Math.abs(y + 0.5 - cy)) < radius * 0.9;
          if (inside) rgba.set([r, g, b], 4 * (y * side + x));
        }
      }
      files[`colours/${name}/${String(i).padStart(3, '0')}.png`] = encodePng(rgba, side, side, 4);
    }
  }
  return zipSync(files, { level: 1 });
}

/** `perClass` shape photos per class in a new folder `<tmp>/shapes/<shape>/NNN.png`; returns the folder. */
export function shapesDirectory(perClass: number, seed: number): string {
  const root = join(mkdtempSync(join(tmpdir(), 'bitnet-shapes-')), 'shapes');
  for (const [path, bytes] of Object.entries(shapeFolder(perClass, seed))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return root;
}
