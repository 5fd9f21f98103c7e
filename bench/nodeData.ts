/** Loads a full MNIST-style dataset from a folder in Node (benchmarks and tests; the browser uses the worker). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageSetFromIdx, splitFull, type SplitDataset } from '../src/core/data/dataset';
import { assignIdxRoles } from '../src/core/data/idxFiles';

export function loadFullDatasetFromDir(dir: string, name: string): SplitDataset {
  const files = assignIdxRoles(readdirSync(dir));
  const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(dir, file)));
  return splitFull(
    imageSetFromIdx(read(files.trainImages), read(files.trainLabels), `${name} train`),
    imageSetFromIdx(read(files.testImages), read(files.testLabels), `${name} test`),
  );
}
