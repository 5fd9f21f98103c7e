/**
 * The C and ONNX exports for images other than MNIST's 28×28 grey: RGB images (3 channels, channel fastest) into
 * a conv first layer and into a dense first layer, each with and without shift averaging, and 32×32 grey images.
 * Hand-made models (random weights and batch norm folded with foldModel(..., imageChannels)) check every shape
 * quickly; one small CNN trained a few steps on a synthetic RGB set goes through the emitted export end to end,
 * its README and the Cortex-M0+ build. For each: the C engine built with `cc` and the strict flags gives
 * integerForward's scores exactly, and ONNX Runtime gives referenceForward's logits (argmax on ≥ 99.9 %).
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { emitC, integerModelFootprint } from '../core/export/cEmitter';
import { configFootprint, mcuFootprint } from '../core/export/mcuFootprint';
import { decodeOnnx, exportOnnx } from '../core/export/onnxExport';
import { PRESETS, type TrainConfig } from '../core/model/config';
import { imageShapeOfSet, type ImageSet, type SplitDataset } from '../core/data/dataset';
import { MNIST_INPUT, mlpLayers, networkPlan, type LayerSpec, type MapShape } from '../core/model/layers';
import { argmaxRows, foldModel, imageShapeOf, referenceForward, type InferenceModel, type LayerSnapshot } from '../core/model/referenceModel';
import { integerForward, toIntegerModel } from '../core/model/integerModel';
import { createRng, type Rng } from '../core/data/rng';
import { armToolchainAvailable, buildCortexM0Plus, buildHost, forbiddenSymbols, runCortexM3, runExample, runHost, writeExport } from '../../scripts/cToolchain';
import * as tf from './tf';
import { Trainer } from './trainer';

const IMAGES = 64;
const runArm = armToolchainAvailable() || !!process.env.CI;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (image: MapShape): number => image.height * image.width * image.channels;

/** Random latent weights and batch-norm statistics for every weighted layer of the plan on this image. */
function handSnapshot(config: TrainConfig, image: MapShape, rng: Rng, classCount: number): LayerSnapshot[] {
  return networkPlan(config.layers, image, classCount, config.outputWeights).map((layer) => {
    const { inputSize, outputSize } = layer;
    const vector = (f: () => number) => Float32Array.from({ length: outputSize }, f);
    return {
      inputSize,
      outputSize,
      conv: layer.conv,
      weights: layer.weights,
      weight: Float32Array.from({ length: inputSize * outputSize }, () => rng.normal() * Math.sqrt(2 / inputSize)),
      bias: vector(() => rng.normal() * 0.01),
      batchNorm: {
        gamma: vector(() => 0.5 + rng.next()),
        beta: vector(() => rng.normal() * 0.1),
        mean: vector(() => rng.normal() * 0.05),
        variance: vector(() => 0.01 + rng.next() * 0.05),
      },
    };
  });
}

/** Sparse random images, (count, height, width, channels): most values 0, some up to 255. */
function randomImages(image: MapShape, count: number, rng: Rng): Uint8Array {
  const pixels = new Uint8Array(count * values(image));
  for (let i = 0; i < pixels.length; i++) if (rng.next() < 0.25) pixels[i] = Math.min(255, Math.floor(rng.next() * 300));
  return pixels;
}

