/**
 * Writes an MNIST-style IDX data set (the four files in a folder) as an image folder of PNGs, the layout the page's
 * "Use your own images" and bench:accuracy's DATA_DIR read: OUT/train/<class>/NNNNN.png and OUT/test/<class>/….
 * Class folders are named after the data set's classes (Fashion-MNIST's "T-shirt/top" as "T-shirt-top").
 *   npx tsx scripts/idxToImageFolder.ts /usr/share/datasets/fashion-mnist /tmp/fashion-png [fashion-mnist] [limit]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtInClassNames, imageSetFromIdx, type ImageSet } from '../src/core/data/dataset';
import { assignIdxRoles } from '../src/core/data/idxFiles';
import { encodePng } from '../src/core/data/png';

const [source, out, kind = 'fashion-mnist', limitText] = process.argv.slice(2);
if (!source || !out) {
  console.error('usage: tsx scripts/idxToImageFolder.ts IDX_DIR OUT_DIR [mnist|fashion-mnist] [images per split]');
  process.exit(2);
}
const limit = limitText === undefined ? Infinity : Number(limitText);
const names = builtInClassNames(kind === 'mnist' ? 'mnist' : 'fashion-mnist').map((name) => name.replace('/', '-'));
const roles = assignIdxRoles(readdirSync(source));
const read = (file: string) => new Uint8Array(readFileSync(join(source, file)));

function write(set: ImageSet, split: string): void {
  const size = set.rows * set.cols;
  for (const name of names) mkdirSync(join(out!, split, name), { recursive: true });
  const count = Math.min(limit, set.count);
  for (let i = 0; i < count; i++) {
    writeFileSync(join(out!, split, names[set.labels[i]!]!, `${String(i).padStart(5, '0')}.png`), encodePng(set.pixels.subarray(i * size, (i + 1) * size), set.cols, set.rows, 1));
  }
  console.error(`${split}: ${count} images`);
}

write(imageSetFromIdx(read(roles.trainImages), read(roles.trainLabels), 'train'), 'train');
write(imageSetFromIdx(read(roles.testImages), read(roles.testLabels), 'test'), 'test');
