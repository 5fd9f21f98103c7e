/**
 * `npm run bench:accuracy`: trains each preset and its float twin (same network, weightQuantizer 'none') side by
 * side, one step of each in turn on the same batches, on the full MNIST in MNIST_DIR, headless in Node on
 * TensorFlow.js's WASM backend (BENCH_BACKEND=cpu to change it), and prints one JSON line per network plus one
 * comparison line per preset (accuracy gap, ternary/float step-time ratio). A benchmark: it asserts nothing.
 * Each preset trains for its own epochs (5 for seed and b158-mlp, 10 for cnn) unless BENCH_EPOCHS sets one count
 * for all; BENCH_PRESETS (comma-separated) and BENCH_MAX_STEPS shorten it. FASHION_MNIST_DIR instead of MNIST_DIR
 * trains on Fashion-MNIST (Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist). DATA_DIR instead
 * trains on an image folder of PNGs (class folders, optional train/ and test/, as the page loads them): without a
 * test/ folder the figures are on its seeded validation split. scripts/idxToImageFolder.ts writes an IDX set as one.
 * IMAGE_SIDE (8..64) and IMAGE_COLOR (grey or rgb) convert a DATA_DIR's images as the page's load options do.
 */
import { PRESETS, type PresetId, type TrainConfig } from '../src/core/model/config';
import { initBackend, isBackendName, registerOptionalBackends } from '../src/train/backend';
import { configForImages, loadFullDatasetFromDir, loadImageFolderFromDir } from './nodeData';
import { trainSideBySide } from './sideBySide';

const imageDir = process.env.DATA_DIR;
const dir = imageDir ?? process.env.FASHION_MNIST_DIR ?? process.env.MNIST_DIR;
const datasetName = imageDir ? `images:${imageDir.replace(/\/+$/, '').split('/').at(-1)}` : process.env.FASHION_MNIST_DIR ? 'Fashion-MNIST' : 'MNIST';
if (!dir) {
  console.error('Set MNIST_DIR (or FASHION_MNIST_DIR) to a folder with the four IDX files, e.g. MNIST_DIR=../shared/data/mnist, or DATA_DIR to an image folder');
  process.exit(2);
}
const epochsOverride = process.env.BENCH_EPOCHS === undefined ? null : Number(process.env.BENCH_EPOCHS);
/** BENCH_MAX_STEPS stops each pair early (for profiling the step ratio; accuracies then mean little). */
const maxSteps = Number(process.env.BENCH_MAX_STEPS ?? Infinity);
const presets = (process.env.BENCH_PRESETS ?? 'seed,b158-mlp,cnn').split(',') as PresetId[];
const requestedBackend = process.env.BENCH_BACKEND ?? 'wasm';
if (!isBackendName(requestedBackend)) throw new Error(`unknown backend ${requestedBackend}`);

await registerOptionalBackends();
const backend = await initBackend([requestedBackend]);
const data = imageDir ? await loadImageFolderFromDir(imageDir) : loadFullDatasetFromDir(dir, datasetName);
if (imageDir) {
  const report = (data as Awaited<ReturnType<typeof loadImageFolderFromDir>>).report;
  console.error(`${datasetName}: ${report.conversion.side}×${report.conversion.side} ${report.conversion.color}, ${report.classNames.length} classes, ${data.train.count} train / ${data.validation.count} held out, ${report.skipped.length} files skipped${report.skipped.length > 0 ? ` (first: ${report.skipped[0]})` : ''}`);
}
/** Where the figures are measured: the test set, or for an image folder its held-out images (test/ or the split). */
const heldOut = data.test ?? data.validation;
const heldOutName = data.test ? 'test' : imageDir && (data as Awaited<ReturnType<typeof loadImageFolderFromDir>>).report.splitFolders ? 'test folder' : 'validation split';

/** Trains the preset and its float twin side by side (sideBySide.ts) and prints their figures. */
async function runSideBySide(preset: PresetId, config: TrainConfig): Promise<void> {
  const { ternary, float, ternaryMs, floatMs, steps, seconds } = await trainSideBySide(preset, config, data, maxSteps);
  const ternaryTest = await ternary.evaluate(heldOut);
  const floatTest = await float.evaluate(heldOut);
  for (const [quantized, test, ms] of [[true, ternaryTest, ternaryMs], [false, floatTest, floatMs]] as const) {
    console.log(JSON.stringify({ preset, dataset: datasetName, split: heldOutName, quantized, backend, epochs: config.epochs, testAcc: test.accuracy, stepMs: ms / steps }));
  }
  console.log(JSON.stringify({ preset, gap: floatTest.accuracy - ternaryTest.accuracy, stepRatio: ternaryMs / floatMs, seconds }));
  ternary.dispose();
  float.dispose();
}

for (const preset of presets) await runSideBySide(preset, configForImages({ ...PRESETS[preset], epochs: epochsOverride ?? PRESETS[preset].epochs }, data, preset));
