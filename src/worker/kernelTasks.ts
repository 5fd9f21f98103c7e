/**
 * The kernel-side tasks of the worker: evaluation against tfjs, the side-by-side benchmark and classification
 * of a drawn digit. Every figure compares like with like, measured in the same run.
 */
import { imageValues, type ImageSet, type SplitDataset } from '../core/data/dataset';
import { argmaxRows, imagePixelsOf, imageShapeOf, referenceForward, type InferenceModel } from '../core/model/referenceModel';
import { passesPerImage, shiftedCopies, sumShiftPasses } from '../core/model/shiftAveraging';
import { modelInputPixels } from '../core/model/inputResolution';
import { unpackTernary } from '../core/quant/packing';
import type { KernelBenchRow, KernelEvaluation } from '../protocol/messages';
import * as tf from '../train/tf';
import type { Trainer } from '../train/trainer';
import type { InferenceService } from './inferenceService';
import type { GpuTernaryNetwork } from '../gpu/ternaryNetwork';

/** The held-out split: the test set where the dataset has one, else validation. */
function heldOut(dataset: SplitDataset): { set: ImageSet; split: 'test' | 'validation' } {
  return dataset.test ? { set: dataset.test, split: 'test' } : { set: dataset.validation, split: 'validation' };
}

function agreementOf(a: Uint8Array, b: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 1 : same / a.length;
}

function accuracyOf(predictions: Uint8Array, labels: Uint8Array): number {
  return agreementOf(predictions, labels.subarray(0, predictions.length));
}