function defines(header: string): Record<string, number> {
  return Object.fromEntries([...header.matchAll(/^#define (BITNET_\w+) (\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

function emit(model: InferenceModel, pixels: Uint8Array, extra: Partial<Parameters<typeof emitC>[1]> = {}) {
  const integer = toIntegerModel(model);
  const files = emitC(integer, {
    packing: 'base3',
    preset: 'custom',
    configSummary: 'test',
    accuracy: null,
    appVersion: 'test',
    examples: { pixels, labels: new Uint8Array(4), count: 4 },
    ...extra,
  });
  return { integer, files };
}

/** The C build's scores against integerForward, bit for bit, and the export's own example. */
function checkC(model: InferenceModel, pixels: Uint8Array, count: number): void {
  const image = imageShapeOf(model);
  const { integer, files } = emit(model, pixels);
  expect(defines(files['bitnet.h']!)).toMatchObject({
    BITNET_INPUT_HEIGHT: image.height,
    BITNET_INPUT_WIDTH: image.width,
    BITNET_INPUT_CHANNELS: image.channels,
    BITNET_INPUT_SIZE: values(image),
  });
  expect(files['examples/test_images.h']).toContain(`test_images[TEST_IMAGE_COUNT][${values(image)}]`);
  expect(files['README.md']).toContain(`const uint8_t image[${values(image)}]`);
  const dir = writeExport(files);
  const scores = integerForward(integer, pixels, count);
  expect(Array.from(runHost(buildHost(dir), pixels, count, values(image)).scores)).toEqual(Array.from(scores));
  const example = runExample(dir);
  expect(example.ok, example.output).toBe(true);
}

/** ONNX Runtime on the exported graph against referenceForward: logits close, the same argmax on ≥ 99.9 %. */
async function checkOnnx(model: InferenceModel, pixels: Uint8Array, count: number): Promise<void> {
  const image = imageShapeOf(model);
  const bytes = exportOnnx(model, { preset: 'custom', appVersion: 'test', metadata: {} });
  const parsed = decodeOnnx(bytes);
  const metadata = Object.fromEntries(parsed.metadataProps.map((p) => [p.key, p.value]));
  expect(metadata.input_shape).toBe(JSON.stringify([image.height, image.width, image.channels]));
  expect(metadata.input_layout).toBe('NHWC');
  expect(parsed.docString).toContain(`${image.height}×${image.width}×${image.channels}`);
  expect(parsed.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', values(image)]);
  const session = await ort.InferenceSession.create(bytes);
  const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [count, values(image)]) });
  const onnxLogits = output.logits!.data as Float32Array;
  const referenceLogits = referenceForward(model, pixels, count);
  let maxDifference = 0;
  for (let i = 0; i < onnxLogits.length; i++) maxDifference = Math.max(maxDifference, Math.abs(onnxLogits[i]! - referenceLogits[i]!));
  expect(maxDifference).toBeLessThanOrEqual(1e-4);
  const a = argmaxRows(onnxLogits, count, model.classCount);
  const b = argmaxRows(referenceLogits, count, model.classCount);
  expect(a.filter((p, i) => p === b[i]).length / count).toBeGreaterThanOrEqual(0.999);
}

const rgbConv: LayerSpec[] = [
  { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
  { kind: 'maxpool2d', size: 2 },
  { kind: 'flatten' },
  { kind: 'dense', units: 12 },
];

/** [name, config, image]. */
const SHAPES: [string, TrainConfig, MapShape][] = [
  ['RGB 20×20 into a conv layer (3 input channels)', { ...PRESETS.cnn, layers: rgbConv }, { height: 20, width: 20, channels: 3 }],
  ['RGB 20×20 into a conv layer, shift averaging', { ...PRESETS.cnn, layers: rgbConv, shiftAveraging: true }, { height: 20, width: 20, channels: 3 }],
  ['RGB 12×12 into a dense layer', { ...PRESETS.seed, layers: mlpLayers([24]) }, { height: 12, width: 12, channels: 3 }],
  ['RGB 12×12 into a dense layer, shift averaging, 8-bit codes', { ...PRESETS['mcu-16k'], inputResolution: 28, layers: mlpLayers([24, 16]), shiftAveraging: true }, { height: 12, width: 12, channels: 3 }],
  ['grey 32×32 into a conv layer, shift averaging', { ...PRESETS.cnn, layers: rgbConv, shiftAveraging: true }, { height: 32, width: 32, channels: 1 }],
  ['grey 32×32 into a dense layer', { ...PRESETS.seed, layers: mlpLayers([20]) }, { height: 32, width: 32, channels: 1 }],
];

describe.each(SHAPES)('%s', (_name, config, image) => {
  const rng = createRng(values(image) + (config.shiftAveraging ? 1 : 0) + config.layers.length);
  const model = foldModel(handSnapshot(config, image, rng, 5), config, config.weightQuantizer, config.threshold, image.channels);
  const pixels = randomImages(image, IMAGES, rng);

  it('folds to the image it was made for', () => {
    expect(imageShapeOf(model)).toEqual(image);
  });

  it('the C engine gives integerForward exactly', () => {
    checkC(model, pixels, IMAGES);
  });

  it('ONNX Runtime gives referenceForward', async () => {
    await checkOnnx(model, pixels, IMAGES);
  });
});

describe('the footprint of an image of any shape', () => {
  it("with shift averaging, RAM holds the moved image: side·side·channels bytes", () => {
    const layers = [{ inputSize: 12 * 12 * 3, outputSize: 8, epilogue: 'scores' as const }];
    const rgb = mcuFootprint(layers, 'base3', { shiftAveraging: true, image: { height: 12, width: 12, channels: 3 } });
    const mnist = mcuFootprint(layers, 'base3', { shiftAveraging: true });
    expect(mnist.ramBytes - rgb.ramBytes).toBe(784 - 12 * 12 * 3);
    expect(mcuFootprint(layers, 'base3', { shiftAveraging: false, image: { height: 12, width: 12, channels: 3 } }).ramBytes).toBe(rgb.ramBytes - 12 * 12 * 3 - 4 * 8);
  });

  it('configFootprint plans the network on the data set\'s image', () => {
    const config = { ...PRESETS.cnn, layers: rgbConv };
    const rgb = configFootprint(config, 'base3', 10, { height: 20, width: 20, channels: 3 });
    expect(rgb.weightCount).toBe(3 * 3 * 3 * 4 + 10 * 10 * 4 * 12 + 12 * 10);
    expect(configFootprint(config, 'base3', 10, MNIST_INPUT)).toEqual(configFootprint(config, 'base3'));
  });
});

/** A synthetic RGB set: class c is a blob of colour c (red, green, blue) at a random place on a dim random background. */
function colourBlobs(count: number, side: number, rng: Rng): ImageSet {
  const pixels = new Uint8Array(count * side * side * 3);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    labels[i] = label;
    const cy = 2 + Math.floor(rng.next() * (side - 4));
    const cx = 2 + Math.floor(rng.next() * (side - 4));
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const blob = Math.abs(y - cy) <= 2 && Math.abs(x - cx) <= 2;
        for (let c = 0; c < 3; c++) pixels[((i * side + y) * side + x) * 3 + c] = blob && c === label ? 200 + Math.floor(rng.next() * 55) : Math.floor(rng.next() * 40);
      }
    }
  }
  return { count, rows: side, cols: side, channels: 3, pixels, labels };
}

