/**
 * The exports of trained models, proven by real toolchains on the embedded data: the C built by the system cc with
 * the strict flags computes exactly integerForward's scores (core), which agree with the float reference;
 * ONNX Runtime reproduces the reference's logits; for a Cortex-M0+ the objects reference no floating point and no
 * malloc and have the size core's footprint model says; an emulated Cortex-M3 predicts what the host predicts.
 * Hostile models too: t = 0 and t = 2, a zero-variance unit, negative γ, a layer whose trits are all zero.
 * CNNs too: ONNX (Conv, MaxPool) and C (conv and pool in the integer engine) with the same proofs.
 */
import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedMnist } from './embeddedMnist.testing';
import { emitC, integerModelFootprint, zipFiles } from '../core/export/cEmitter';
import { mlpLayers, type LayerSpec } from '../core/model/layers';
import { configFootprint } from '../core/export/mcuFootprint';
import { FLOAT_WEIGHTS_PROBLEM, integerOnlyConfigProblem } from '../core/model/integerModel';
import { PRESETS, type PresetId, type TrainConfig } from '../core/model/config';
import type { ImageSet } from '../core/data/dataset';
import { argmaxRows, foldModel, referenceForward, type InferenceModel, type LayerSnapshot } from '../core/model/referenceModel';
import { argmaxInt, integerForward, toIntegerModel, type IntegerModel } from '../core/model/integerModel';
import { decodeOnnx, exportOnnx } from '../core/export/onnxExport';
import type { TritPacking } from '../core/quant/tritBytes';
import {
  armToolchainAvailable,
  buildCortexM0Plus,
  buildHost,
  buildUserMain,
  forbiddenSymbols,
  runCortexM3,
  runExample,
  runHost,
  writeExport,
} from '../../scripts/cToolchain';
import * as tf from './tf';
import { Trainer } from './trainer';

let validation: ImageSet;
const COUNT = 1000;
/** CI installs the Arm toolchain and QEMU (.ci/run); a developer machine without them skips those checks. */
const runArm = armToolchainAvailable() || !!process.env.CI;

beforeAll(async () => {
  await tf.setBackend('cpu');
  validation = loadEmbeddedMnist().validation;
});

async function trainedSnapshot(config: TrainConfig, steps: number): Promise<LayerSnapshot[]> {
  const trainer = new Trainer(config, loadEmbeddedMnist());
  for (let i = 0; i < steps; i++) await trainer.step();
  const snapshot = await trainer.model.snapshot();
  trainer.dispose();
  return snapshot;
}

function clone(snapshot: LayerSnapshot[]): LayerSnapshot[] {
  return snapshot.map((layer) => ({
    ...layer,
    weight: layer.weight.slice(),
    bias: layer.bias.slice(),
    batchNorm: layer.batchNorm && {
      gamma: layer.batchNorm.gamma.slice(),
      beta: layer.batchNorm.beta.slice(),
      mean: layer.batchNorm.mean.slice(),
      variance: layer.batchNorm.variance.slice(),
    },
  }));
}

/** Unit 0 of the first layer gets zero variance, units 1–4 a negative γ. */
function hostileBatchNorm(snapshot: LayerSnapshot[]): LayerSnapshot[] {
  const copy = clone(snapshot);
  const bn = copy[0]!.batchNorm!;
  bn.variance[0] = 0;
  for (let j = 1; j < 5; j++) bn.gamma[j] = -bn.gamma[j]!;
  return copy;
}

/** Every trit of the last layer is zero: the scores are the folded biases alone. */
function zeroLastLayer(snapshot: LayerSnapshot[]): LayerSnapshot[] {
  const copy = clone(snapshot);
  copy[copy.length - 1]!.weight.fill(0);
  return copy;
}

function predictionsOf(scores: Int32Array, count: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => argmaxInt(scores, i * 10, 10));
}

