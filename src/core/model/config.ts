/**
 * Training configuration: the presets, defaults and validation. Every field a preset sets can be changed in the
 * UI; validateConfig is the one gate for configuration values from outside: the form's fields today (the worker
 * validates again what it is sent), and share links and checkpoint files must pass it too when they arrive.
 */
import type { AugmentationConfig } from '../data/augment';
import { INPUT_RESOLUTIONS, modelInputShape, type InputResolution } from './inputResolution';
import { LayerError, layerActivationCount, mlpLayers, networkPlan, type LayerSpec, type MapShape } from './layers';
import type { ActivationQuantizer, ScaleGranularity, WeightQuantizer } from '../quant/ternary';
import { WEIGHT_FORMATS, type WeightFormat } from '../quant/weightFormats';

export type PresetId = 'seed' | 'b158-mlp' | 'mcu-16k' | 'cnn' | 'mcu-cnn-16k';
export type NormKind = 'none' | 'batchnorm';
export type HiddenActivation = 'identity' | 'relu';
/**
 * 'cosine': from the base rate down to 5 % of it over the whole run. 'cosine-zero': down to 0, as PyTorch's
 * CosineAnnealingLR with eta_min = 0 (BitNetMCU's schedule): the last epochs take ever smaller steps, so the trits
 * settle instead of flipping at 5 % of the base rate to the end.
 */
export type LrSchedule = 'constant' | 'cosine' | 'cosine-zero';
/**
 * 'adam': Adam on every variable. 'muon': Muon (momentum orthogonalized by a Newton–Schulz iteration, Jordan et
 * al. 2024) on the latent weight matrices of the hidden layers, Adam on the output layer, biases and batch norm, as
 * in Muon's recipe; one learning rate for both (src/train/muon.ts scales Muon's update to Adam's size).
 */
export type OptimizerKind = 'adam' | 'muon';

export interface ModelConfig {
  /** 28: the image as it is; 16: its 16×16 area average (core/model/inputResolution.ts), for the smallest chips. */
  inputResolution: InputResolution;
  /**
   * The layers between the image and the classes (core/model/layers.ts); the input (28×28×1 or 16×16×1) and the output
   * layer are implied by the data and inputResolution. Normalization and quantizers below apply to every conv and dense layer.
   */
  layers: LayerSpec[];
  /** 'none' is the float twin: same network, latent weights used as they are. */
  weightQuantizer: WeightQuantizer | 'none';
  /** Threshold factor t (see core/quant/ternary.ts). */
  threshold: number;
  /** One ternary scale and threshold per layer, or per output channel (unit or filter); core/quant/ternary.ts. */
  weightScale: ScaleGranularity;
  /**
   * Quantizer of each hidden layer's input. The network input (pixels) is quantized to 8 bits whenever this is
   * not 'none', which is lossless for 8-bit images and keeps the first layer integer too.
   */
  activationQuantizer: ActivationQuantizer;
  /** Batch norm after each hidden layer's matmul or convolution, i.e. before the next layer's quantizers. */
  norm: NormKind;
  /**
   * Batch norm on the logits too. A ternary output layer has one scale for all classes; this gives each class its
   * own scale and shift (folded into the output layer for inference). Measured on full MNIST, seed preset: the
   * ternary/float gap shrank from about 1.2 to 0.75 points.
   */
  outputNorm: boolean;
  /** Non-linearity of hidden layers; 'identity' when binary activations already are the non-linearity. */
  hiddenActivation: HiddenActivation;
  /** Straight-through estimator clip: no gradient reaches latent weights with |w| > steClip. */
  steClip: number;
  /**
   * Weight format of the implied output layer (the hidden layers carry theirs in their specs): ternary, or int4 /
   * int8 (core/quant/weightFormats.ts). Configs from before the choice: ternary.
   */
  outputWeights: WeightFormat;
  /**
   * At inference only: sum the logits over the image and four copies moved by one pixel (core/model/shiftAveraging.ts),
   * in every path (evaluation, kernels, C, ONNX). Five times the work of one pass, no more weights. Configs from
   * before the choice: off.
   */
  shiftAveraging: boolean;
}

