/**
 * The C export's issue, proven on the full MNIST (../shared/data/mnist, or MNIST_DIR): each preset trained briefly,
 * exported both ways, the C built with the system cc and the strict flags and run on all 10,000 test images,
 * the ONNX file run in ONNX Runtime, both against core's reference forward pass: predictions agree on ≥ 99.9 %
 * of the images and the three accuracies lie within 0.1 point. Then the Cortex-M0+ build (no float helper, no
 * malloc) and 32 test images on an emulated Cortex-M3, which must predict what the host build predicts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFullDatasetFromDir } from '../../bench/nodeData';
import { emitC } from '../core/export/cEmitter';
import { PRESETS, type PresetId } from '../core/model/config';
import type { SplitDataset } from '../core/data/dataset';
import { argmaxRows, foldModel, referenceForward } from '../core/model/referenceModel';
import { toIntegerModel } from '../core/model/integerModel';
import { exportOnnx } from '../core/export/onnxExport';
import { armToolchainAvailable, buildCortexM0Plus, buildHost, forbiddenSymbols, runCortexM3, runHost, writeExport } from '../../scripts/cToolchain';
import { initBackend, registerOptionalBackends } from './backend';
import { Trainer } from './trainer';

const sharedMnist = resolve(import.meta.dirname, '../../../shared/data/mnist');
const mnistDir = process.env.MNIST_DIR ?? (existsSync(sharedMnist) ? sharedMnist : null);
/** CI always has shared/ beside the clone: there a missing data set is a failure, not a skip. */
const run = mnistDir !== null || !!process.env.CI;
const runArm = armToolchainAvailable() || !!process.env.CI;
/** The MLP presets (export.test.ts checks the CNN presets', kws included, exports on the embedded data). */
const TRAIN_STEPS: Record<Exclude<PresetId, 'cnn' | 'mcu-cnn-16k' | 'kws'>, number> = { seed: 300, 'b158-mlp': 150, 'mcu-16k': 300 };

let data: SplitDataset;

beforeAll(async () => {
  if (!run) return;
  if (!mnistDir) throw new Error('The full MNIST is missing: expected ../shared/data/mnist or MNIST_DIR.');
  await registerOptionalBackends();
  await initBackend(['wasm', 'cpu']);
  data = loadFullDatasetFromDir(mnistDir, 'MNIST');
});

function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>, count: number): number {
  let correct = 0;
  for (let i = 0; i < count; i++) if (predictions[i] === labels[i]) correct++;
  return correct / count;
}

function agreement(a: ArrayLike<number>, b: ArrayLike<number>, count: number): number {
  let same = 0;
  for (let i = 0; i < count; i++) if (a[i] === b[i]) same++;
  return same / count;
}

describe.runIf(run).each<Exclude<PresetId, 'cnn' | 'mcu-cnn-16k' | 'kws'>>(['seed', 'b158-mlp', 'mcu-16k'])('%s on the full MNIST', (preset) => {
  it('C (cc), ONNX Runtime and the reference agree on the 10,000 test images; Cortex-M0+ and QEMU', { timeout: 600_000 }, async () => {
    const config = { ...PRESETS[preset], epochs: 1 };
    const trainer = new Trainer(config, data);
    for (let i = 0; i < TRAIN_STEPS[preset]; i++) await trainer.step();
    const quantizer = config.weightQuantizer === 'none' ? 'twn' : config.weightQuantizer;
    const model = foldModel(await trainer.model.snapshot(), config, quantizer, config.threshold);
    trainer.dispose();
    const test = data.test!;
    const count = test.count;
    expect(count).toBe(10_000);

    const reference = argmaxRows(referenceForward(model, test.pixels, count), count, 10);
    const integer = toIntegerModel(model);
    const files = emitC(integer, {
      packing: 'base3',
      preset,
      configSummary: `${preset}, ${TRAIN_STEPS[preset]} steps`,
      accuracy: null,
      examples: { pixels: test.pixels.subarray(0, 4 * 784), labels: test.labels.subarray(0, 4), count: 4 },
      appVersion: 'test',
    });
    const dir = writeExport(files);
    const fromC = runHost(buildHost(dir), test.pixels, count).predictions;

    const session = await ort.InferenceSession.create(exportOnnx(model, { preset, appVersion: 'test', metadata: {} }));
    const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(test.pixels), [count, 784]) });
    const fromOnnx = argmaxRows(output.logits!.data as Float32Array, count, 10);

    const figures = {
      preset,
      referenceAccuracy: accuracy(reference, test.labels, count),
      cAccuracy: accuracy(fromC, test.labels, count),
      onnxAccuracy: accuracy(fromOnnx, test.labels, count),
      cVsReference: agreement(fromC, reference, count),
      onnxVsReference: agreement(fromOnnx, reference, count),
      cVsOnnx: agreement(fromC, fromOnnx, count),
    };
    console.log(JSON.stringify(figures));
    expect(figures.cVsReference).toBeGreaterThanOrEqual(0.999);
    expect(figures.onnxVsReference).toBeGreaterThanOrEqual(0.999);
    expect(figures.cVsOnnx).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(figures.cAccuracy - figures.referenceAccuracy)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(figures.onnxAccuracy - figures.referenceAccuracy)).toBeLessThanOrEqual(0.001);
    expect(figures.referenceAccuracy).toBeGreaterThan(0.9);

    if (!runArm) return;
    const sizes = buildCortexM0Plus(dir);
    expect(forbiddenSymbols(sizes.undefinedSymbols)).toEqual([]);
    const emulated = runCortexM3(dir, test.pixels, 32);
    expect(Array.from(emulated.predictions)).toEqual(Array.from(fromC.subarray(0, 32)));
  });
});