function share(a: ArrayLike<number>, b: ArrayLike<number>, count: number): number {
  let same = 0;
  for (let i = 0; i < count; i++) if (a[i] === b[i]) same++;
  return same / count;
}

function emit(model: InferenceModel, packing: TritPacking, preset: string) {
  const integer = toIntegerModel(model);
  return {
    integer,
    files: emitC(integer, {
      packing,
      preset,
      configSummary: 'test',
      accuracy: null,
      examples: { pixels: validation.pixels.subarray(0, 4 * 784), labels: validation.labels.subarray(0, 4), count: 4 },
      appVersion: 'test',
    }),
  };
}

/**
 * The Cortex-M0+ build of an export: no floating point, flash and RAM within 5 % of core's estimate of the integer
 * model (the stack at most the estimate), and QEMU's Cortex-M3 scores equal to the host build's on 8 images.
 * Returns the measured sizes and the estimate for the caller's own checks.
 */
function checkCortexM(name: string, integer: IntegerModel, files: ReturnType<typeof emitC>, packing: TritPacking) {
  const dir = writeExport(files);
  const sizes = buildCortexM0Plus(dir);
  expect(forbiddenSymbols(sizes.undefinedSymbols)).toEqual([]);
  const estimate = integerModelFootprint(integer, packing);
  console.log(`${name} ${packing}: flash ${sizes.flashBytes} (estimate ${estimate.flashBytes}), RAM ${sizes.ramBytes} (${estimate.ramBytes}), stack ${sizes.stackBytes} (${estimate.stackBytes})`);
  expect(Math.abs(estimate.flashBytes - sizes.flashBytes) / sizes.flashBytes).toBeLessThanOrEqual(0.05);
  expect(Math.abs(estimate.ramBytes - sizes.ramBytes) / sizes.ramBytes).toBeLessThanOrEqual(0.05);
  expect(estimate.stackBytes).toBeGreaterThanOrEqual(sizes.stackBytes);
  const host = runHost(buildHost(dir), validation.pixels, 8);
  const emulated = runCortexM3(dir, validation.pixels, 8);
  expect(Array.from(emulated.scores)).toEqual(Array.from(host.scores));
  return { sizes, estimate };
}