describe('a small CNN trained on RGB images', () => {
  const side = 16;
  const rng = createRng(40);
  const data: SplitDataset = { train: colourBlobs(192, side, rng), validation: colourBlobs(96, side, rng), test: null, classNames: ['red', 'green', 'blue'] };
  const config: TrainConfig = { ...PRESETS.cnn, layers: rgbConv, batchSize: 32, shiftAveraging: true };
  let model: InferenceModel;

  beforeAll(async () => {
    const trainer = new Trainer(config, data);
    for (let i = 0; i < 12; i++) await trainer.step();
    model = foldModel(await trainer.model.snapshot(), config, config.weightQuantizer, config.threshold, 3);
    trainer.dispose();
  });

  it('exports to C that gives integerForward exactly, and ONNX that gives referenceForward', async () => {
    expect(imageShapeOf(model)).toEqual(imageShapeOfSet(data.validation));
    checkC(model, data.validation.pixels, data.validation.count);
    await checkOnnx(model, data.validation.pixels, data.validation.count);
  });

  it('says its input format in the README: side, channels and the conversion', () => {
    const { files } = emit(model, data.validation.pixels, { classNames: data.classNames, imageConversion: { conversion: { side, color: 'rgb', invert: 'auto' }, inverted: false } });
    const readme = files['README.md']!;
    expect(readme).toContain(`a ${side}×${side} image of 3 channels (\`BITNET_INPUT_SIZE\` = ${side * side * 3} bytes)`);
    expect(readme).toContain('R, G, B of a pixel next to each other');
    expect(readme).toContain(`resized to ${side}×${side}`);
    expect(readme).not.toContain('28×28');
  });

  it.runIf(runArm)('builds for a Cortex-M0+ without floating point, within 5 % of the estimate, and QEMU agrees with the host', () => {
    const { integer, files } = emit(model, data.validation.pixels);
    const dir = writeExport(files);
    const sizes = buildCortexM0Plus(dir);
    expect(forbiddenSymbols(sizes.undefinedSymbols)).toEqual([]);
    const estimate = integerModelFootprint(integer, 'base3');
    expect(Math.abs(estimate.flashBytes - sizes.flashBytes) / sizes.flashBytes).toBeLessThanOrEqual(0.05);
    expect(Math.abs(estimate.ramBytes - sizes.ramBytes) / sizes.ramBytes).toBeLessThanOrEqual(0.05);
    expect(estimate.stackBytes).toBeGreaterThanOrEqual(sizes.stackBytes);
    const host = runHost(buildHost(dir), data.validation.pixels, 4, side * side * 3);
    const emulated = runCortexM3(dir, data.validation.pixels, 4, side * side * 3);
    expect(Array.from(emulated.scores)).toEqual(Array.from(host.scores));
  });
});
