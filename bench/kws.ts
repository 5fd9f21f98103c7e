/**
 * `npm run bench:kws`: keyword-spotting accuracy. Loads a keyword folder in the Speech Commands layout as the page
 * does (core/audio/keywordDataset.ts: WAVs -> the integer log-mel front end -> 28×28 features, augmented training
 * copies), trains the `kws` preset and its float twin side by side (sideBySide.ts) headless on TensorFlow.js's WASM
 * backend, and prints one JSON line per network: {preset, dataset, quantized, testAcc, perClass, ...} on the test
 * split (the voices or speakers never heard in training). A benchmark: it asserts nothing.
 *
 * DATA_DIR: the keyword folder; without it the full synthesised set is written (once, then cached) to
 * bench-results/keywords/ by scripts/makeKeywords.ts. KWS_TARGET=yes trains the binary "yes vs everything else"
 * model instead (classes `_other_` and the word). BENCH_SEED trains with another seed (the recipe's spread).
 * BENCH_EPOCHS, BENCH_PRESETS (default kws), BENCH_BACKEND and BENCH_MAX_STEPS as in bench:accuracy.
 */
import { basename } from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ImageSet, SplitDataset } from '../src/core/data/dataset';
import { loadKeywordDataset, type KeywordDataset } from '../src/core/audio/keywordDataset';
import { PRESETS, type PresetId } from '../src/core/model/config';
import { initBackend, isBackendName, registerOptionalBackends } from '../src/train/backend';
import { makeKeywordSet } from '../scripts/makeKeywords';
import { trainSideBySide } from './sideBySide';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A keyword folder as the page loads it. */
export function loadKeywordFolder(dir: string): Promise<KeywordDataset> {
  const files = filesUnder(dir).map((path) => ({
    path: relative(dir, path).split('\\').join('/'),
    size: statSync(path).size,
    read: async () => new Uint8Array(readFileSync(path)),
  }));
  return loadKeywordDataset({ kind: 'files', name: basename(dir), files });
}

/** The data set relabelled as "target vs everything else": class 0 `_other_`, class 1 the target word. */
export function binaryDataset(data: SplitDataset, target: string): SplitDataset {
  const index = data.classNames.indexOf(target);
  if (index < 0) throw new Error(`KWS_TARGET=${target} is not a class (classes: ${data.classNames.join(', ')})`);
  const relabel = (set: ImageSet): ImageSet => ({ ...set, labels: set.labels.map((label) => (label === index ? 1 : 0)) });
  return { train: relabel(data.train), validation: relabel(data.validation), test: data.test && relabel(data.test), classNames: ['_other_', target] };
}

/** Accuracy per class of `predicted` against the set's labels, by class name. */
function perClassAccuracy(set: ImageSet, predicted: Uint8Array, classNames: readonly string[]): Record<string, number | null> {
  const right = classNames.map(() => 0);
  const all = classNames.map(() => 0);
  for (let i = 0; i < set.count; i++) {
    all[set.labels[i]!]!++;
    if (predicted[i] === set.labels[i]) right[set.labels[i]!]!++;
  }
  return Object.fromEntries(classNames.map((name, c) => [name, all[c]! === 0 ? null : Math.round((10000 * right[c]!) / all[c]!) / 10000]));
}

const dataDir = process.env.DATA_DIR ?? 'bench-results/keywords';
if (process.env.DATA_DIR === undefined) {
  const written = await makeKeywordSet(dataDir, { small: false, perVoice: 3, seed: 41 }, (line) => console.error(line));
  if (written > 0) console.error(`synthesised ${written} clips into ${dataDir}`);
}
const target = process.env.KWS_TARGET ?? null;
const epochsOverride = process.env.BENCH_EPOCHS === undefined ? null : Number(process.env.BENCH_EPOCHS);
const maxSteps = Number(process.env.BENCH_MAX_STEPS ?? Infinity);
const seedOverride = process.env.BENCH_SEED === undefined ? null : Number(process.env.BENCH_SEED);
const presets = (process.env.BENCH_PRESETS ?? 'kws').split(',') as PresetId[];
const requestedBackend = process.env.BENCH_BACKEND ?? 'wasm';
if (!isBackendName(requestedBackend)) throw new Error(`unknown backend ${requestedBackend}`);

await registerOptionalBackends();
const backend = await initBackend([requestedBackend]);
const loadStart = performance.now();
const loaded = await loadKeywordFolder(dataDir);
const report = loaded.keywords;
console.error(
  `${report.name}: ${report.classNames.length} classes, ${loaded.train.count} train (with ${report.augmentedCopies} augmented copies per clip) / ${loaded.validation.count} validation / ${loaded.test?.count ?? 0} test, ` +
    `${report.skipped.length} skipped, loaded in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`,
);
const data = target === null ? loaded : binaryDataset(loaded, target);
const heldOut = data.test ?? data.validation;
const datasetName = `keywords:${report.name}${target === null ? '' : `:${target}-vs-rest`}`;

for (const preset of presets) {
  const config = { ...PRESETS[preset], epochs: epochsOverride ?? PRESETS[preset].epochs, seed: seedOverride ?? PRESETS[preset].seed };
  const { ternary, float, ternaryMs, floatMs, steps, seconds } = await trainSideBySide(preset, config, data, maxSteps);
  for (const [quantized, trainer, ms] of [[true, ternary, ternaryMs], [false, float, floatMs]] as const) {
    const test = await trainer.evaluate(heldOut);
    const perClass = perClassAccuracy(heldOut, await trainer.predict(heldOut), data.classNames);
    console.log(JSON.stringify({ preset, dataset: datasetName, split: data.test ? 'test' : 'validation', quantized, backend, epochs: config.epochs, seed: config.seed, testAcc: test.accuracy, perClass, stepMs: ms / steps }));
  }
  console.log(JSON.stringify({ preset, dataset: datasetName, stepRatio: ternaryMs / floatMs, seconds }));
  ternary.dispose();
  float.dispose();
}
