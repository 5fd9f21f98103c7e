/**
 * Loads data sets from a folder in Node (benchmarks and tests; the browser uses the worker): a full MNIST-style set
 * of four IDX files, or an image folder (class folders, optional train/ and test/) of PNGs, decoded by core's
 * codec (other formats are skipped with a message: Node has no browser decoders). IMAGE_SIDE (8..64, default 28)
 * and IMAGE_COLOR (grey or rgb, default grey) choose the conversion, as the page's load options do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { imageSetFromIdx, imageShapeOfSet, splitFull, type SplitDataset } from '../src/core/data/dataset';
import { DEFAULT_CONVERSION, MAX_SIDE, MIN_SIDE, parseConversion, type InputConversion } from '../src/core/data/imageConversion';
import { inputShapeProblem, type TrainConfig } from '../src/core/model/config';
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

/** The conversion IMAGE_SIDE and IMAGE_COLOR ask for (the page's default where unset); throws on values out of range. */
export function conversionFromEnv(env: Record<string, string | undefined> = process.env): InputConversion {
  const conversion = parseConversion({
    ...DEFAULT_CONVERSION,
    side: env.IMAGE_SIDE === undefined ? DEFAULT_CONVERSION.side : Number(env.IMAGE_SIDE),
    color: env.IMAGE_COLOR ?? DEFAULT_CONVERSION.color,
  });
  if (!conversion) throw new Error(`IMAGE_SIDE must be an integer from ${MIN_SIDE} to ${MAX_SIDE} and IMAGE_COLOR grey or rgb (got ${env.IMAGE_SIDE}, ${env.IMAGE_COLOR})`);
  return conversion;
}

/**
 * The preset's config for these images: a 16×16 input averages 28×28 grey images only, so on others the first
 * layer takes the image as it is (inputResolution 28, "as the image"), with a note on stderr.
 */
export function configForImages(config: TrainConfig, data: SplitDataset, label: string): TrainConfig {
  const problem = inputShapeProblem(config, imageShapeOfSet(data.train));
  if (!problem) return config;
  console.error(`# ${label}: ${problem} Training with Input "as the image".`);
  return { ...config, inputResolution: 28 };
}

/** An image folder as the page loads it (same layout, split and, by default, conversion: conversionFromEnv). */
export function loadImageFolderFromDir(dir: string, conversion: InputConversion = conversionFromEnv()): Promise<OwnDataset> {
  const files = filesUnder(dir).map((path) => ({
    path: relative(dir, path).split('\\').join('/'),
    size: statSync(path).size,
    read: async () => new Uint8Array(readFileSync(path)),
  }));
  return loadOwnDataset({ kind: 'files', name: basename(dir), files }, { conversion, decode: async (bytes) => decodePng(bytes) });
}
