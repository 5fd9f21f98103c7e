/**
 * The tfjs QAT forward pass checked against core's reference on packed weights: after some training, both must
 * predict the same digits (tolerance: float rounding can move a logit across an absmax rounding step or a sign
 * boundary, so a handful of disagreements in a thousand are allowed, no more).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedMnist } from './embeddedMnist.testing';
import { PRESETS, type PresetId, type TrainConfig } from '../core/model/config';
import { mlpLayers, type LayerSpec } from '../core/model/layers';
import type { ScaleGranularity } from '../core/quant/ternary';
import type { ImageSet, SplitDataset } from '../core/data/dataset';
import { argmaxRows, foldModel, referenceForward } from '../core/model/referenceModel';
import * as tf from './tf';
import { Trainer } from './trainer';

let data: SplitDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadEmbeddedMnist();
});

/** A small CNN with odd shapes: kernels 5 and 3, 'valid' and 'same', stride 2, channel counts not multiples of 4. */
const SMALL_CNN: LayerSpec[] = [
  { kind: 'conv2d', filters: 6, kernel: 5, stride: 1, padding: 'valid' },
  { kind: 'maxpool2d', size: 2 },
  { kind: 'conv2d', filters: 10, kernel: 3, stride: 2, padding: 'same' },
  { kind: 'flatten' },
  { kind: 'dense', units: 32 },
];

/** SMALL_CNN with BitNetMCU-style mixed weight formats: 8-bit first conv, 4-bit second, ternary dense layer. */
const MIXED_CNN: LayerSpec[] = SMALL_CNN.map((layer, i) =>
  layer.kind === 'conv2d' ? { ...layer, weights: i === 0 ? 'int8' : 'int4' } : layer,
);

describe.each<[string, PresetId, LayerSpec[], ScaleGranularity?, Partial<TrainConfig>?]>([
  ['seed', 'seed', mlpLayers([128])],
  ['b158-mlp', 'b158-mlp', mlpLayers([96, 64])],
  ['cnn (a small one)', 'cnn', SMALL_CNN],
  ['a CNN with binary activations (seed quantizers)', 'seed', SMALL_CNN],
  ['a CNN with a ternary scale per output channel', 'cnn', SMALL_CNN, 'channel'],
  ['an MLP with a ternary scale per output unit', 'b158-mlp', mlpLayers([96, 64]), 'channel'],
  ['mcu-16k (16×16 input)', 'mcu-16k', PRESETS['mcu-16k'].layers, 'channel'],
  ['mcu-16k without shift averaging', 'mcu-16k', PRESETS['mcu-16k'].layers, 'channel', { shiftAveraging: false }],
  ['seed with shift averaging (the 28×28 image moved)', 'seed', mlpLayers([128]), 'layer', { shiftAveraging: true }],
  ['mcu-cnn-16k (16×16 input, three conv layers)', 'mcu-cnn-16k', PRESETS['mcu-cnn-16k'].layers, 'channel'],
  ['kws (a stride-2 conv after a pool)', 'kws', PRESETS.kws.layers, 'channel'],
  ['a CNN in mixed weight formats (int8, int4, ternary, int4 output)', 'cnn', MIXED_CNN, 'channel', { outputWeights: 'int4' }],
  ['an MLP with int4 weights throughout, one scale per layer', 'b158-mlp', [{ kind: 'flatten' }, { kind: 'dense', units: 64, weights: 'int4' }], 'layer', { outputWeights: 'int4' }],
])('%s: tfjs forward = core reference on packed weights', (_, preset, layers, weightScale = 'layer', extra = {}) => {
  it('agrees on predictions for 500 validation images, at two thresholds', async () => {
    // Batches of at most 32: the 40 steps only have to move the weights away from their initial values, and the
    // mcu-cnn-16k preset's batches of 128 made this test take 150 s on the tfjs CPU backend here.
    const config = { ...PRESETS[preset], layers, weightScale, ...extra, epochs: 1, batchSize: Math.min(PRESETS[preset].batchSize, 32) };
    const trainer = new Trainer(config, data);
    for (let i = 0; i < 40; i++) await trainer.step();
    const count = 500;
    // The trainer's own evaluation path: the one that sums the passes of shift averaging.
    const firstImages: ImageSet = { ...data.validation, count, pixels: data.validation.pixels.subarray(0, count * 784), labels: data.validation.labels.subarray(0, count) };
    for (const threshold of [config.threshold, 1.1]) {
      trainer.model.setThreshold(threshold);
      const fromTfjs = await trainer.predict(firstImages);
      const quantizer = config.weightQuantizer === 'none' ? 'twn' : config.weightQuantizer;
      const model = foldModel(await trainer.model.snapshot(), config, quantizer, threshold);
      const pixels = data.validation.pixels.subarray(0, count * 784);
      const fromReference = argmaxRows(referenceForward(model, pixels, count), count, 10);
      let agree = 0;
      for (let i = 0; i < count; i++) if (fromReference[i] === fromTfjs[i]) agree++;
      expect(agree / count).toBeGreaterThanOrEqual(0.99);
    }
    trainer.dispose();
    // The three-conv preset takes 45 s alone on the CPU backend here, and about twice that beside other test files.
  }, 300_000);
});