/** Augmentation (core/data/augment.ts) is part of the recipe: the training batches it changes are the run's. */
export interface TrainConfig extends ModelConfig, AugmentationConfig {
  /**
   * Knowledge distillation: the share α of the loss that comes from a teacher network's softened logits (0 = off,
   * the labels alone). Used only when a teacher is given (src/train/teacher.ts).
   */
  distillWeight: number;
  /** Temperature T that softens the teacher's and the student's logits in the distillation term. */
  distillTemperature: number;
  optimizer: OptimizerKind;
  /**
   * Decay d of an exponential moving average of the trainable variables (0 = off): after each step
   * ema ← d·ema + (1 − d)·w, and when the run ends the model takes the averages (then batch norm is recalibrated,
   * src/train/trainer.ts). 0.998 averages over about the last 500 steps, one epoch of full MNIST at batch 128.
   */
  emaDecay: number;
  learningRate: number;
  lrSchedule: LrSchedule;
  batchSize: number;
  epochs: number;
  seed: number;
}

/** Hinton et al.'s range is 2–20; 4 softened MNIST teachers well in our runs (see README, distillation). */
export const DEFAULT_DISTILL_TEMPERATURE = 4;

export const PRESETS: Record<PresetId, TrainConfig> = {
  seed: {
    inputResolution: 28,
    layers: mlpLayers([128]),
    weightQuantizer: 'twn',
    threshold: 0.7,
    weightScale: 'layer',
    activationQuantizer: 'sign',
    norm: 'batchnorm',
    outputNorm: true,
    hiddenActivation: 'identity',
    steClip: 1,
    outputWeights: 'ternary',
    shiftAveraging: false,
    optimizer: 'adam',
    emaDecay: 0,
    learningRate: 0.006,
    lrSchedule: 'cosine',
    batchSize: 100,
    epochs: 5,
    seed: 42,
    augmentShift: 0,
    augmentRotation: 0,
    augmentScale: 0,
    distillWeight: 0,
    distillTemperature: DEFAULT_DISTILL_TEMPERATURE,
  },
  'b158-mlp': {
    inputResolution: 28,
    layers: mlpLayers([512, 512]),
    weightQuantizer: 'absmean',
    threshold: 0.5,
    weightScale: 'layer',
    activationQuantizer: 'absmax8',
    norm: 'batchnorm',
    outputNorm: false,
    hiddenActivation: 'relu',
    steClip: 1,
    outputWeights: 'ternary',
    shiftAveraging: false,
    optimizer: 'adam',
    emaDecay: 0,
    learningRate: 0.003,
    lrSchedule: 'cosine',
    batchSize: 128,
    epochs: 5,
    seed: 42,
    augmentShift: 0,
    augmentRotation: 0,
    augmentScale: 0,
    distillWeight: 0,
    distillTemperature: DEFAULT_DISTILL_TEMPERATURE,
  },
  /**
   * Fits a 16 KB flash / 2 KB RAM microcontroller as integer-only C (base-3 packing; core/export/mcuFootprint.ts): 16,133
   * bytes of flash, 1,064 of RAM and a 144-byte stack on the Cortex-M0+ build. The 16×16 area-averaged input (as
   * BitNetMCU's) leaves the flash of a 784-wide first layer to three hidden layers: 256-128-128-64-10, 57,984
   * trits. Shift averaging (core/model/shiftAveraging.ts) sums the scores of five passes, the image and its four 1-pixel
   * shifts: five times the instructions (1.42 M, 30 ms at 48 MHz), 134 bytes of code, no more weights. bench:mcu, 60
   * epochs on the full MNIST, rate annealed to 0 ('cosine-zero', as BitNetMCU does), batch norm recalibrated at the
   * end: 99.07 % for the C build with shift averaging, 98.91 % for the same weights in one pass (the reference).
   * Recipe changes gave no more in one pass: 'cosine' 98.73 %, weight averaging 98.85 %, Muon, distillation, a
   * float warm start, batch 64, a cropped input and 60,000 training images all 98.7–98.9 %, and the float twin of
   * this shape reaches only 99.07–99.09 %. In a PyTorch replica of this training three hidden layers beat two of the
   * same flash, a ternary scale per unit beat one per layer (+0.2 point), and ±1 px, ±5°, ±5 % beat stronger
   * augmentation; the README lists the sweep.
   */
  'mcu-16k': {
    inputResolution: 16,
    layers: mlpLayers([128, 128, 64]),
    weightQuantizer: 'absmean',
    threshold: 0.5,
    weightScale: 'channel',
    activationQuantizer: 'absmax8',
    norm: 'batchnorm',
    outputNorm: true,
    hiddenActivation: 'relu',
    steClip: 1,
    outputWeights: 'ternary',
    shiftAveraging: true,
    optimizer: 'adam',
    emaDecay: 0,
    learningRate: 0.003,
    lrSchedule: 'cosine-zero',
    batchSize: 128,
    epochs: 60,
    seed: 42,
    augmentShift: 1,
    augmentRotation: 5,
    augmentScale: 0.05,
    distillWeight: 0,
    distillTemperature: DEFAULT_DISTILL_TEMPERATURE,
  },
  /**
   * A LeNet-like ternary CNN: two 3×3 conv layers (32 filters each, 'same' padding), each followed by batch norm,
   * ReLU and a 2×2 max pool, then a 128-unit dense layer; a ternary scale per output channel. About 2.2 M
   * multiply-accumulates per image. Measured (bench:accuracy, 10 epochs, tfjs WASM): MNIST 99.44 %, float twin
   * 99.56 %; Fashion-MNIST 90.17 %, float twin 91.91 %. Batch 128 with Adam 0.004 was chosen over batch 64 with
   * 0.003 (99.37 % and 88.75 %) from a recipe sweep; the README lists it. A step of 128 images takes about 0.55 s
   * on one core of this 2-core machine with the other core busy, so 10 epochs take about 40 minutes.
   */
  cnn: {
    inputResolution: 28,
    layers: [
      { kind: 'conv2d', filters: 32, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 32, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', units: 128 },
    ],
    weightQuantizer: 'twn',
    threshold: 0.7,
    weightScale: 'channel',
    activationQuantizer: 'absmax8',
    norm: 'batchnorm',
    outputNorm: true,
    hiddenActivation: 'relu',
    steClip: 1,
    outputWeights: 'ternary',
    shiftAveraging: false,
    optimizer: 'adam',
    emaDecay: 0,
    learningRate: 0.004,
    lrSchedule: 'cosine',
    batchSize: 128,
    epochs: 10,
    seed: 42,
    // Shifts, rotations and scalings: a CNN of this size overfits MNIST within 10 epochs (in the sweep, ±2 px,
    // ±10°, ±10 % beat ±1.5 px, ±5°, ±5 % and shifts alone on MNIST; shifts alone did best on Fashion-MNIST).
    augmentShift: 2,
    augmentRotation: 10,
    augmentScale: 0.1,
    distillWeight: 0,
    distillTemperature: DEFAULT_DISTILL_TEMPERATURE,
  },
  /**
   * A CNN for a 16 KB flash / 4 KB RAM microcontroller: on the 16×16 area-averaged input, three 3×3 conv layers
   * (16, 32 and 64 filters, 'same', each with batch norm, ReLU and a 2×2 max pool) and a 64-unit dense layer. The
   * first two conv layers have int8 weights (4,752 of the 40,208) and the output layer int4 (640), as BitNetMCU's
   * CNN does: few weights, each carrying much, so more levels cost little flash. The rest is ternary. In base 3 its C
   * build takes 16,081 bytes of flash (16,077 before the engine's pass loop for shift averaging), 2,816 of RAM (the
   * int8 feature maps are most of it) and a 248-byte stack. The
   * recipe is cnn's (TWN per channel, batch 128, Adam 0.004, ±2 px, ±10°, ±10 %; BitNetMCU's CNN trains with
   * about as much) for 30 epochs. bench:mcu on the full MNIST, batch norm recalibrated at the end: 99.53 % for the
   * C build (ONNX and reference 99.52 %), 99.46 % with seed 7 instead of 42. With milder augmentation (±1 px, ±5°, ±5 %, the preset before) the same
   * formats gave 99.45 and 99.46 % in two runs, and the all-ternary network 99.35 % (11,966 bytes of flash); the
   * strong augmentation had looked worse before batch norm was recalibrated at the end (97.91 % at the last epoch
   * of an 8-filter run, 99.01 % one epoch earlier). README, Fitting a microcontroller, has the table.
   */
  'mcu-cnn-16k': {
    inputResolution: 16,
    layers: [
      { kind: 'conv2d', filters: 16, kernel: 3, stride: 1, padding: 'same', weights: 'int8' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 32, kernel: 3, stride: 1, padding: 'same', weights: 'int8' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'conv2d', filters: 64, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'maxpool2d', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', units: 64 },
    ],
    weightQuantizer: 'twn',
    threshold: 0.7,
    weightScale: 'channel',
    activationQuantizer: 'absmax8',
    norm: 'batchnorm',
    outputNorm: true,
    hiddenActivation: 'relu',
    steClip: 1,
    outputWeights: 'int4',
    shiftAveraging: false,
    optimizer: 'adam',
    emaDecay: 0,
    learningRate: 0.004,
    lrSchedule: 'cosine',
    batchSize: 128,
    epochs: 30,
    seed: 42,
    augmentShift: 2,
    augmentRotation: 10,
    augmentScale: 0.1,
    distillWeight: 0,
    distillTemperature: DEFAULT_DISTILL_TEMPERATURE,
  },
};

export function isPresetId(value: string): value is PresetId {
  return Object.prototype.hasOwnProperty.call(PRESETS, value);
}

export const PRESET_LABELS: Record<PresetId, string> = {
  seed: 'seed — 784-128-10, ternary weights, binary activations',
  'b158-mlp': 'b158-mlp — BitNet b1.58 MLP 784-512-512-10, 8-bit activations',
  'mcu-16k': 'mcu-16k — 16×16 input, 256-128-128-64-10, for a 16 KB / 2 KB microcontroller, augmented, 60 epochs, shift averaging (5 passes)',
  cnn: 'cnn — ternary CNN: conv 3×3 ×32, pool, conv 3×3 ×32, pool, dense 128, 8-bit activations',
  'mcu-cnn-16k': 'mcu-cnn-16k — 16×16 input, CNN (16, 32, 64 filters, dense 64; int8, ternary and int4 weights) for a 16 KB / 4 KB microcontroller, augmented, 30 epochs',
};

export const WEIGHT_QUANTIZERS = ['twn', 'absmean', 'fixed', 'none'] as const;
export const WEIGHT_SCALES = ['layer', 'channel'] as const;
export const ACTIVATION_QUANTIZERS = ['none', 'absmax8', 'sign'] as const;
export const NORM_KINDS = ['none', 'batchnorm'] as const;
export const HIDDEN_ACTIVATIONS = ['identity', 'relu'] as const;
export const LR_SCHEDULES = ['constant', 'cosine', 'cosine-zero'] as const;
export const OPTIMIZERS = ['adam', 'muon'] as const;

/** 0.9999 averages over about the last 10,000 steps, a third of a 60-epoch run of full MNIST at batch 128. */
export const EMA_DECAY_MAX = 0.9999;

export const THRESHOLD_RANGE = { min: 0, max: 2 } as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function fail(message: string): never {
  throw new ConfigError(message);
}

function finiteInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(`${name} must be a number.`);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}.`);
  return value;
}

function integerInRange(name: string, value: unknown, min: number, max: number): number {
  const n = finiteInRange(name, value, min, max);
  if (!Number.isInteger(n)) throw new ConfigError(`${name} must be a whole number, got ${n}.`);
  return n;
}

function oneOfNumbers<T extends number>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'number' || !(allowed as readonly number[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** What a training run may allocate (weights, optimizer state, activations of one batch) before it is refused. */
export const TRAINING_MEMORY_BUDGET_BYTES = 1024 * 1024 * 1024;
/**
 * float32 copies per weight while training: latent, ternary (forward), gradient, two Adam moments, and the
 * optimizer's update temporaries.
 */
const COPIES_PER_WEIGHT = 7;
/**
 * float32 values kept per activation and batch example: matmul output, batch-norm output and statistics,
 * non-linearity, quantized input of the next layer, and their gradients in the backward pass.
 */
const COPIES_PER_ACTIVATION = 10;

/** Bytes a training run of this config needs at its peak, estimated from its shapes (10 classes). */
export function estimateTrainingBytes(config: Pick<TrainConfig, 'layers' | 'batchSize'> & Partial<Pick<TrainConfig, 'inputResolution'>>, classCount = 10): number {
  const input = configInputShape(config);
  const plan = networkPlan(config.layers, input, classCount);
  let weights = 0;
  let activations = input.height * input.width * input.channels;
  for (const layer of plan) {
    weights += layer.inputSize * layer.outputSize + 4 * layer.outputSize;
    activations += layerActivationCount(layer);
  }
  return 4 * (COPIES_PER_WEIGHT * weights + COPIES_PER_ACTIVATION * activations * config.batchSize);
}

/** Checks every field and returns a clean copy; throws ConfigError with a message fit for the UI. */
export function validateConfig(input: unknown): TrainConfig {
  const config = validateFields(input);
  const bytes = estimateTrainingBytes(config);
  if (bytes > TRAINING_MEMORY_BUDGET_BYTES) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024).toLocaleString('en-US')} MB`;
    throw new ConfigError(
      `this network and batch size would need about ${mb(bytes)} while training (weights, optimizer state, activations × batch), over the ${mb(TRAINING_MEMORY_BUDGET_BYTES)} budget: make the layers narrower or the batch smaller.`,
    );
  }
  return config;
}