describe.each<[PresetId, number[]]>([
  ['seed', [128]],
  ['b158-mlp', [96, 64]],
  ['mcu-16k', [128, 128, 64]],
])('%s exports', (preset, hidden) => {
  const config: TrainConfig = { ...PRESETS[preset], layers: mlpLayers(hidden), epochs: 1 };
  const quantizer = config.weightQuantizer === 'none' ? 'twn' : config.weightQuantizer;
  let trained: LayerSnapshot[];

  beforeAll(async () => {
    trained = await trainedSnapshot(config, 40);
  });

  /**
   * [name, snapshot, threshold, least share of integer predictions equal to the reference's]. A zero-variance unit's
   * folded gain (γ/√ε) makes it dominate the per-example absmax of the next layer's input, so the other units get
   * a few 8-bit codes each and more near-ties between classes flip on the integer requantization's rounding: 0.98
   * measured with mcu-16k's three hidden layers (0.999 and up with one or two). The C must still equal
   * integerForward exactly, and ONNX the reference.
   */
  const variants: [string, () => LayerSnapshot[], number, number][] = [
    ['as trained', () => trained, config.threshold, 0.995],
    ['t = 0', () => trained, 0, 0.995],
    ['t = 2', () => trained, 2, 0.995],
    ['zero variance and negative γ', () => hostileBatchNorm(trained), config.threshold, 0.97],
    ['a layer of zero trits', () => zeroLastLayer(trained), config.threshold, 0.995],
  ];

  it.each(variants)('%s: the C (cc, strict flags) computes integerForward exactly; integer, ONNX and reference agree', async (_, snapshotOf, threshold, leastAgreement) => {
    const model = foldModel(snapshotOf(), config, quantizer, threshold);
    const pixels = validation.pixels.subarray(0, COUNT * 784);
    const referenceLogits = referenceForward(model, pixels, COUNT);
    const reference = argmaxRows(referenceLogits, COUNT, 10);

    const { integer, files } = emit(model, 'base3', preset);
    const scores = integerForward(integer, pixels, COUNT);
    expect(share(predictionsOf(scores, COUNT), reference, COUNT)).toBeGreaterThanOrEqual(leastAgreement);

    const dir = writeExport(files);
    const binary = buildHost(dir);
    const fromC = runHost(binary, pixels, 300);
    expect(Array.from(fromC.scores)).toEqual(Array.from(scores.subarray(0, 300 * 10)));
    expect(Array.from(fromC.predictions)).toEqual(Array.from(predictionsOf(scores, 300)));
    const example = runExample(dir);
    expect(example.ok, example.output).toBe(true);

    const session = await ort.InferenceSession.create(exportOnnx(model, { preset, appVersion: 'test', metadata: {} }));
    const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [COUNT, 784]) });
    const onnxLogits = output.logits!.data as Float32Array;
    let maxDifference = 0;
    for (let i = 0; i < onnxLogits.length; i++) maxDifference = Math.max(maxDifference, Math.abs(onnxLogits[i]! - referenceLogits[i]!));
    expect(maxDifference).toBeLessThanOrEqual(1e-4);
    expect(share(argmaxRows(onnxLogits, COUNT, 10), reference, COUNT)).toBeGreaterThanOrEqual(0.999);
  });

  it("a user's own main.c builds with `cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic *.c main.c`", () => {
    const { files } = emit(foldModel(trained, config, quantizer, config.threshold), 'base3', preset);
    const userMain = `#include <stdio.h>
#include <string.h>
#include "bitnet.h"
int main(void)
{
    uint8_t image[BITNET_INPUT_SIZE];
    int32_t scores[BITNET_NUM_CLASSES];
    memset(image, 0, sizeof image);
    image[14 * 28 + 14] = 255;
    printf("%d\\n", bitnet_predict(image, scores));
    return 0;
}
`;
    const app = buildUserMain(writeExport(files), userMain);
    const printed = Number(execFileSync(app, { encoding: 'utf8' }).trim());
    const image = new Uint8Array(784);
    image[14 * 28 + 14] = 255;
    expect(printed).toBe(argmaxInt(integerForward(toIntegerModel(foldModel(trained, config, quantizer, config.threshold)), image, 1)));
  });

  it('the fastest packing gives the same scores as the smallest', () => {
    const model = foldModel(trained, config, quantizer, config.threshold);
    const pixels = validation.pixels.subarray(0, 200 * 784);
    const { integer, files } = emit(model, 'base4', preset);
    const run = runHost(buildHost(writeExport(files)), pixels, 200);
    expect(Array.from(run.scores)).toEqual(Array.from(integerForward(integer, pixels, 200)));
  });

  it('the same model gives the same files and zip, byte for byte', () => {
    const model = foldModel(trained, config, quantizer, config.threshold);
    const first = emit(model, 'base3', preset).files;
    const second = emit(foldModel(clone(trained), config, quantizer, config.threshold), 'base3', preset).files;
    expect(second).toEqual(first);
    expect(Buffer.from(zipFiles(second)).equals(Buffer.from(zipFiles(first)))).toBe(true);
  });

  it('the ONNX graph holds int8 trits and standard operators only (opset 13)', () => {
    const bytes = exportOnnx(foldModel(trained, config, quantizer, config.threshold), { preset, appVersion: 'test', metadata: {} });
    const parsed = decodeOnnx(bytes);
    expect(parsed.opsetImport.map((o) => [o.domain, Number(o.version?.toString())])).toEqual([['', 13]]);
    const trits = parsed.graph!.initializer!.filter((t) => t.name?.endsWith('.trits'));
    expect(trits).toHaveLength(hidden.length + 1);
    for (const tensor of trits) {
      expect(tensor.dataType).toBe(3); // INT8
      const values = new Int8Array(tensor.rawData!.buffer, tensor.rawData!.byteOffset, tensor.rawData!.byteLength);
      expect(values.every((v) => v === -1 || v === 0 || v === 1)).toBe(true);
    }
    expect(parsed.graph!.node!.every((n) => !n.domain)).toBe(true);
  });

  it.runIf(runArm).each<TritPacking>(['base3', 'base4'])(
    'Cortex-M0+ (%s): no floating point, no malloc, the size core estimates; QEMU Cortex-M3 = host',
    (packing) => {
      const model = foldModel(trained, config, quantizer, config.threshold);
      const { integer, files } = emit(model, packing, preset);
      const dir = writeExport(files);
      const sizes = buildCortexM0Plus(dir);
      expect(forbiddenSymbols(sizes.undefinedSymbols)).toEqual([]);
      expect(sizes.undefinedSymbols.filter((s) => /malloc|free/.test(s))).toEqual([]);
      const estimate = integerModelFootprint(integer, packing);
      console.log(`${preset} ${packing}: flash ${sizes.flashBytes} (estimate ${estimate.flashBytes}), RAM ${sizes.ramBytes} (${estimate.ramBytes}), stack ${sizes.stackBytes} (${estimate.stackBytes}); needs ${sizes.undefinedSymbols.join(' ')}`);
      expect(Math.abs(estimate.flashBytes - sizes.flashBytes) / sizes.flashBytes).toBeLessThanOrEqual(0.05);
      expect(Math.abs(estimate.ramBytes - sizes.ramBytes) / sizes.ramBytes).toBeLessThanOrEqual(0.05);
      expect(estimate.stackBytes).toBeGreaterThanOrEqual(sizes.stackBytes);
      // The budget meter's estimate, from the config alone (before any training), is the same size model.
      const planned = configFootprint(config, packing);
      expect(Math.abs(planned.flashBytes - sizes.flashBytes) / sizes.flashBytes).toBeLessThanOrEqual(0.05);
      expect(Math.abs(planned.ramBytes - sizes.ramBytes) / sizes.ramBytes).toBeLessThanOrEqual(0.05);
      if (preset === 'mcu-16k' && packing === 'base3') {
        // The preset's promise: a 16 KB flash / 2 KB RAM part, measured on the Cortex-M0+ build.
        expect(sizes.flashBytes).toBeLessThanOrEqual(16_384);
        expect(sizes.ramBytes + sizes.stackBytes).toBeLessThanOrEqual(2_048);
      }

      const host = runHost(buildHost(dir), validation.pixels, 32);
      const emulated = runCortexM3(dir, validation.pixels, 32);
      expect(Array.from(emulated.predictions)).toEqual(Array.from(host.predictions));
      expect(Array.from(emulated.scores)).toEqual(Array.from(host.scores));
      expect(emulated.instructions).toBeGreaterThan(0);
    },
  );
});