export async function evaluateKernel(
  service: InferenceService,
  trainer: Trainer,
  dataset: SplitDataset,
  built: { model: InferenceModel; network: GpuTernaryNetwork | null },
): Promise<KernelEvaluation> {
  const { set, split } = heldOut(dataset);
  // Warm-up: the first run compiles pipelines; the comparison is about steady state.
  await service.logits(built.model, built.network, set.pixels.subarray(0, imageValues(set)), 1);
  let started = performance.now();
  const kernelPredictions = await service.predict(built.model, built.network, set);
  const kernelMs = performance.now() - started;
  started = performance.now();
  const tfjsPredictions = await trainer.predict(set);
  const tfjsMs = performance.now() - started;
  return {
    path: built.network ? 'webgpu' : 'cpu',
    split,
    count: set.count,
    kernels: built.network?.kernels ?? ['cpu-reference'],
    kernelAccuracy: accuracyOf(kernelPredictions, set.labels),
    kernelMs,
    tfjsAccuracy: accuracyOf(tfjsPredictions, set.labels),
    tfjsMs,
    agreement: agreementOf(kernelPredictions, tfjsPredictions),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The same network as plain float32 tfjs matMuls and conv2ds (weights dequantized: scale_j·t_jk), with the same
 * hidden non-linearity and pooling: the baseline a float model would pay. Returns a forward function (upload,
 * layers, readback).
 */
function tfjsFloatNetwork(model: InferenceModel): { forward: (pixels: Uint8Array, batch: number) => Promise<Float32Array>; dispose: () => void; bytes: number } {
  const weights = model.layers.map((layer) => {
    const { inputSize: K, outputSize: N } = layer.packed;
    // (K, N) row-major, like the trits: w_kj = scale_j·t_kj
    const trits = unpackTernary(layer.packed);
    const dense = Float32Array.from(trits, (trit, i) => trit * layer.scale[i % N]!);
    const conv = layer.conv;
    const w = conv ? tf.tensor4d(dense, [conv.kernel, conv.kernel, conv.input.channels, N]) : tf.tensor2d(dense, [K, N]);
    return { w, b: tf.tensor1d(layer.bias), relu: layer.activation === 'relu', conv };
  });
  return {
    bytes: weights.reduce((sum, l) => sum + l.w.size * 4, 0),
    // With shift averaging, as the kernels: a batch of each image's five moved copies, their logits summed by core.
    forward: async (images, imageCount) => {
      const own = images.subarray(0, imageCount * imagePixelsOf(model));
      const batch = imageCount * passesPerImage(model.shiftAveraging);
      const pixels = modelInputPixels(model.inputResolution, model.shiftAveraging ? shiftedCopies(own, imageCount, imageShapeOf(model)) : own, batch);
      const out = tf.tidy(() => {
        let x: tf.Tensor = tf.div(tf.tensor2d(pixels, [batch, model.inputSize], 'int32'), 255);
        for (const l of weights) {
          if (l.conv) {
            const { input, stride, padding, pool } = l.conv;
            x = tf.add(tf.conv2d(tf.reshape(x, [batch, input.height, input.width, input.channels]) as tf.Tensor4D, l.w as tf.Tensor4D, stride, padding), l.b);
            if (l.relu) x = tf.relu(x);
            if (pool) x = tf.maxPool(x as tf.Tensor4D, pool, pool, 'valid');
            x = tf.reshape(x, [batch, -1]);
          } else {
            x = tf.add(tf.matMul(x as tf.Tensor2D, l.w as tf.Tensor2D), l.b);
            if (l.relu) x = tf.relu(x);
          }
        }
        return x;
      });
      const values = (await out.data()) as Float32Array;
      out.dispose();
      return model.shiftAveraging ? sumShiftPasses(values, imageCount, model.classCount) : values;
    },
    dispose: () => weights.forEach((l) => tf.dispose([l.w, l.b])),
  };
}

const MAX_CNN_BENCH_BATCH = 1024;

/** The first `batch` images of the set, cycling through it when the batch is larger; sourceIndex maps back. */
export function repeatToBatch(set: ImageSet, batch: number): ImageSet & { sourceIndex: Uint32Array } {
  const size = imageValues(set);
  const sourceIndex = Uint32Array.from({ length: batch }, (_, i) => i % set.count);
  const pixels = new Uint8Array(batch * size);
  const labels = new Uint8Array(batch);
  sourceIndex.forEach((source, i) => {
    pixels.set(set.pixels.subarray(source * size, (source + 1) * size), i * size);
    labels[i] = set.labels[source]!;
  });
  return { ...set, count: batch, pixels, labels, sourceIndex };
}

/**
 * Time spent in timed runs after which a measurement stops early: one pass of a CNN at batch 1,024 or of b158-mlp
 * at 10,000 takes 20–45 s on a software adapter, where a single run is already a steady figure, and repeating it
 * five times made `bench:kernel` take over half an hour.
 */
const TIMING_BUDGET_MS = 3000;

/**
 * A first pass at least this long is its own warm-up and the figure: pipeline compilation and buffer creation take
 * milliseconds of it. (The passes this skips repeating, TensorFlow.js's CNN at batch 1,024 and MLPs at 10,000 on a
 * software adapter, took 45–85 s each, a third of `bench:kernel`'s time.)
 */
const SELF_WARMING_MS = 10_000;

/**
 * Median time of up to `runs` runs after one warm-up (fewer once TIMING_BUDGET_MS of runs have passed, at least
 * one; none when the warm-up took SELF_WARMING_MS, which is then the figure), and what the last run returned.
 */
async function timeRuns<T>(runs: number, run: () => Promise<T>): Promise<{ ms: number; last: T }> {
  const warmUpStarted = performance.now();
  let last = await run(); // warm-up: pipeline compilation and buffer creation are not what we compare
  const warmUpMs = performance.now() - warmUpStarted;
  if (warmUpMs >= SELF_WARMING_MS) return { ms: warmUpMs, last };
  const times: number[] = [];
  let spent = 0;
  for (let i = 0; i < runs && (i === 0 || spent < TIMING_BUDGET_MS); i++) {
    const started = performance.now();
    last = await run();
    times.push(performance.now() - started);
    spent += times.at(-1)!;
  }
  return { ms: median(times), last };
}

/**
 * For each kernel variant (with and without dot4I8Packed where the adapter has it) and each batch size: median
 * forward time of our kernels, of tfjs float matMul and of the CPU reference, with the predictions checked.
 * TensorFlow.js runs on its WebGPU backend when the kernels run on WebGPU (the same adapter, whichever backend
 * trains), else on the training backend; `tfjsBackend` says which.
 */
export async function benchmarkKernels(
  service: InferenceService,
  trainer: Trainer,
  dataset: SplitDataset,
  variants: { model: InferenceModel; network: GpuTernaryNetwork | null }[],
  preset: string,
  batches: number[],
): Promise<{ rows: KernelBenchRow[]; tfjsBackend: string }> {
  const { set } = heldOut(dataset);
  const tfjsPredictions = await trainer.predict(set);
  const trainingBackend = tf.getBackend();
  const sameAdapter = service.path === 'webgpu' && tf.findBackend('webgpu') !== null;
  if (sameAdapter) await tf.setBackend('webgpu');
  const tfjsBackend = tf.getBackend();
  const float = tfjsFloatNetwork(variants[0]!.model);
  // Rows by variant, each in batch order, as the page and the benchmark print them.
  const rowsByVariant: KernelBenchRow[][] = variants.map(() => []);
  // A CNN does about 2 M multiply-accumulates per image where an MLP does 0.1–0.7 M: at 10,000 images one pass
  // takes minutes on a software adapter, so CNNs are timed up to batch 1,024.
  const isCnn = variants[0]!.model.layers.some((layer) => layer.conv !== null);
  const timedBatches = isCnn ? batches.filter((batch) => batch <= MAX_CNN_BENCH_BATCH) : batches;
  try {
    for (const batch of timedBatches) {
      // Batches larger than the split repeat its images, so every row is the batch it names.
      const repeated = repeatToBatch(set, batch);
      const pixels = repeated.pixels;
      const runs = batch <= 64 ? 9 : batch <= 1024 ? 5 : 3;
      // tfjs float does not depend on the kernel variant: timed once per batch and compared with each variant
      // (at batch 10,000 one float pass of b158-mlp takes about 25 s on a software adapter).
      const tfjsMs = (await timeRuns(runs, () => float.forward(pixels, batch))).ms;
      const expectedPredictions = Uint8Array.from(repeated.sourceIndex, (i) => tfjsPredictions[i]!);
      for (const [variantIndex, built] of variants.entries()) {
        const timed = await timeRuns(runs, () => service.logits(built.model, built.network, pixels, batch));
        const cpuMs = batch <= 1024 ? (await timeRuns(1, async () => referenceForward(built.model, pixels, batch))).ms : null;
        // The predictions checked are those of the timed passes themselves.
        const kernelPredictions = argmaxRows(timed.last, batch, built.model.classCount);
        const agreement = agreementOf(kernelPredictions, expectedPredictions);
        rowsByVariant[variantIndex]!.push({
          kernel: built.network ? built.network.kernels.join('+') : 'cpu-reference',
          preset,
          batch,
          ms: timed.ms,
          tfjsMs,
          speedup: tfjsMs / timed.ms,
          cpuMs,
          predictionsAgree: agreement >= 0.99,
          agreement,
          weightBytes: built.network?.weightBytes ?? built.model.layers.reduce((s, l) => s + l.packed.words.byteLength, 0),
          tfjsWeightBytes: float.bytes,
        });
      }
    }
  } finally {
    float.dispose();
    if (tf.getBackend() !== trainingBackend) await tf.setBackend(trainingBackend);
  }
  return { rows: rowsByVariant.flat(), tfjsBackend };
}