/** The map the first layer sees: the 28×28 image, or its 16×16 area average. Configs from before the choice: 28. */
export function configInputShape(config: Partial<Pick<ModelConfig, 'inputResolution'>>): MapShape {
  return modelInputShape(config.inputResolution ?? 28);
}

function validateFields(input: unknown): TrainConfig {
  if (typeof input !== 'object' || input === null) throw new ConfigError('The configuration is not an object.');
  const c = input as Record<string, unknown>;
  // Configs from before the choice (checkpoints, autosaves, share links) saw the 28×28 image.
  const inputResolution = c.inputResolution === undefined ? 28 : oneOfNumbers('input resolution', c.inputResolution, INPUT_RESOLUTIONS);
  return {
    inputResolution,
    layers: validateLayers(c, inputResolution),
    weightQuantizer: oneOf('weight quantizer', c.weightQuantizer, WEIGHT_QUANTIZERS),
    threshold: finiteInRange('threshold t', c.threshold, THRESHOLD_RANGE.min, THRESHOLD_RANGE.max),
    // Configs from before the choice (checkpoints, autosaves) had one scale per layer.
    weightScale: c.weightScale === undefined ? 'layer' : oneOf('ternary scale', c.weightScale, WEIGHT_SCALES),
    activationQuantizer: oneOf('activation quantizer', c.activationQuantizer, ACTIVATION_QUANTIZERS),
    norm: oneOf('normalization', c.norm, NORM_KINDS),
    outputNorm: typeof c.outputNorm === 'boolean' ? c.outputNorm : fail('output batch norm must be true or false.'),
    hiddenActivation: oneOf('hidden activation', c.hiddenActivation, HIDDEN_ACTIVATIONS),
    steClip: finiteInRange('STE clip', c.steClip, 0.001, 100),
    outputWeights: c.outputWeights === undefined ? 'ternary' : oneOf('output layer weight format', c.outputWeights, WEIGHT_FORMATS),
    shiftAveraging: c.shiftAveraging === undefined ? false : typeof c.shiftAveraging === 'boolean' ? c.shiftAveraging : fail('shift averaging must be true or false.'),
    // Configs from before the choice trained with Adam.
    optimizer: c.optimizer === undefined ? 'adam' : oneOf('optimizer', c.optimizer, OPTIMIZERS),
    // Configs from before weight averaging trained without it.
    emaDecay: c.emaDecay === undefined ? 0 : finiteInRange('EMA decay', c.emaDecay, 0, EMA_DECAY_MAX),
    learningRate: finiteInRange('learning rate', c.learningRate, 1e-6, 1),
    lrSchedule: oneOf('learning-rate schedule', c.lrSchedule, LR_SCHEDULES),
    batchSize: integerInRange('batch size', c.batchSize, 1, 4096),
    epochs: integerInRange('epochs', c.epochs, 1, 1000),
    seed: integerInRange('seed', c.seed, 0, 2 ** 32 - 1),
    augmentShift: finiteInRange('augmentation shift (pixels)', c.augmentShift, 0, 6),
    augmentRotation: finiteInRange('augmentation rotation (degrees)', c.augmentRotation, 0, 45),
    augmentScale: finiteInRange('augmentation scaling', c.augmentScale, 0, 0.5),
    // Configs from before distillation trained on the labels alone.
    distillWeight: c.distillWeight === undefined ? 0 : finiteInRange('distillation weight', c.distillWeight, 0, 1),
    distillTemperature: c.distillTemperature === undefined ? DEFAULT_DISTILL_TEMPERATURE : finiteInRange('distillation temperature', c.distillTemperature, 1, 20),
  };
}

