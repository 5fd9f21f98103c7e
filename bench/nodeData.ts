/**
 * Loads data sets from a folder in Node (benchmarks and tests; the browser uses the worker): a full MNIST-style set
 * of four IDX files, or an image folder (class folders, optional train/ and test/) of PNGs, decoded by core's
 * codec (other formats are skipped with a message: Node has no browser decoders).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { imageSetFromIdx, splitFull, type SplitDataset } from '../src/core/data/dataset';
import { DEFAULT_CONVERSION } from '../src/core/data/imageConversion';
import { assignIdxRoles } from '../src/core/data/idxFiles';
import { loadOwnDataset, type OwnDataset } from '../src/core/data/ownDataset';
import { decodePng } from '../src/core/data/png';

export function loadFullDatasetFromDir(dir: string, name: string): SplitDataset {
  const files = assignIdxRoles(readdirSync(dir));
  const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(dir, file)));
  return splitFull(
    imageSetFromIdx(read(files.trainImages), read(files.trainLabels), `${name} train`),
    imageSetFromIdx(read(files.testImages), read(files.testLabels), `${name} test`),
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** An image folder as the page loads it (same layout, split and conversion). */
export function loadImageFolderFromDir(dir: string): Promise<OwnDataset> {
  const files = filesUnder(dir).map((path) => ({
    path: relative(dir, path).split('\\').join('/'),
    size: statSync(path).size,
    read: async () => new Uint8Array(readFileSync(path)),
  }));
  return loadOwnDataset({ kind: 'files', name: basename(dir), files }, { conversion: DEFAULT_CONVERSION, decode: async (bytes) => decodePng(bytes) });
}