// Kernels 5 and 3, 'valid' and 'same', stride 2, channel counts that are not multiples of 4, a pool of 3.
const ODD_CNN: LayerSpec[] = [
  { kind: 'conv2d', filters: 6, kernel: 5, stride: 1, padding: 'valid' },
  { kind: 'maxpool2d', size: 3 },
  { kind: 'conv2d', filters: 7, kernel: 3, stride: 2, padding: 'same' },
  { kind: 'maxpool2d', size: 2 },
  { kind: 'flatten' },
  { kind: 'dense', units: 24 },
];

describe.each<[string, Partial<TrainConfig>]>([
  ['cnn preset, odd shapes', { ...PRESETS.cnn, layers: ODD_CNN, weightScale: 'layer', augmentShift: 0, augmentRotation: 0, augmentScale: 0 }],
  ['binary activations', { ...PRESETS.seed, layers: ODD_CNN }],
  ['a ternary scale per output channel', { ...PRESETS.cnn, layers: ODD_CNN, weightScale: 'channel', augmentShift: 0, augmentRotation: 0, augmentScale: 0 }],
  ['float twin', { ...PRESETS.cnn, layers: ODD_CNN, weightQuantizer: 'none', augmentShift: 0, augmentRotation: 0, augmentScale: 0 }],
  ['the mcu-cnn-16k preset: 16×16 input, three conv layers', { ...PRESETS['mcu-cnn-16k'] }],
])('a CNN (%s) exports', (name, base) => {
  const config = { ...PRESETS.cnn, ...base, batchSize: 32, epochs: 1 } as TrainConfig;
  const layers = config.layers;
  const convLayers = layers.filter((layer) => layer.kind === 'conv2d').length;
  const pools = layers.filter((layer) => layer.kind === 'maxpool2d').length;
  const float = config.weightQuantizer === 'none';
  const mcuPreset = name.startsWith('the mcu-cnn-16k preset');
  let model: InferenceModel;

  beforeAll(async () => {
    model = foldModel(await trainedSnapshot(config, 25), config, config.weightQuantizer, config.threshold);
  }, 120_000);

  it('ONNX Runtime gives the reference logits on 1,000 validation images (Conv, MaxPool, int8 trits)', async () => {
    const pixels = validation.pixels.subarray(0, COUNT * 784);
    const referenceLogits = referenceForward(model, pixels, COUNT);
    const bytes = exportOnnx(model, { preset: 'cnn', appVersion: 'test', metadata: {} });
    const parsed = decodeOnnx(bytes);
    expect(parsed.graph!.node!.filter((n) => n.opType === 'Conv')).toHaveLength(convLayers);
    expect(parsed.graph!.node!.filter((n) => n.opType === 'MaxPool')).toHaveLength(pools);
    const session = await ort.InferenceSession.create(bytes);
    const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [COUNT, 784]) });
    const onnxLogits = output.logits!.data as Float32Array;
    let maxDifference = 0;
    let closeCount = 0;
    for (let i = 0; i < onnxLogits.length; i++) {
      const difference = Math.abs(onnxLogits[i]! - referenceLogits[i]!);
      maxDifference = Math.max(maxDifference, difference);
      if (difference <= 1e-4) closeCount++;
    }
    if (float) {
      // The float twin sums float32 products in another order. Where a sum lands within an ulp of an 8-bit
      // activation code's rounding boundary, that code differs by one and the image's later logits move a little:
      // 20 of these 10,000 logits did (by up to 0.4 % of the largest logit); the rest agree to 1e-4.
      const largestLogit = Math.max(...Array.from(referenceLogits, Math.abs));
      expect(closeCount / onnxLogits.length).toBeGreaterThanOrEqual(0.99);
      expect(maxDifference).toBeLessThanOrEqual(0.01 * largestLogit);
    } else {
      // Integer accumulators and the same float32 epilogue: exact for ternary weights.
      expect(maxDifference).toBe(0);
    }
    expect(share(argmaxRows(onnxLogits, COUNT, 10), argmaxRows(referenceLogits, COUNT, 10), COUNT)).toBeGreaterThanOrEqual(0.999);
  });

  it.runIf(float)('the float twin gets a message instead of C', () => {
    expect(integerOnlyConfigProblem(config)).toBe(FLOAT_WEIGHTS_PROBLEM);
  });

  it.skipIf(float)('C (cc, strict flags) computes integerForward exactly, which agrees with the reference', () => {
    const pixels = validation.pixels.subarray(0, COUNT * 784);
    const { integer, files } = emit(model, 'base3', 'cnn');
    expect(files['bitnet_model.h']).toContain('#define BITNET_HAS_CONV 1');
    const scores = integerForward(integer, pixels, COUNT);
    const reference = argmaxRows(referenceForward(model, pixels, COUNT), COUNT, 10);
    expect(share(predictionsOf(scores, COUNT), reference, COUNT)).toBeGreaterThanOrEqual(0.99);
    const dir = writeExport(files);
    const fromC = runHost(buildHost(dir), pixels, 200);
    expect(Array.from(fromC.scores)).toEqual(Array.from(scores.subarray(0, 200 * 10)));
    expect(runExample(dir).ok).toBe(true);
  });

  it.runIf(runArm && !float).each<TritPacking>(['base3', 'base4'])(
    'Cortex-M0+ (%s): no floating point, the size core estimates (feature maps counted); QEMU Cortex-M3 = host',
    (packing) => {
      const { integer, files } = emit(model, packing, 'cnn');
      const { sizes } = checkCortexM(name, integer, files, packing);
      const planned = configFootprint(config, packing);
      expect(Math.abs(planned.flashBytes - sizes.flashBytes) / sizes.flashBytes).toBeLessThanOrEqual(0.05);
      expect(Math.abs(planned.ramBytes - sizes.ramBytes) / sizes.ramBytes).toBeLessThanOrEqual(0.05);
      if (mcuPreset && packing === 'base3') {
        // The preset's promise: a 16 KB flash / 4 KB RAM part, measured on the Cortex-M0+ build (base 3, the default).
        expect(sizes.flashBytes).toBeLessThanOrEqual(16_384);
        expect(sizes.ramBytes + sizes.stackBytes).toBeLessThanOrEqual(4_096);
      }
    },
  );
});

