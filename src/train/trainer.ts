/**
 * The training loop, one mini-batch at a time, so the worker can interleave steps with messages (pause, threshold
 * changes) and Node can drive it in tests and benchmarks. No DOM.
 */
import * as tf from './tf';
import { configInputShape, inputShapeProblem, learningRateAt, type InferenceSettings, type TrainConfig } from '../core/model/config';
import { modelInputPixels, unitIntervalPixels, type InputResolution } from '../core/model/inputResolution';
import { SHIFT_PASSES, shiftedCopies } from '../core/model/shiftAveraging';
import { channelsOfSet, imageShapeOfSet, imageValues, type ImageSet, type SplitDataset } from '../core/data/dataset';
import { augmentationEnabled, augmentImages } from '../core/data/augment';
import { createRng, permutation, type Rng } from '../core/data/rng';
import type { EndOfRun, TrainerState } from '../core/run/trainerState';
import { Adam } from './adam';
import { Muon } from './muon';
import { WeightAverage } from './weightAverage';

export { stateIsFinite, type TrainerState } from '../core/run/trainerState';
import { TernaryNetwork } from './model';
import type { Teacher } from './teacher';

export interface StepResult {
  epoch: number;
  /** Steps done in the current epoch, 1-based after the step. */
  stepInEpoch: number;
  globalStep: number;
  loss: number;
  /** False when a trainable variable holds a non-finite value after the update. */
  weightsFinite: boolean;
  learningRate: number;
  /** True when this step finished an epoch. */
  epochEnded: boolean;
  /** When this step finished the run: what was done to the model then (Trainer.endOfRun); null otherwise. */
  endOfRun: EndOfRun | null;
}

export interface Evaluation {
  accuracy: number;
  loss: number;
  count: number;
}

const EVAL_CHUNK = 1000;

/**
 * (count, K0) float32 in [0, 1]: the listed examples as the network's first layer takes them, K0 = rows·cols·channels, or
 * 256 for a 16×16 input, whose area average core computes on the uint8 pixels (core/model/inputResolution.ts), so
 * training sees the same integers as the reference, the kernels and the exports.
 */
export function pixelsToTensor(set: ImageSet, indices: ArrayLike<number>, resolution: InputResolution = 28): tf.Tensor2D {
  return imagesToTensor(gatherImages(set, indices), indices.length, resolution);
}

/** The listed examples' images, (count, rows·cols·channels) uint8. */
function gatherImages(set: ImageSet, indices: ArrayLike<number>): Uint8Array {
  const imageSize = imageValues(set);
  const images = new Uint8Array(indices.length * imageSize);
  for (let i = 0; i < indices.length; i++) images.set(set.pixels.subarray(indices[i]! * imageSize, (indices[i]! + 1) * imageSize), i * imageSize);
  return images;
}

function imagesToTensor(images: Uint8Array, count: number, resolution: InputResolution): tf.Tensor2D {
  const pixels = modelInputPixels(resolution, images, count);
  const size = pixels.length / Math.max(1, count);
  return tf.tensor2d(unitIntervalPixels(pixels), [count, size]);
}

/**
 * The training loss, a scalar. Without a teacher: softmax cross-entropy with the one-hot labels y (batch, classes).
 * With one (weight α, temperature T): (1 − α)·CE(y, s) + α·T²·CE(softmax(t/T), s/T), where s and t are the
 * student's and the teacher's logits (batch, classes). The soft term equals T²·KL(teacher ‖ student) up to the
 * teacher's entropy, a constant; T² keeps its gradient's size independent of T (Hinton et al. 2015).
 */
export function distillationLoss(y: tf.Tensor2D, studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D | null, weight: number, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const hard = tf.losses.softmaxCrossEntropy(y, studentLogits) as tf.Scalar;
    if (!teacherLogits || weight === 0) return hard;
    const softTargets = tf.softmax(tf.div(teacherLogits, temperature));
    const soft = tf.losses.softmaxCrossEntropy(softTargets, tf.div(studentLogits, temperature)) as tf.Scalar;
    return tf.add(tf.mul(hard, 1 - weight), tf.mul(soft, weight * temperature * temperature)) as tf.Scalar;
  });
}

function labelsToOneHot(set: ImageSet, indices: ArrayLike<number>, classCount: number): tf.Tensor2D {
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) labels[i] = set.labels[indices[i]!]!;
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classCount), 'float32') as tf.Tensor2D);
}