export const MAX_LAYERS = 12;

/** A layer's weight format, kept only when it is not ternary (absent means ternary, so old configs compare equal). */
function weightFormatField(where: string, value: unknown): { weights?: WeightFormat } {
  if (value === undefined) return {};
  const weights = oneOf(`${where} weight format`, value, WEIGHT_FORMATS);
  return weights === 'ternary' ? {} : { weights };
}

function validateLayerSpec(input: unknown, index: number): LayerSpec {
  const where = `layer ${index + 1}`;
  if (typeof input !== 'object' || input === null) throw new ConfigError(`${where} is not a layer.`);
  const layer = input as Record<string, unknown>;
  switch (layer.kind) {
    case 'conv2d':
      return {
        kind: 'conv2d',
        filters: integerInRange(`${where} (conv2d) filters`, layer.filters, 1, 512),
        kernel: integerInRange(`${where} (conv2d) kernel size`, layer.kernel, 1, 11),
        stride: integerInRange(`${where} (conv2d) stride`, layer.stride, 1, 4),
        padding: oneOf(`${where} (conv2d) padding`, layer.padding, ['valid', 'same'] as const),
        ...weightFormatField(where, layer.weights),
      };
    case 'maxpool2d':
      return { kind: 'maxpool2d', size: integerInRange(`${where} (maxpool2d) size`, layer.size, 2, 8) };
    case 'flatten':
      return { kind: 'flatten' };
    case 'dense':
      return { kind: 'dense', units: integerInRange(`${where} (dense) units`, layer.units, 1, 2048), ...weightFormatField(where, layer.weights) };
    default:
      throw new ConfigError(`${where} has an unknown kind "${String(layer.kind)}" (known: conv2d, maxpool2d, flatten, dense).`);
  }
}