/**
 * Per-layer weight formats (core/quant/weightFormats.ts) and shift averaging through every export: [name, config, the
 * formats expected].
 * A CNN of int8 and int4 convolutions, a ternary dense layer and an int4 output layer; an MLP with binary
 * activations whose first layer is int8 (thresholds on acc·s up to 127²·784·255); an int4 MLP on 16×16 input.
 */
const MIXED: [string, TrainConfig, string[]][] = [
  [
    'a CNN: int8 and int4 convolutions, a ternary dense layer, an int4 output layer',
    {
      ...PRESETS['mcu-cnn-16k'],
      layers: ODD_CNN.map((layer, i): LayerSpec => (layer.kind === 'conv2d' ? { ...layer, weights: i === 0 ? 'int8' : 'int4' } : layer)),
      outputWeights: 'int4',
      batchSize: 32,
      epochs: 1,
    },
    ['int8', 'int4', 'ternary', 'int4'],
  ],
  [
    'binary activations after an int8 layer, int4 output',
    { ...PRESETS.seed, layers: [{ kind: 'flatten' }, { kind: 'dense', units: 48, weights: 'int8' }, { kind: 'dense', units: 32 }], outputWeights: 'int4', epochs: 1 },
    ['int8', 'ternary', 'int4'],
  ],
  [
    'mcu-16k with int4 hidden layers',
    { ...PRESETS['mcu-16k'], layers: [{ kind: 'flatten' }, { kind: 'dense', units: 64, weights: 'int4' }, { kind: 'dense', units: 64, weights: 'int4' }], epochs: 1 },
    ['int4', 'int4', 'ternary'],
  ],
  // Shift averaging (core/model/shiftAveraging.ts): five passes summed, the image moved inside the area average or copied.
  ['shift averaging on a 16×16 input', { ...PRESETS['mcu-16k'], layers: mlpLayers([64, 32]), shiftAveraging: true, epochs: 1 }, ['ternary', 'ternary', 'ternary']],
  ['shift averaging on the 28×28 image, binary activations', { ...PRESETS.seed, layers: mlpLayers([48]), shiftAveraging: true, epochs: 1 }, ['ternary', 'ternary']],
];

