/**
 * The ONNX export of a keyword model: its metadata names the audio front end's parameters (`front_end`, JSON of
 * core/audio/frontEnd.ts's FRONT_END) and the class names, its input stays the 28×28 features, and ONNX Runtime gives
 * the reference's logits on features the integer front end computed from 1 s clips. The clips are seeded tones and
 * noise (no speech needed): what matters here is that real front-end features go through the exported graph.
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipFeatures, CLIP_SAMPLES, FRONT_END, SAMPLE_RATE } from '../core/audio/frontEnd';
import { createRng } from '../core/data/rng';
import type { ImageSet, SplitDataset } from '../core/data/dataset';
import { decodeOnnx, exportOnnx } from '../core/export/onnxExport';
import { PRESETS, type TrainConfig } from '../core/model/config';
import { argmaxRows, foldModel, referenceForward, type InferenceModel } from '../core/model/referenceModel';
import * as tf from './tf';
import { Trainer } from './trainer';

const CLASS_NAMES = ['low', 'high', '_silence_'];
const PER_CLASS = 24;

/** A clip of class c: a 300 Hz or 2 kHz tone burst of random onset and level over faint noise, or noise alone. */
function clip(label: number, rng: ReturnType<typeof createRng>): Int16Array {
  const pcm = new Int16Array(CLIP_SAMPLES);
  const start = rng.int(CLIP_SAMPLES / 2);
  const amplitude = 4000 + rng.int(20000);
  const hz = label === 0 ? 300 : 2000;
  for (let n = 0; n < CLIP_SAMPLES; n++) {
    const tone = label < 2 && n >= start && n < start + CLIP_SAMPLES / 3 ? amplitude * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE) : 0;
    pcm[n] = Math.round(tone + 200 * rng.normal());
  }
  return pcm;
}

function featureSet(count: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const pixels = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % CLASS_NAMES.length;
    pixels.set(clipFeatures(clip(labels[i]!, rng)), i * 784);
  }
  return { count, rows: 28, cols: 28, pixels, labels };
}

describe('ONNX export of a keyword model', () => {
  let data: SplitDataset;
  let model: InferenceModel;
  // The kws preset, trained a few steps.
  const config: TrainConfig = { ...PRESETS.kws, batchSize: 16, epochs: 2 };

  beforeAll(async () => {
    await tf.setBackend('cpu');
    data = { train: featureSet(PER_CLASS * CLASS_NAMES.length, 1), validation: featureSet(PER_CLASS, 2), test: null, classNames: CLASS_NAMES };
    const trainer = new Trainer(config, data);
    while (!trainer.finished) await trainer.step();
    model = foldModel(await trainer.model.snapshot(), config, config.weightQuantizer, config.threshold);
    trainer.dispose();
  }, 120_000);

  it('names the front end and the classes in its metadata; the input stays the 28×28 features', () => {
    const bytes = exportOnnx(model, { preset: 'kws', appVersion: 'test', metadata: { class_names: JSON.stringify(CLASS_NAMES) }, frontEnd: FRONT_END });
    const parsed = decodeOnnx(bytes);
    const metadata = Object.fromEntries(parsed.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(metadata.front_end!)).toEqual({ ...FRONT_END });
    expect(JSON.parse(metadata.class_names!)).toEqual(CLASS_NAMES);
    expect(parsed.docString).toContain('log-mel');
    const input = parsed.graph!.input![0]!;
    expect(input.name).toBe('pixels');
    expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimValue?.toString() ?? d.dimParam)).toEqual(['N', '784']);
    // Without a front end an image model's metadata has none.
    const image = decodeOnnx(exportOnnx(model, { preset: 'cnn', appVersion: 'test', metadata: {} }));
    expect(image.metadataProps.map((p) => p.key)).not.toContain('front_end');
  });

  it('ONNX Runtime gives the reference logits on the front end’s features', async () => {
    const { pixels, count } = data.validation;
    const referenceLogits = referenceForward(model, pixels, count);
    const bytes = exportOnnx(model, { preset: 'kws', appVersion: 'test', metadata: {}, frontEnd: FRONT_END });
    const session = await ort.InferenceSession.create(bytes);
    const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [count, 784]) });
    const onnxLogits = output.logits!.data as Float32Array;
    expect(onnxLogits.length).toBe(count * CLASS_NAMES.length);
    // Integer accumulators and the same float32 epilogue: exact for ternary weights.
    let maxDifference = 0;
    for (let i = 0; i < onnxLogits.length; i++) maxDifference = Math.max(maxDifference, Math.abs(onnxLogits[i]! - referenceLogits[i]!));
    expect(maxDifference).toBe(0);
    expect(Array.from(argmaxRows(onnxLogits, count, CLASS_NAMES.length))).toEqual(Array.from(argmaxRows(referenceLogits, count, CLASS_NAMES.length)));
  });
});