function range(start: number, end: number): Uint32Array {
  const out = new Uint32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

export class Trainer {
  readonly model: TernaryNetwork;
  readonly stepsPerEpoch: number;
  private readonly optimizer: Adam;
  /** With config.emaDecay > 0: the averages the model takes when the run ends. */
  private readonly weightAverage: WeightAverage | null;
  private readonly rng: Rng;
  private epochOrder: Uint32Array;
  epoch = 0;
  stepInEpoch = 0;
  globalStep = 0;
  /**
   * What finish() did to the model, or what the restored state says was done: null while the run goes on, and for
   * a finished run restored from a state that did not record it (saved before the end of a run did anything).
   */
  endOfRun: EndOfRun | null = null;

  private currentConfig: TrainConfig;

  /** The run's configuration; only its inference settings (applyInferenceSettings) change after construction. */
  get config(): TrainConfig {
    return this.currentConfig;
  }

  /**
   * Moves the inference-only settings (core/model/config.ts INFERENCE_SETTINGS) of the run as it is: they change
   * what evaluate, predict and the weight views compute, never the training, so the run goes on without restarting.
   * This config is the one place the trainer holds them: the model's threshold scalar follows it here, and the
   * cached evaluation inputs are rebuilt when shift averaging changes what they hold. Undefined fields stay as they are.
   */
  applyInferenceSettings(settings: Partial<InferenceSettings>): void {
    const { threshold = this.currentConfig.threshold, shiftAveraging = this.currentConfig.shiftAveraging } = settings;
    if (threshold !== this.currentConfig.threshold) this.model.setThreshold(threshold);
    if (shiftAveraging !== this.currentConfig.shiftAveraging) this.disposeEvaluationChunks();
    this.currentConfig = { ...this.currentConfig, threshold, shiftAveraging };
  }

  /**
   * teacher: a trained network whose softened logits the loss adds as targets (config.distillWeight > 0); see
   * teacher.ts. Without one, the run trains on the labels alone, whatever distillWeight says. It can change between
   * steps (the page chooses it); the trainer does not own it and never disposes it.
   */
  constructor(
    config: TrainConfig,
    readonly data: SplitDataset,
    public teacher: Teacher | null = null,
  ) {
    this.currentConfig = config;
    this.rng = createRng(config.seed);
    const train = data.train;
    const image = imageShapeOfSet(train);
    const problem = inputShapeProblem(config, image);
    if (problem) throw new Error(problem);
    const input = configInputShape(config, image);
    this.model = new TernaryNetwork(config, input, data.classNames.length, this.rng);
    this.optimizer =
      config.optimizer === 'muon'
        ? new Muon(this.model.trainableVariables(), this.model.hiddenWeightMatrices())
        : new Adam(this.model.trainableVariables());
    this.weightAverage = config.emaDecay > 0 ? new WeightAverage(this.model.trainableVariables(), config.emaDecay) : null;
    this.stepsPerEpoch = Math.ceil(train.count / config.batchSize);
    this.epochOrder = permutation(train.count, this.rng);
  }

  get totalSteps(): number {
    return this.stepsPerEpoch * this.config.epochs;
  }

  /**
   * Everything training depends on, copied off the device: model variables (with batch-norm statistics), the
   * optimizer's moments (core/run/trainerState.ts), the position in the epoch and the RNG, so restoring it continues
   * exactly as the run would have.
   */
  async captureState(): Promise<TrainerState> {
    return {
      epoch: this.epoch,
      stepInEpoch: this.stepInEpoch,
      globalStep: this.globalStep,
      epochOrder: this.epochOrder.slice(),
      rng: this.rng.getState(),
      variables: await Promise.all(this.model.stateVariables().map(async (v) => ((await v.data()) as Float32Array).slice())),
      optimizer: await this.optimizer.getState(),
      averages: this.weightAverage ? await this.weightAverage.getState() : null,
      endOfRun: this.endOfRun ? { ...this.endOfRun } : null,
    };
  }

  restoreState(state: TrainerState): void {
    const variables = this.model.stateVariables();
    if (state.variables.length !== variables.length || state.variables.some((values, i) => values.length !== variables[i]!.size)) {
      throw new Error('The saved state belongs to another architecture than this configuration.');
    }
    if (state.epochOrder.length !== this.data.train.count) {
      throw new Error(`The saved state was trained on ${state.epochOrder.length} examples; this dataset has ${this.data.train.count}. Load the dataset it was trained on.`);
    }
    tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(state.variables[i]!, v.shape))));
    this.optimizer.setState(state.optimizer);
    this.weightAverage?.setState(state.averages ?? null);
    this.epoch = state.epoch;
    this.stepInEpoch = state.stepInEpoch;
    this.globalStep = state.globalStep;
    this.epochOrder = state.epochOrder.slice();
    this.rng.setState(state.rng);
    // States autosaved before the field existed lack it (undefined): nothing is known of their end.
    this.endOfRun = state.endOfRun ? { ...state.endOfRun } : null;
  }

  get finished(): boolean {
    return this.epoch >= this.config.epochs;
  }

  async step(): Promise<StepResult> {
    if (this.finished) throw new Error('training has finished; reset to train again');
    const train = this.data.train;
    const start = this.stepInEpoch * this.config.batchSize;
    const batchIndices = this.epochOrder.subarray(start, Math.min(start + this.config.batchSize, train.count));
    const learningRate = learningRateAt(this.config, this.globalStep, this.totalSteps);
    // Augmented batches draw their transforms from the trainer's RNG, whose state snapshots and checkpoints keep.
    const images = augmentationEnabled(this.config)
      ? augmentImages(train.pixels, batchIndices, train.rows, train.cols, this.config, this.rng, channelsOfSet(train))
      : gatherImages(train, batchIndices);
    const x = imagesToTensor(images, batchIndices.length, this.config.inputResolution);
    const y = labelsToOneHot(train, batchIndices, this.data.classNames.length);
    // The teacher sees the same (augmented) images; its logits are constants for the gradient.
    const distilling = this.teacher !== null && this.config.distillWeight > 0;
    const teacherLogits = distilling ? this.teacher!.logits(images, batchIndices.length) : null;
    const { value, grads } = tf.variableGrads(
      () => distillationLoss(y, this.model.forward(x, true), teacherLogits, this.config.distillWeight, this.config.distillTemperature),
      this.model.trainableVariables(),
    );
    this.optimizer.apply(grads, learningRate);
    this.weightAverage?.update(this.globalStep + 1);
    tf.dispose([x, y, grads]);
    if (teacherLogits) teacherLogits.dispose();
    // One readback for the loss and a health check of the updated weights: Σ of every trainable variable is
    // non-finite as soon as one weight is (a NaN latent weight ternarizes to 0 and would not show in the loss).
    // Summed pairwise, not with addN: tfjs's WebGPU addN binds one storage buffer per input, and a model with
    // 8 or more variables (mcu-16k has 16) passes WebGPU's default limit of 8 per shader stage, so its pipeline
    // was invalid and the check read a sum that was never computed.
    const readout = tf.tidy(() => {
      const weightSum = this.model
        .trainableVariables()
        .map((v) => tf.sum(v))
        .reduce((total, sum) => tf.add(total, sum));
      return tf.stack([value, weightSum]);
    });
    const [loss, weightSum] = (await readout.data()) as Float32Array;
    tf.dispose([readout, value]);

    this.globalStep++;
    this.stepInEpoch++;
    const result: StepResult = {
      epoch: this.epoch,
      stepInEpoch: this.stepInEpoch,
      globalStep: this.globalStep,
      loss: loss!,
      weightsFinite: Number.isFinite(weightSum!),
      learningRate,
      epochEnded: false,
      endOfRun: null,
    };
    if (this.stepInEpoch >= this.stepsPerEpoch) {
      this.epoch++;
      this.stepInEpoch = 0;
      this.epochOrder = permutation(train.count, this.rng);
      result.epochEnded = true;
      if (this.finished && Number.isFinite(loss!) && result.weightsFinite) result.endOfRun = await this.finish();
    }
    return result;
  }

  /**
   * The end of the run: the model takes its weight averages (config.emaDecay), then batch norm's population
   * statistics, not the moving averages of its last batches, which came from a few augmented batches of a model
   * that was still changing (docs/experiments.md, 2026-11-29, the end of a run).
   */
  private async finish(): Promise<EndOfRun> {
    const endOfRun: EndOfRun = { weightsAveraged: this.weightAverage !== null, batchNormRecalibrated: this.model.hasBatchNorm };
    this.weightAverage?.applyToModel();
    if (endOfRun.batchNormRecalibrated) await this.recalibrateBatchNorm();
    this.endOfRun = endOfRun;
    return { ...endOfRun };
  }

  /**
   * Batch-norm population statistics over the whole training split, as the model sees test images (no
   * augmentation), in chunks of EVAL_CHUNK examples; see TernaryNetwork.recalibrateBatchNorm.
   */
  async recalibrateBatchNorm(): Promise<void> {
    const train = this.data.train;
    const config = this.config;
    function* chunks(): Generator<tf.Tensor2D> {
      for (let start = 0; start < train.count; start += EVAL_CHUNK) {
        const x = pixelsToTensor(train, range(start, Math.min(start + EVAL_CHUNK, train.count)), config.inputResolution);
        try {
          yield x;
        } finally {
          x.dispose();
        }
      }
    }
    await this.model.recalibrateBatchNorm(chunks());
  }

  /**
   * Evaluation inputs stay on the device between calls: the threshold slider re-evaluates the validation split
   * many times, and re-uploading it each time would dominate. Chunks: x (n, 784), one-hot y (n, classes), labels (n).
   */
  private readonly evaluationChunks = new Map<ImageSet, { x: tf.Tensor2D; y: tf.Tensor2D; labels: tf.Tensor1D }[]>();

  private chunksOf(set: ImageSet): { x: tf.Tensor2D; y: tf.Tensor2D; labels: tf.Tensor1D }[] {
    let chunks = this.evaluationChunks.get(set);
    if (!chunks) {
      chunks = [];
      for (let start = 0; start < set.count; start += EVAL_CHUNK) {
        const indices = range(start, Math.min(start + EVAL_CHUNK, set.count));
        const y = labelsToOneHot(set, indices, this.data.classNames.length);
        // With shift averaging x holds each image's five moved copies, image-major: (5n, inputs).
        const x = this.config.shiftAveraging
          ? imagesToTensor(shiftedCopies(gatherImages(set, indices), indices.length, imageShapeOfSet(set)), indices.length * SHIFT_PASSES, this.config.inputResolution)
          : pixelsToTensor(set, indices, this.config.inputResolution);
        chunks.push({ x, y, labels: tf.tidy(() => tf.argMax(y, 1) as tf.Tensor1D) });
      }
      this.evaluationChunks.set(set, chunks);
    }
    return chunks;
  }

  /**
   * Logits (n, classes) of an evaluation chunk; with shift averaging the sum over each image's five moved copies
   * (core/model/shiftAveraging.ts): (5n, classes) -> (n, 5, classes) -> (n, classes). Call inside tf.tidy.
   */
  private chunkLogits(chunk: { x: tf.Tensor2D }): tf.Tensor2D {
    const logits = this.model.forward(chunk.x, false);
    if (!this.config.shiftAveraging) return logits;
    const classes = logits.shape[1];
    return tf.sum(tf.reshape(logits, [-1, SHIFT_PASSES, classes]), 1) as tf.Tensor2D;
  }

  /**
   * Accuracy and mean loss of the model (at its current threshold) on `set`: one device readback. Each chunk's
   * activations are freed before the next (a CNN's maps for 1,000 images are hundreds of MB; all chunks of a
   * 10,000-image set at once ran the WASM backend out of memory).
   */
  async evaluate(set: ImageSet): Promise<Evaluation> {
    const chunks = this.chunksOf(set); // outside tidy, which would dispose the cache
    let totals: tf.Tensor = tf.zeros([2]);
    for (const chunk of chunks) {
      const next = tf.tidy(() => {
        const logits = this.chunkLogits(chunk);
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), chunk.labels), 'float32'));
        const lossSum = tf.mul(tf.losses.softmaxCrossEntropy(chunk.y, logits), logits.shape[0]);
        return tf.add(totals, tf.stack([correct, lossSum]));
      });
      totals.dispose();
      totals = next;
    }
    const [correct, lossSum] = await totals.data();
    totals.dispose();
    return { accuracy: correct! / set.count, loss: lossSum! / set.count, count: set.count };
  }

  /** Predicted class of every example of `set` (argmax of the logits), read back once. */
  async predict(set: ImageSet): Promise<Uint8Array> {
    const chunks = this.chunksOf(set);
    // One tidy per chunk, so that only the argmaxes outlive it (see evaluate).
    const perChunk = chunks.map((chunk) => tf.tidy(() => tf.argMax(this.chunkLogits(chunk), 1)));
    const predictions = tf.concat(perChunk);
    tf.dispose(perChunk);
    const values = await predictions.data();
    predictions.dispose();
    return Uint8Array.from(values);
  }

  /** Predicted class and its softmax probability for every example of `set`: one readback of (2, n). */
  async predictWithConfidence(set: ImageSet): Promise<{ predicted: Uint8Array; confidence: Float32Array }> {
    const chunks = this.chunksOf(set);
    const perChunk = chunks.map((chunk) => tf.tidy(() => this.chunkLogits(chunk)));
    const stacked = tf.tidy(() => {
      const logits = tf.concat(perChunk);
      return tf.stack([tf.cast(tf.argMax(logits, 1), 'float32'), tf.max(tf.softmax(logits), 1)]);
    });
    tf.dispose(perChunk);
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    return { predicted: Uint8Array.from(values.subarray(0, set.count)), confidence: values.slice(set.count) };
  }

  private disposeEvaluationChunks(): void {
    for (const chunks of this.evaluationChunks.values()) {
      for (const chunk of chunks) tf.dispose([chunk.x, chunk.y, chunk.labels]);
    }
    this.evaluationChunks.clear();
  }

  dispose(): void {
    this.disposeEvaluationChunks();
    this.model.dispose();
    this.optimizer.dispose();
    this.weightAverage?.dispose();
  }
}