describe.each(MIXED)('%s: export', (name, config, formats) => {
  let model: InferenceModel;
  const cnn = config.layers.some((layer) => layer.kind === 'conv2d');

  beforeAll(async () => {
    model = foldModel(await trainedSnapshot(config, 25), config, config.weightQuantizer, config.threshold);
  }, 120_000);

  it('ONNX Runtime gives the reference logits exactly, from int8 `codes` initializers', async () => {
    expect(model.layers.map((layer) => layer.weights)).toEqual(formats);
    const pixels = validation.pixels.subarray(0, COUNT * 784);
    const referenceLogits = referenceForward(model, pixels, COUNT);
    const bytes = exportOnnx(model, { preset: 'custom', appVersion: 'test', metadata: {} });
    const names = decodeOnnx(bytes).graph!.initializer!.map((tensor) => tensor.name);
    expect(names).toEqual(expect.arrayContaining(formats.map((format, l) => `layer${l}.${format === 'ternary' ? 'trits' : 'codes'}`)));
    const session = await ort.InferenceSession.create(bytes);
    const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [COUNT, 784]) });
    const onnxLogits = output.logits!.data as Float32Array;
    // Integer accumulators below 2^24 and the same float32 epilogue: exact.
    let maxDifference = 0;
    for (let i = 0; i < onnxLogits.length; i++) maxDifference = Math.max(maxDifference, Math.abs(onnxLogits[i]! - referenceLogits[i]!));
    expect(maxDifference).toBe(0);
  });

  it('integer codes really are multi-level: int8 layers use more than 16 values, int4 ones odd values up to ±15', () => {
    const distinct = (codes: Int8Array) => new Set(codes).size;
    model.layers.forEach((layer) => {
      if (layer.weights === 'int8') expect(distinct(layer.codes)).toBeGreaterThan(16);
      if (layer.weights === 'int4') {
        expect(layer.codes.every((c) => Math.abs(c) % 2 === 1 && Math.abs(c) <= 15)).toBe(true);
        expect(distinct(layer.codes)).toBeGreaterThan(3);
      }
      if (layer.weights === 'ternary') expect(distinct(layer.codes)).toBeLessThanOrEqual(3);
    });
  });

  it('C (cc, strict flags) computes integerForward exactly, which agrees with the reference', () => {
    expect(integerOnlyConfigProblem(config)).toBeNull();
    const pixels = validation.pixels.subarray(0, COUNT * 784);
    const { integer, files } = emit(model, 'base3', 'custom');
    expect(files['bitnet_model.h']).toContain(`#define BITNET_HAS_INT8 ${formats.includes('int8') ? 1 : 0}`);
    expect(files['bitnet_model.h']).toContain(`#define BITNET_HAS_INT4 ${formats.includes('int4') ? 1 : 0}`);
    expect(files['bitnet_model.h']).toContain(`#define BITNET_SHIFT_AVERAGING ${config.shiftAveraging ? 1 : 0}`);
    const scores = integerForward(integer, pixels, COUNT);
    const reference = argmaxRows(referenceForward(model, pixels, COUNT), COUNT, 10);
    expect(share(predictionsOf(scores, COUNT), reference, COUNT)).toBeGreaterThanOrEqual(0.99);
    const dir = writeExport(files);
    const checked = cnn ? 200 : 500;
    const fromC = runHost(buildHost(dir), pixels, checked);
    expect(Array.from(fromC.scores)).toEqual(Array.from(scores.subarray(0, checked * 10)));
    expect(runExample(dir).ok).toBe(true);
  });

  it.runIf(runArm).each<TritPacking>(['base3', 'base4'])(
    'Cortex-M0+ (%s): no floating point, the size core estimates; QEMU Cortex-M3 = host',
    (packing) => {
      const { integer, files } = emit(model, packing, 'custom');
      const { estimate } = checkCortexM(name, integer, files, packing);
      expect(configFootprint(config, packing).flashBytes).toBe(estimate.flashBytes);
    },
  );
});
