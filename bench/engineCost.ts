/**
 * `npm run bench:engine`: QEMU's Cortex-M3 instruction counts of bitnet_predict for the networks the C engine's
 * fitted cost model (src/core/export/detectorBudget.ts) is checked against, next to that model's estimate. Each
 * network has random weights and batch norm (seeded, no training) and runs on the log-mel features of keyword
 * clips (the first clip of each word folder in DATA_DIR, default bench-results/keywords), base 3, 12 classes: the
 * count depends on the shapes and on how many input codes are zero, not on what was learnt. One JSON line per
 * network. A benchmark: it prints figures and asserts nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { clipFeatures, SAMPLE_RATE } from '../src/core/audio/frontEnd';
import { loudestSecond, resample, toPcm16 } from '../src/core/audio/resample';
import { parseWav } from '../src/core/audio/wav';
import { emitC } from '../src/core/export/cEmitter';
import { ENGINE_COST_NETWORKS, networkInstructionEstimate } from '../src/core/export/detectorBudget';
import { createRng } from '../src/core/data/rng';
import { PRESETS } from '../src/core/model/config';
import { modelInputShape } from '../src/core/model/inputResolution';
import { toIntegerModel } from '../src/core/model/integerModel';
import { networkPlan } from '../src/core/model/layers';
import { foldModel } from '../src/core/model/referenceModel';
import { randomSnapshot } from '../src/core/model/randomSnapshot.testing';
import { runCortexM3, writeExport } from '../scripts/cToolchain';

const CLASSES = 12;
const dir = process.env.DATA_DIR ?? 'bench-results/keywords';

const words = readdirSync(dir).filter((name) => !name.startsWith('_') && statSync(join(dir, name)).isDirectory()).sort();
const features = new Uint8Array(words.length * 784);
words.forEach((word, i) => {
  const file = readdirSync(join(dir, word)).filter((name) => name.endsWith('.wav')).sort()[0]!;
  const wav = parseWav(new Uint8Array(readFileSync(join(dir, word, file))), file);
  const pcm = toPcm16(wav.sampleRate === SAMPLE_RATE ? wav.mono : resample(wav.mono, wav.sampleRate, SAMPLE_RATE));
  features.set(clipFeatures(loudestSecond(pcm)), i * 784);
});

for (const [name, layers] of ENGINE_COST_NETWORKS) {
  const config = { ...PRESETS.kws, layers };
  const rng = createRng(7);
  const snapshot = randomSnapshot(networkPlan(layers, modelInputShape(config.inputResolution), CLASSES, config.outputWeights), rng);
  const integer = toIntegerModel(foldModel(snapshot, config, config.weightQuantizer, config.threshold));
  const classNames = Array.from({ length: CLASSES }, (_, c) => `class${c}`);
  const files = emitC(integer, { packing: 'base3', preset: 'custom', configSummary: name, accuracy: null, appVersion: 'bench', classNames, examples: { pixels: features.subarray(0, 784), labels: [0], count: 1 } });
  const run = runCortexM3(writeExport(files, 'bench-engine-'), features, words.length);
  const estimate = networkInstructionEstimate(config, CLASSES);
  console.log(JSON.stringify({ network: name, instructions: run.instructions, estimate, ratio: Number((estimate / run.instructions).toFixed(3)) }));
}