/**
 * The layer list, checked field by field and then shape by shape. A config from before layer lists (`hidden`, a
 * list of widths: checkpoints of schema ≤ 2, autosaves, share links) becomes the MLP it described.
 */
function validateLayers(c: Record<string, unknown>, inputResolution: InputResolution): LayerSpec[] {
  let layers: LayerSpec[];
  if (c.layers === undefined && Array.isArray(c.hidden)) {
    if (c.hidden.length > 4) throw new ConfigError('hidden layers must be a list of at most 4 widths.');
    layers = mlpLayers(c.hidden.map((width, i) => integerInRange(`hidden layer ${i + 1} width`, width, 1, 2048)));
  } else {
    if (!Array.isArray(c.layers)) throw new ConfigError('layers must be a list of layers.');
    if (c.layers.length > MAX_LAYERS) throw new ConfigError(`layers: at most ${MAX_LAYERS} layers, got ${c.layers.length}.`);
    layers = c.layers.map(validateLayerSpec);
  }
  try {
    networkPlan(layers, modelInputShape(inputResolution));
  } catch (error) {
    if (error instanceof LayerError) throw new ConfigError(error.message);
    throw error;
  }
  return layers;
}

/** What is wrong with a layer list (a field or a shape), for the layer editor; null when it is valid. */
export function layerListProblem(layers: unknown, inputResolution: InputResolution = 28): string | null {
  try {
    validateLayers({ layers }, inputResolution);
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

/** Share of the base rate that 'cosine' ends at. */
export const COSINE_FLOOR = 0.05;

/** Learning rate at `step` (0-based) of `totalSteps`: the base rate at step 0, the schedule's floor at the last step. */
export function learningRateAt(config: Pick<TrainConfig, 'learningRate' | 'lrSchedule'>, step: number, totalSteps: number): number {
  if (config.lrSchedule === 'constant' || totalSteps <= 1) return config.learningRate;
  const progress = Math.min(1, step / (totalSteps - 1));
  const floor = config.lrSchedule === 'cosine' ? COSINE_FLOOR : 0;
  return config.learningRate * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * Settings that change how a trained run is evaluated, run and exported, never how it trains: a run keeps training
 * when only these change (the threshold slider; shift averaging, core/model/shiftAveraging.ts).
 */
export const INFERENCE_SETTINGS = ['threshold', 'shiftAveraging'] as const satisfies readonly (keyof TrainConfig)[];

/** The inference-only fields of a run, as one value: what 'set-inference-settings' moves live. */
export type InferenceSettings = Pick<TrainConfig, 'threshold' | 'shiftAveraging'>;

/** True when two configs train the same run: they differ at most in INFERENCE_SETTINGS. */
export function sameTraining(a: TrainConfig, b: TrainConfig): boolean {
  const inferenceOnly: readonly (keyof TrainConfig)[] = INFERENCE_SETTINGS;
  return (Object.keys(a) as (keyof TrainConfig)[]).every((key) => inferenceOnly.includes(key) || JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** True when two configs differ at most in the threshold (which moves live, without restarting training). */
export function sameExceptThreshold(a: TrainConfig, b: TrainConfig): boolean {
  return (Object.keys(a) as (keyof TrainConfig)[]).every(
    (key) => key === 'threshold' || JSON.stringify(a[key]) === JSON.stringify(b[key]),
  );
}
