/**
 * Training configuration: the TrainConfig type, validation, and the training-memory estimate. The fields themselves
 * (kind, range, default, label, description, legacy default, inference-only) are declared once in configFields.ts
 * and the presets in presets.ts; both are re-exported here so that the config has one entry point. validateConfig is
 * the one gate for configuration values from outside: the form's fields (the worker validates again what it is
 * sent), share links and checkpoint files.
 */
import type { AugmentationConfig } from '../data/augment';
import { FIELD_KEYS, FIELDS, copyFieldValue, type FieldKey, type FieldSpec, type INFERENCE_SETTINGS } from './configFields';
import { modelInputShape, REDUCED_SIDE, type InputResolution } from './inputResolution';
import { LayerError, layerActivationCount, mlpLayers, networkPlan, type LayerSpec, MNIST_INPUT, type MapShape } from './layers';
import type { ActivationQuantizer, ScaleGranularity, WeightQuantizer } from '../quant/ternary';
import { WEIGHT_FORMATS, type WeightFormat } from '../quant/weightFormats';

export {
  ACTIVATION_QUANTIZERS,
  DEFAULT_DISTILL_TEMPERATURE,
  EMA_DECAY_MAX,
  HIDDEN_ACTIVATIONS,
  INFERENCE_SETTINGS,
  LR_SCHEDULES,
  NORM_KINDS,
  OPTIMIZERS,
  sameTraining,
  THRESHOLD_RANGE,
  WEIGHT_QUANTIZERS,
  WEIGHT_SCALES,
} from './configFields';
export { configSummary, isPresetId, PRESET_LABELS, PRESETS, presetOf, presetSummary, type PresetId } from './presets';

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
   * own scale and shift (folded into the output layer for inference).
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

function oneOf<T extends string | number>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}.`);
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

/**
 * The map the first layer sees: the data set's image as it is (28×28×1 for MNIST, Fashion-MNIST and keywords; the
 * conversion's side × side × 1 or 3 for own images), or the 16×16 area average of a 28×28 grey image. Configs from
 * before the choice: as the image.
 */
export function configInputShape(config: Partial<Pick<ModelConfig, 'inputResolution'>>, image: MapShape = MNIST_INPUT): MapShape {
  return config.inputResolution === REDUCED_SIDE ? modelInputShape(REDUCED_SIDE) : image;
}

/** Why this config cannot take these images, or null: the 16×16 area average is defined on 28×28 grey images only. */
export function inputShapeProblem(config: Partial<Pick<ModelConfig, 'inputResolution'>>, image: MapShape): string | null {
  if (config.inputResolution !== REDUCED_SIDE) return null;
  if (image.height === MNIST_INPUT.height && image.width === MNIST_INPUT.width && image.channels === MNIST_INPUT.channels) return null;
  return `A 16×16 input is the area average of 28×28 grey images; these images are ${image.height}×${image.width}×${image.channels}: set Input to "as the image" (or convert the images to 16×16 when loading them).`;
}

/** One field's value checked against its spec; a missing value takes the field's legacy default when it has one. */
function validateField(spec: Exclude<FieldSpec, { kind: 'layers' }>, value: unknown): unknown {
  if (value === undefined && spec.legacyDefault !== undefined) return copyFieldValue(spec.legacyDefault);
  switch (spec.kind) {
    case 'number':
      return spec.integer ? integerInRange(spec.name, value, spec.min, spec.max) : finiteInRange(spec.name, value, spec.min, spec.max);
    case 'choice':
      return oneOf<string | number>(spec.name, value, spec.choices);
    case 'boolean':
      return typeof value === 'boolean' ? value : fail(`${spec.name} must be true or false.`);
  }
}

/** Every field of the table, checked by its spec; the layer list last, as its shapes depend on the input resolution. */
function validateFields(input: unknown): TrainConfig {
  if (typeof input !== 'object' || input === null) throw new ConfigError('The configuration is not an object.');
  const c = input as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  let layersKey: FieldKey | null = null;
  for (const key of FIELD_KEYS) {
    const spec = FIELDS[key];
    if (spec.kind === 'layers') layersKey = key;
    else config[key] = validateField(spec, c[key]);
  }
  if (layersKey !== null) config[layersKey] = validateLayers(c, config.inputResolution as InputResolution);
  // In the table's order, whatever order the checks ran in: a validated config serialises (exports' metadata,
  // checkpoints, share links) exactly like the preset it came from.
  return Object.fromEntries(FIELD_KEYS.map((key) => [key, config[key]])) as unknown as TrainConfig;
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

/**
 * What is wrong with a layer list (a field or a shape), for the layer editor; null when it is valid. `image`: the
 * data's image (an own data set's side and channels), which the layers must also fit.
 */
export function layerListProblem(layers: unknown, inputResolution: InputResolution = 28, image: MapShape = MNIST_INPUT): string | null {
  try {
    const valid = validateLayers({ layers }, inputResolution);
    const shapeProblem = inputShapeProblem({ inputResolution }, image);
    if (shapeProblem !== null) return shapeProblem;
    networkPlan(valid, configInputShape({ inputResolution }, image));
    return null;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof LayerError) return error.message;
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

/** The inference-only fields (INFERENCE_SETTINGS): what a trained run takes on without retraining. */
export type InferenceSettings = Pick<TrainConfig, (typeof INFERENCE_SETTINGS)[number]>;
