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
import { DEFAULT_CONVERSION } from '../src/core/data/imageConversion';
import { loadOwnDataset, type OwnDataset } from '../src/core/data/ownDataset';
import { decodePng, encodePng } from '../src/core/data/png';
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
export function loadZipInNode(zip: Uint8Array, name: string): Promise<OwnDataset> {
  return loadOwnDataset({ kind: 'zip', name, bytes: zip }, { conversion: DEFAULT_CONVERSION, decode: async (bytes) => decodePng(bytes) });
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
